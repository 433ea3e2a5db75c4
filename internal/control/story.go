package control

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/journal"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/timeline"
)

// storyItem is one line of a tenant's timeline: an API call from the
// journal or an item of the tenant's timeline log.
type storyItem struct {
	Seq      uint64            `json:"seq"`
	Time     time.Time         `json:"time"`
	Kind     string            `json:"kind"` // "api" or a timeline kind
	Provider string            `json:"provider,omitempty"`
	Summary  string            `json:"summary"`
	Numbers  []string          `json:"numbers,omitempty"`
	Detail   map[string]string `json:"detail,omitempty"`

	// API calls only.
	JournalID   uint64 `json:"journalId,omitempty"`
	Method      string `json:"method,omitempty"`
	Path        string `json:"path,omitempty"`
	Status      int    `json:"status,omitempty"`
	Fault       string `json:"fault,omitempty"`
	Flow        uint64 `json:"flow,omitempty"`        // the journal id of the flow's first call
	FollowsFrom uint64 `json:"followsFrom,omitempty"` // the call whose answer this one used
	Via         string `json:"via,omitempty"`         // the value it used

	values []string // what the call's request used
	answer []string // what its answer gave
}

// flow is a chain of calls where each used something an earlier one gave
// (a token, an id, a number): login then search then purchase.
type flow struct {
	ID       uint64   `json:"id"`
	Title    string   `json:"title"`
	Provider string   `json:"provider"`
	Calls    []uint64 `json:"calls"`
}

// timelineQuery parses ?limit=&number=&kind=.
func timelineQuery(w http.ResponseWriter, r *http.Request) (limit int, number string, ok bool) {
	q := r.URL.Query()
	limit = 500
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5000 {
			provider.WriteControlError(w, http.StatusBadRequest, "limit: want an integer from 1 to 5000")
			return 0, "", false
		}
		limit = n
	}
	return limit, q.Get("number"), true
}

