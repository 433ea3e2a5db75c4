package simtest

import (
	"net/http"
	"net/url"
	"time"
)

// FaultRule makes requests to a provider fail the way the real API fails
// under load or during an outage. It is the JSON body of POST /__sim/faults
// with Go types; see docs/testing.md for the full rule language.
//
// Exactly one action is set: Status, Latency, Reset, Malformed, RetryAfter
// or Hang (Status may accompany Malformed; RetryAfter implies status 429).
type FaultRule struct {
	// ID names the rule; the simulator assigns "fault-N" when it is empty.
	ID string
	// Provider is the provider name: flowroute, somos, call48, tmobile.
	Provider string
	// Route is "METHOD /path": a route template ("GET /cnams/{id}"), a
	// concrete path or a glob ("* /cnams*"), relative to the provider's base
	// path or including it. The method may be omitted or "*".
	Route string
	// MatchHeader narrows the rule to requests with a header: "Name" (present)
	// or "Name: substring". MatchBody narrows it to bodies containing a
	// substring.
	MatchHeader, MatchBody string

	// Status answers with this HTTP status in the provider's error shape.
	Status int
	// Body, when set, is written verbatim instead of the provider's error.
	Body string
	// Latency delays the request (wall clock, at most 5 minutes), then lets
	// it through.
	Latency time.Duration
	// Reset drops the connection (the client sees "connection reset").
	Reset bool
	// Malformed answers with a truncated, unparseable body.
	Malformed bool
	// RetryAfter answers 429 with a Retry-After header of this many seconds.
	RetryAfter time.Duration
	// Hang holds the request until the client gives up.
	Hang bool

	// Probability is the chance (0..1] that a matching request is hit; zero
	// means always.
	Probability float64
	// Times caps how many requests the rule hits (zero: no cap). After
	// skips the first After matching requests.
	Times, After int
	// For ends the rule this long after it is added, on the tenant clock
	// (zero: never).
	For time.Duration
}

func (f FaultRule) wire() map[string]any {
	m := map[string]any{"provider": f.Provider, "route": f.Route}
	set := func(k string, v any, ok bool) {
		if ok {
			m[k] = v
		}
	}
	set("id", f.ID, f.ID != "")
	if f.MatchHeader != "" || f.MatchBody != "" {
		match := map[string]string{}
		set2 := func(k, v string) {
			if v != "" {
				match[k] = v
			}
		}
		set2("header", f.MatchHeader)
		set2("body", f.MatchBody)
		m["match"] = match
	}
	set("status", f.Status, f.Status != 0)
	set("body", f.Body, f.Body != "")
	set("latency", f.Latency.String(), f.Latency != 0)
	set("reset", true, f.Reset)
	set("malformed", true, f.Malformed)
	set("retryAfter", f.RetryAfter.String(), f.RetryAfter != 0)
	set("hang", true, f.Hang)
	set("probability", f.Probability, f.Probability != 0)
	set("times", f.Times, f.Times != 0)
	set("after", f.After, f.After != 0)
	set("until", "+"+f.For.String(), f.For != 0)
	return m
}

// Fault adds a fault rule to the tenant (POST /__sim/faults) and returns its
// id. The rule is checked: an unknown provider, a route that matches none of
// the provider's routes or an invalid combination of actions fails the test.
//
//	srv.Fault(simtest.FaultRule{Provider: "flowroute", Route: "GET /cnams", Status: 503, Times: 1})
func (s *Server) Fault(rule FaultRule) string {
	s.t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	s.do(http.MethodPost, "/faults", rule.wire(), http.StatusCreated, &out)
	return out.ID
}

// RemoveFault removes one fault rule.
func (s *Server) RemoveFault(id string) {
	s.t.Helper()
	s.do(http.MethodDelete, "/faults/"+url.PathEscape(id), nil, http.StatusNoContent, nil)
}

// ClearFaults removes every fault rule of the tenant, including those the
// scenario defines.
func (s *Server) ClearFaults() {
	s.t.Helper()
	s.do(http.MethodDelete, "/faults", nil, http.StatusNoContent, nil)
}

// FaultStats is what a fault rule has seen so far.
type FaultStats struct {
	ID, Provider, Route string
	// Matches counts requests that matched while the rule was active; Fired
	// counts the requests it hit.
	Matches, Fired int
}

// Faults lists the tenant's fault rules with their counters.
func (s *Server) Faults() []FaultStats {
	s.t.Helper()
	var out struct {
		Faults []struct {
			ID       string `json:"id"`
			Provider string `json:"provider"`
			Route    string `json:"route"`
			Stats    *struct {
				Matches int `json:"matches"`
				Fired   int `json:"fired"`
			} `json:"stats"`
		} `json:"faults"`
	}
	s.do(http.MethodGet, "/faults", nil, http.StatusOK, &out)
	list := make([]FaultStats, 0, len(out.Faults))
	for _, f := range out.Faults {
		st := FaultStats{ID: f.ID, Provider: f.Provider, Route: f.Route}
		if f.Stats != nil {
			st.Matches, st.Fired = f.Stats.Matches, f.Stats.Fired
		}
		list = append(list, st)
	}
	return list
}
