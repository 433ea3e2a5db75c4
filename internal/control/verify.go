package control

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/telecomsim/simulator/internal/fault"
	"github.com/telecomsim/simulator/internal/journal"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/tenant"
)

// verifyRequest is the body of POST /__sim/verify: which requests to look
// for in the tenant's journal and how many of them there should be.
type verifyRequest struct {
	Provider string            `json:"provider"`
	Method   string            `json:"method"`
	Path     string            `json:"path"`
	Query    map[string]string `json:"query"`
	Headers  map[string]string `json:"headers"`
	Body     json.RawMessage   `json:"body"`
	Count    json.RawMessage   `json:"count"`
}

// countSpec bounds the number of matching requests. A bare number in the
// request means exactly that many.
type countSpec struct {
	AtLeast *int `json:"atLeast"`
	AtMost  *int `json:"atMost"`
	Exactly *int `json:"exactly"`
}

// maxListed caps the matches and near misses a verify answer lists (the
// count is always complete).
const (
	maxListed      = 50
	maxNearMisses  = 5
	maxPathLen     = 2048
	maxDoubleStars = 3
)

// verifyResult is the answer: whether the count holds, the matching
// requests (newest first) and, when too few matched, the closest others
// with what differed.
type verifyResult struct {
	OK         bool            `json:"ok"`
	Count      int             `json:"count"`
	Expected   string          `json:"expected"`
	Matches    []journal.Entry `json:"matches"`
	NearMisses []nearMiss      `json:"nearMisses"`
	// Message explains a failed verification in a few lines, near misses
	// included, for test harnesses to print as they are.
	Message string `json:"message,omitempty"`
}

func (h *Handler) verify(w http.ResponseWriter, r *http.Request, wd *tenant.World) {
	var req verifyRequest
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	x, err := newExpectation(req, h.e.Infos())
	if err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	provider.WriteJSON(w, http.StatusOK, x.run(wd.Journal.List(journal.Filter{})))
}

// expectation is a parsed verifyRequest.
type expectation struct {
	provider string
	method   string
	pattern  fault.Pattern
	query    map[string]string
	headers  map[string]string
	body     any
	hasBody  bool
	min, max int // max < 0: no upper bound
	infos    map[string]provider.Info
}

func newExpectation(req verifyRequest, infos []provider.Info) (*expectation, error) {
	x := &expectation{provider: req.Provider, query: req.Query, headers: req.Headers, min: 1, max: -1,
		infos: map[string]provider.Info{}}
	for _, in := range infos {
		x.infos[in.Name] = in
	}
	if x.provider != "" {
		if _, ok := x.infos[x.provider]; !ok {
			return nil, fmt.Errorf("provider: no provider %q", x.provider)
		}
	}
	// A query string written into the path joins the query fields.
	if p, q, ok := strings.Cut(req.Path, "?"); ok {
		vals, err := url.ParseQuery(q)
		if err != nil {
			return nil, fmt.Errorf("path: bad query string: %v", err)
		}
		req.Path = p
		x.query = map[string]string{}
		for k, v := range req.Query {
			x.query[k] = v
		}
		for k, vs := range vals {
			if _, given := x.query[k]; !given {
				x.query[k] = vs[0]
			}
		}
	}
	if strings.TrimSpace(req.Path) == "" {
		return nil, fmt.Errorf(`path: required, e.g. "/v2/cnams", "/v2/cnams/{id}" or "/v2/cnams/*"`)
	}
	// "**" backtracks: a few of them are all a path needs, and the bound
	// keeps matching cheap whatever the request holds.
	if len(req.Path) > maxPathLen || strings.Count(req.Path, "**") > maxDoubleStars {
		return nil, fmt.Errorf("path: at most %d characters and %d \"**\" segments", maxPathLen, maxDoubleStars)
	}
	p, err := fault.ParsePattern(req.Path)
	if err != nil {
		return nil, fmt.Errorf("path: %v", err)
	}
	x.method = strings.ToUpper(strings.TrimSpace(req.Method))
	if x.method == "*" || x.method == "ANY" {
		x.method = ""
	}
	if p.Method != "" {
		if x.method != "" && x.method != p.Method {
			return nil, fmt.Errorf("path names method %s but method is %s", p.Method, x.method)
		}
		x.method = p.Method
		p, _ = fault.ParsePattern(p.Path)
	}
	x.pattern = p
	if b := bytes.TrimSpace(req.Body); len(b) > 0 && !bytes.Equal(b, []byte("null")) {
		if err := json.Unmarshal(b, &x.body); err != nil {
			return nil, fmt.Errorf("body: %v", err)
		}
		x.hasBody = true
	}
	if err := x.parseCount(req.Count); err != nil {
		return nil, err
	}
	return x, nil
}