// timeline answers the tenant's story in the order it happened, with the
// flows its API calls form. ?number= keeps what concerns one number (or a
// text such as a CNAM value); ?limit= keeps the newest items.
func (h *Handler) timeline(w http.ResponseWriter, r *http.Request, wd *tenant.World) {
	limit, number, ok := timelineQuery(w, r)
	if !ok {
		return
	}
	items, flows := h.story(wd)
	if number != "" {
		m := newMatcher(number)
		kept := items[:0]
		for _, it := range items {
			if m.item(&it) {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	if len(items) > limit {
		items = items[len(items)-limit:]
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"tenant": wd.ID, "now": wd.Clock.Now(), "items": items, "flows": flows})
}

// story merges the journal and the timeline log by sequence and links the
// API calls into flows.
func (h *Handler) story(wd *tenant.World) ([]storyItem, []flow) {
	entries := wd.Journal.List(journal.Filter{}) // newest first
	names := h.routeNames()
	items := make([]storyItem, 0, len(entries)+wd.Timeline.Len())
	for i := len(entries) - 1; i >= 0; i-- {
		items = append(items, apiItem(&entries[i], names))
	}
	flows := linkFlows(items)
	for _, t := range wd.Timeline.Items() {
		items = append(items, storyItem{Seq: t.Seq, Time: t.Time, Kind: t.Kind, Provider: t.Provider, Summary: t.Summary, Numbers: t.Numbers, Detail: t.Detail})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Seq < items[j].Seq })
	return withExpiries(items, wd.Clock.Now()), flows
}

// withExpiries adds, for each item that issued something with an
// "expires" time now past (a token), an item at that time saying it
// expired. It takes the sequence number of the item it follows.
func withExpiries(items []storyItem, now time.Time) []storyItem {
	var due []storyItem
	for _, it := range items {
		exp, err := time.Parse(time.RFC3339, it.Detail["expires"])
		if err != nil || exp.After(now) {
			continue
		}
		summary, _, _ := strings.Cut(it.Summary, ";")
		due = append(due, storyItem{Time: exp, Kind: timeline.KindLifecycle, Provider: it.Provider, Numbers: it.Numbers,
			Summary: "expired: " + summary, Detail: map[string]string{"expired": exp.Format(time.RFC3339), "issued": it.Time.UTC().Format(time.RFC3339)}})
	}
	if len(due) == 0 {
		return items
	}
	sort.SliceStable(due, func(i, j int) bool { return due[i].Time.Before(due[j].Time) })
	out := make([]storyItem, 0, len(items)+len(due))
	for _, it := range items {
		for len(due) > 0 && due[0].Time.Before(it.Time) {
			due[0].Seq = lastSeq(out)
			out, due = append(out, due[0]), due[1:]
		}
		out = append(out, it)
	}
	for _, d := range due {
		d.Seq = lastSeq(out)
		out = append(out, d)
	}
	return out
}

func lastSeq(items []storyItem) uint64 {
	if len(items) == 0 {
		return 0
	}
	return items[len(items)-1].Seq
}

// routeNames maps "provider METHOD /template" to the route's name.
func (h *Handler) routeNames() map[string]string {
	out := map[string]string{}
	for _, info := range h.e.Infos() {
		for _, rt := range h.e.Routes(info.Name) {
			out[info.Name+" "+rt.Method+" "+rt.Path] = rt.Name
		}
	}
	return out
}

func apiItem(e *journal.Entry, names map[string]string) storyItem {
	it := storyItem{Seq: e.Seq, Time: e.Time, Kind: "api", Provider: e.Provider, JournalID: e.ID,
		Method: e.Method, Path: e.Path, Status: e.Status, Fault: e.Fault}
	it.Summary = e.Method + " " + e.Path + " → " + strconv.Itoa(e.Status)
	if n := names[e.Provider+" "+e.Route]; n != "" {
		it.Summary += " (" + n + ")"
	}
	if e.Fault != "" {
		it.Summary += " ⚡ " + e.Fault
	}
	used := requestValues(e)
	for _, v := range used {
		if n := timeline.Normalize(v); n != "" {
			it.Numbers = appendUnique(it.Numbers, n)
		}
	}
	it.values = used
	bodyValues(e.RespBody, func(v string) {
		if linkable(v) {
			it.answer = append(it.answer, v)
			if len(v) >= 20 { // maybe a token: requests carry it masked
				it.answer = append(it.answer, journal.Mask(v))
			}
		}
	})
	return it
}

// linkFlows sets each call's FollowsFrom to the latest earlier call whose
// answer held a value the call's request used, and its Flow to the first
// call of that chain. Only chains of two calls or more are flows.
func linkFlows(items []storyItem) []flow {
	producer := map[string]int{} // value -> index of the latest call that gave it
	for i := range items {
		it := &items[i]
		best := -1
		for _, v := range it.values {
			if p, ok := producer[v]; ok && p > best {
				best, it.Via = p, v
			}
		}
		if best >= 0 {
			it.FollowsFrom = items[best].JournalID
			it.Flow = items[best].Flow
		} else {
			it.Flow, it.Via = it.JournalID, ""
		}
		if it.Status < 400 {
			for _, v := range it.answer {
				producer[v] = i
			}
		}
	}
	byID := map[uint64]*flow{}
	var order []uint64
	for i := range items {
		it := &items[i]
		f := byID[it.Flow]
		if f == nil {
			f = &flow{ID: it.Flow, Provider: it.Provider}
			byID[it.Flow] = f
			order = append(order, it.Flow)
		}
		f.Calls = append(f.Calls, it.JournalID)
		if f.Provider != it.Provider && !strings.Contains(f.Provider, it.Provider) {
			f.Provider += ", " + it.Provider
		}
	}
	at := make(map[uint64]int, len(items)) // journal id -> index
	for i := range items {
		at[items[i].JournalID] = i
	}
	var out []flow
	for _, id := range order {
		f := byID[id]
		if len(f.Calls) < 2 {
			for _, c := range f.Calls {
				items[at[c]].Flow = 0
			}
			continue
		}
		steps := make([]string, len(f.Calls))
		for i, c := range f.Calls {
			it := &items[at[c]]
			steps[i] = it.Method + " " + lastSegments(it.Path)
		}
		f.Title = f.Provider + ": " + strings.Join(steps, " → ")
		out = append(out, *f)
	}
	return out
}

func lastSegments(p string) string {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	return "/" + strings.Join(parts, "/")
}

// requestValues are the values a request used: path segments, query and
// form values, JSON leaves and a bearer token.
func requestValues(e *journal.Entry) []string {
	var out []string
	add := func(v string) {
		if linkable(v) {
			out = appendUnique(out, v)
		}
	}
	for _, seg := range strings.Split(e.Path, "/") {
		add(seg)
	}
	if q, err := url.ParseQuery(e.Query); err == nil {
		for _, vs := range q {
			for _, v := range vs {
				add(v)
			}
		}
	}
	bodyValues(e.ReqBody, add)
	if auth := e.ReqHeaders.Get("Authorization"); auth != "" {
		scheme, tok, spaced := strings.Cut(auth, " ")
		switch {
		case !spaced:
			add(auth) // a bare token, as Somos sends its IdToken
		case !strings.EqualFold(scheme, "Basic"):
			add(strings.TrimSpace(tok))
		}
	}
	for _, k := range []string{"X-Authorization", "X-Api-Key"} {
		if v := e.ReqHeaders.Get(k); v != "" {
			add(strings.TrimPrefix(v, "Bearer "))
		}
	}
	return out
}

// bodyValues calls add with every leaf of a JSON body, or every value of a
// form body.
func bodyValues(body string, add func(string)) {
	body = strings.TrimSpace(body)
	if body == "" {
		return
	}
	if body[0] == '{' || body[0] == '[' {
		var v any
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			leaves(v, add)
		}
		return
	}
	if q, err := url.ParseQuery(body); err == nil {
		for _, vs := range q {
			for _, v := range vs {
				add(v)
			}
		}
	}
}

func leaves(v any, add func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for _, c := range x {
			leaves(c, add)
		}
	case []any:
		for _, c := range x {
			leaves(c, add)
		}
	case string:
		add(x)
	case json.Number:
		add(x.String())
	}
}

// linkable says whether a value is specific enough to tie two calls
// together: an id, a number or a token, not a word, a flag, a small count,
// a price or a time that many answers share.
func linkable(v string) bool {
	if len(v) < 4 || len(v) > 4096 {
		return false
	}
	if _, err := time.Parse(time.RFC3339, v); err == nil {
		return false
	}
	if _, err := time.Parse("2006-01-02", v); err == nil {
		return false
	}
	digits := 0
	for i := 0; i < len(v); i++ {
		if v[i] >= '0' && v[i] <= '9' {
			digits++
		}
	}
	if strings.Contains(v, ".") && digits == len(v)-1 {
		return false // a price or a decimal
	}
	if strings.HasPrefix(v, "[redacted") {
		// A masked secret links by its fingerprint; a marker without one
		// says nothing.
		return strings.HasPrefix(v, "[redacted:")
	}
	return digits >= 4 || len(v) >= 20
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
