package control

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/timeline"
)

// matcher finds a number in any spelling (8005550100, +18005550100,
// 1-800-555-0100) or, for a query that is no number, a text such as a CNAM
// value (case-insensitive).
type matcher struct {
	number string // ten digits for a North American number; "" for text
	text   string // lower-case query, for text
}

func newMatcher(q string) matcher {
	q = strings.TrimSpace(q)
	if n := timeline.Normalize(q); n != "" {
		return matcher{number: n}
	}
	return matcher{text: strings.ToLower(q)}
}

// value says whether one stored value is the number (or the text).
func (m matcher) value(v string) bool {
	if m.number != "" {
		return timeline.Normalize(v) == m.number
	}
	return m.text != "" && strings.ToLower(strings.TrimSpace(v)) == m.text
}

// within says whether a longer text mentions the number or the text.
func (m matcher) within(s string) bool {
	if m.number != "" {
		return containsNumber(s, m.number)
	}
	return m.text != "" && strings.Contains(strings.ToLower(s), m.text)
}

// containsNumber finds number as a run of digits of its own in s (so
// 8005550100 is found in "+18005550100" and "1-800-555-0100" but not in
// "98005550100").
func containsNumber(s, number string) bool {
	var run strings.Builder
	flush := func() bool {
		ok := timeline.Normalize(run.String()) == number
		run.Reset()
		return ok
	}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			run.WriteRune(r)
		case (r == '-' || r == ' ' || r == '(' || r == ')' || r == '.' || r == '+') && run.Len() > 0 && run.Len() < 15:
			// separators inside a spelled number
		default:
			if run.Len() > 0 && flush() {
				return true
			}
		}
	}
	return run.Len() > 0 && flush()
}

// item says whether a timeline item concerns the number.
func (m matcher) item(it *storyItem) bool {
	if m.number != "" {
		for _, n := range it.Numbers {
			if n == m.number {
				return true
			}
		}
		for _, v := range it.answer {
			if m.value(v) {
				return true
			}
		}
	}
	if m.within(it.Summary) {
		return true
	}
	for _, v := range it.Detail {
		if m.within(v) {
			return true
		}
	}
	return false
}

// holding is one record of a provider's state that holds the number.
type holding struct {
	Path   string         `json:"path"`             // where in the provider's state
	Field  string         `json:"field"`            // the field that holds it
	Status string         `json:"status,omitempty"` // the record's status, when it has one
	Record map[string]any `json:"record"`           // the record's own fields (nested lists and objects summarized)
}

type providerHoldings struct {
	Provider string    `json:"provider"`
	Title    string    `json:"title"`
	Records  []holding `json:"records"`
	More     int       `json:"more,omitempty"` // records left out past the limit
}

const maxHoldings = 25

// numberLife answers everything the tenant knows about one number (or a
// text such as a CNAM value): the records that hold it in every provider's
// state, with their status, and the timeline items that concern it.
func (h *Handler) numberLife(w http.ResponseWriter, r *http.Request, wd *tenant.World) {
	q := r.PathValue("number")
	m := newMatcher(q)
	if m.number == "" && len(m.text) < 3 {
		provider.WriteControlError(w, http.StatusBadRequest, "number: give a phone number (any spelling) or at least 3 characters of text")
		return
	}
	titles := map[string]string{}
	for _, info := range h.e.Infos() {
		titles[info.Name] = info.Title
	}
	var found []providerHoldings
	for _, name := range wd.Names() {
		b, err := json.Marshal(wd.State(name).Export())
		if err != nil {
			continue
		}
		var doc any
		if json.Unmarshal(b, &doc) != nil {
			continue
		}
		ph := providerHoldings{Provider: name, Title: titles[name]}
		walkRecords(doc, "", m, &ph)
		if len(ph.Records) > 0 || ph.More > 0 {
			found = append(found, ph)
		}
	}
	items, _ := h.story(wd)
	var story []storyItem
	for _, it := range items {
		if m.item(&it) {
			story = append(story, it)
		}
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{
		"query": q, "number": m.number, "tenant": wd.ID, "now": wd.Clock.Now(),
		"providers": found, "timeline": story,
	})
}

// walkRecords finds the objects in v with a field that holds the number.
func walkRecords(v any, path string, m matcher, out *providerHoldings) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if holds(x[k], m) {
				if len(out.Records) >= maxHoldings {
					out.More++
				} else {
					out.Records = append(out.Records, holding{Path: strings.TrimPrefix(path, "."), Field: k, Status: statusOf(x), Record: summarize(x)})
				}
				break
			}
		}
		for _, k := range keys {
			walkRecords(x[k], path+"."+k, m, out)
		}
	case []any:
		for i, c := range x {
			walkRecords(c, fmt.Sprintf("%s[%d]", path, i), m, out)
		}
	}
}

// holds says whether a field is the number, or a list of values that
// holds it (a port request's numbers).
func holds(v any, m matcher) bool {
	if s, ok := scalar(v); ok {
		return m.value(s)
	}
	if list, ok := v.([]any); ok {
		for _, e := range list {
			if s, ok := scalar(e); ok && m.value(s) {
				return true
			}
		}
	}
	return false
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return fmt.Sprintf("%.0f", x), x == float64(int64(x))
	}
	return "", false
}

// statusOf picks a record's status: the first field named like one.
func statusOf(o map[string]any) string {
	for _, k := range []string{"status", "Status", "state", "State", "portStatus", "approvalStatus", "recStatus"} {
		if s, ok := o[k].(string); ok && s != "" {
			return s
		}
	}
	for k, v := range o {
		if s, ok := v.(string); ok && s != "" && strings.Contains(strings.ToLower(k), "status") {
			return s
		}
	}
	if b, ok := o["is_approved"].(bool); ok {
		if b {
			return "approved"
		}
		return "not approved"
	}
	return ""
}

// summarize keeps a record's scalar fields and says how many items its
// nested lists and objects hold.
func summarize(o map[string]any) map[string]any {
	out := make(map[string]any, len(o))
	for k, v := range o {
		switch x := v.(type) {
		case map[string]any:
			out[k] = fmt.Sprintf("{%d fields}", len(x))
		case []any:
			out[k] = fmt.Sprintf("[%d items]", len(x))
		default:
			out[k] = v
		}
	}
	return out
}