func (x *expectation) parseCount(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	var c countSpec
	if raw[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return fmt.Errorf(`count: want {"atLeast": n}, {"atMost": n}, {"exactly": n} or a number: %v`, err)
		}
	} else {
		var n int
		if err := json.Unmarshal(raw, &n); err != nil {
			return fmt.Errorf(`count: want {"atLeast": n}, {"atMost": n}, {"exactly": n} or a number`)
		}
		c.Exactly = &n
	}
	for name, v := range map[string]*int{"atLeast": c.AtLeast, "atMost": c.AtMost, "exactly": c.Exactly} {
		if v != nil && *v < 0 {
			return fmt.Errorf("count.%s: must not be negative", name)
		}
	}
	switch {
	case c.Exactly != nil:
		if c.AtLeast != nil || c.AtMost != nil {
			return fmt.Errorf("count: exactly cannot be combined with atLeast or atMost")
		}
		x.min, x.max = *c.Exactly, *c.Exactly
	default:
		x.min = 0
		if c.AtLeast != nil {
			x.min = *c.AtLeast
		}
		if c.AtMost != nil {
			x.max = *c.AtMost
		}
		if c.AtLeast == nil && c.AtMost == nil {
			x.min = 1
		}
		if x.max >= 0 && x.min > x.max {
			return fmt.Errorf("count: atLeast %d is more than atMost %d", x.min, x.max)
		}
	}
	return nil
}

// expected describes the count ("exactly 1", "at least 2", "between 1 and 3").
func (x *expectation) expected() string {
	switch {
	case x.max < 0:
		return fmt.Sprintf("at least %d", x.min)
	case x.min == x.max:
		return fmt.Sprintf("exactly %d", x.min)
	case x.min == 0:
		return fmt.Sprintf("at most %d", x.max)
	}
	return fmt.Sprintf("between %d and %d", x.min, x.max)
}

// String describes the requests looked for: "POST /v2/cnams (flowroute)".
func (x *expectation) String() string {
	m := x.method
	if m == "" {
		m = "*"
	}
	s := m + " " + x.pattern.Path
	if x.provider != "" {
		s += " (" + x.provider + ")"
	}
	return s
}

// run checks entries (newest first) against the expectation.
func (x *expectation) run(entries []journal.Entry) verifyResult {
	res := verifyResult{Expected: x.expected(), Matches: []journal.Entry{}, NearMisses: []nearMiss{}}
	var misses []nearMiss
	for _, e := range entries {
		d := x.diff(&e)
		if len(d) == 0 {
			res.Count++
			if len(res.Matches) < maxListed {
				res.Matches = append(res.Matches, e)
			}
			continue
		}
		misses = append(misses, nearMiss{Request: e, Differences: d})
	}
	res.OK = res.Count >= x.min && (x.max < 0 || res.Count <= x.max)
	if res.Count < x.min {
		res.NearMisses = closest(misses, maxNearMisses)
	}
	if !res.OK {
		res.Message = x.message(res)
	}
	return res
}

// message explains a failed verification.
func (x *expectation) message(res verifyResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "expected %s request(s) matching %s, got %d", res.Expected, x, res.Count)
	switch {
	case res.Count > 0 && res.Count > x.max && x.max >= 0:
		b.WriteString("; matching requests:")
		for _, e := range res.Matches {
			fmt.Fprintf(&b, "\n  %s %s -> %d", e.Method, pathAndQuery(&e), e.Status)
		}
	case len(res.NearMisses) == 0:
		b.WriteString("; the journal holds no other request")
	default:
		b.WriteString("; closest requests:")
		for _, nm := range res.NearMisses {
			fmt.Fprintf(&b, "\n  %s %s -> %d (%s)", nm.Request.Method, pathAndQuery(&nm.Request), nm.Request.Status, nm.Request.Provider)
			for _, d := range nm.Differences {
				fmt.Fprintf(&b, "\n    %s: expected %s, got %s", d.Field, d.Expected, d.Actual)
			}
		}
	}
	return b.String()
}

func pathAndQuery(e *journal.Entry) string {
	if e.Query == "" {
		return e.Path
	}
	return e.Path + "?" + e.Query
}
