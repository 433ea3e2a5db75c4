package fault

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/scenario"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func cnamsReq() Request {
	return Request{Tenant: "t1", Provider: "flowroute", Method: "GET", Path: "/v2/cnams",
		RouteTemplate: "/v2/cnams", BasePath: "/v2", Header: http.Header{}}
}

// fires runs n matching requests through the set and returns, for each, the
// id of the rule that fired ("" when none).
func fires(s *Set, n int, now time.Time) []string {
	out := make([]string, n)
	for i := range out {
		if r := s.Decide(cnamsReq(), now).Fired(); r != nil {
			out[i] = r.ID
		}
	}
	return out
}

func pattern(ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		if id == "" {
			b.WriteByte('.')
		} else {
			b.WriteByte('F')
		}
	}
	return b.String()
}

func TestTimesAfterUntil(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		now  time.Time
		want string
	}{
		{"always", Rule{Status: 500}, t0, "FFFFFFFF"},
		{"times", Rule{Status: 500, Times: 2}, t0, "FF......"},
		{"after", Rule{Status: 500, After: 3}, t0, "...FFFFF"},
		{"after then times", Rule{Status: 500, After: 2, Times: 3}, t0, "..FFF..."},
		{"probability zero", Rule{Status: 500, Probability: ptr(0.0)}, t0, "........"},
		{"probability one", Rule{Status: 500, Probability: ptr(1.0)}, t0, "FFFFFFFF"},
		{"before until", Rule{Status: 500, Until: &scenario.At{Rel: 10 * time.Minute, IsRel: true}}, t0.Add(9 * time.Minute), "FFFFFFFF"},
		{"at until", Rule{Status: 500, Until: &scenario.At{Rel: 10 * time.Minute, IsRel: true}}, t0.Add(10 * time.Minute), "........"},
		{"absolute until passed", Rule{Status: 500, Until: &scenario.At{Abs: t0}}, t0.Add(time.Second), "........"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSet(1)
			r := tc.rule
			r.Provider, r.Route = "flowroute", "GET /cnams"
			_, err := s.Add(r, t0)
			require.NoError(t, err)
			assert.Equal(t, tc.want, pattern(fires(s, 8, tc.now)))
		})
	}
}

func TestUntilDoesNotCountMatches(t *testing.T) {
	s := NewSet(1)
	_, err := s.Add(Rule{Provider: "flowroute", Route: "GET /cnams", Status: 500, After: 1,
		Until: &scenario.At{Rel: time.Minute, IsRel: true}}, t0)
	require.NoError(t, err)
	assert.Equal(t, "...", pattern(fires(s, 3, t0.Add(time.Hour))))
	got, ok := s.Get("fault-1")
	require.True(t, ok)
	assert.Equal(t, Stats{}, *got.Stats)
	assert.Equal(t, t0.Add(time.Minute), got.Until.Abs, "a relative until is resolved at Add")
}

func TestRuleOrderAndLatencyComposition(t *testing.T) {
	s := NewSet(1)
	_, err := s.Add(Rule{Provider: "flowroute", Route: "GET /cnams", Latency: &Latency{Fixed: scenario.Duration(time.Second)}}, t0)
	require.NoError(t, err)
	_, err = s.Add(Rule{Provider: "flowroute", Route: "GET /cnams", Status: 503, Times: 1}, t0)
	require.NoError(t, err)
	_, err = s.Add(Rule{Provider: "flowroute", Route: "GET /cnams", Status: 500}, t0)
	require.NoError(t, err)

	d := s.Decide(cnamsReq(), t0)
	assert.Equal(t, time.Second, d.Delay)
	require.NotNil(t, d.Rule)
	assert.Equal(t, 503, d.Rule.Status)
	assert.Equal(t, "fault-2", d.Fired().ID)

	d = s.Decide(cnamsReq(), t0)
	require.NotNil(t, d.Rule)
	assert.Equal(t, 500, d.Rule.Status, "the first rule is used up, the next one fires")

	list := s.List()
	require.Len(t, list, 3)
	assert.Equal(t, Stats{Matches: 2, Fired: 2}, *list[0].Stats)
	assert.Equal(t, Stats{Matches: 2, Fired: 1}, *list[1].Stats)
	assert.Equal(t, Stats{Matches: 1, Fired: 1}, *list[2].Stats, "a rule after one that fired does not see the request")
}

func TestRequestFilters(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		req  func(r *Request)
		want bool
	}{
		{"matches", Rule{}, nil, true},
		{"other tenant", Rule{Tenant: "t2"}, nil, false},
		{"same tenant", Rule{Tenant: "t1"}, nil, true},
		{"other provider", Rule{Provider: "call48"}, nil, false},
		{"any provider", Rule{Provider: "*"}, nil, true},
		{"header substring", Rule{Match: &Match{Header: "X-Test: fail"}}, func(r *Request) { r.Header.Set("x-test", "please-fail-now") }, true},
		{"header substring missing", Rule{Match: &Match{Header: "X-Test: fail"}}, func(r *Request) { r.Header.Set("X-Test", "ok") }, false},
		{"header present", Rule{Match: &Match{Header: "X-Chaos"}}, func(r *Request) { r.Header.Set("X-Chaos", "") }, true},
		{"header absent", Rule{Match: &Match{Header: "X-Chaos"}}, nil, false},
		{"body substring", Rule{Match: &Match{Body: `"8335551234"`}}, func(r *Request) { r.Body = []byte(`{"tn":"8335551234"}`) }, true},
		{"body substring missing", Rule{Match: &Match{Body: `"8335551234"`}}, func(r *Request) { r.Body = []byte(`{}`) }, false},
		{"header and body", Rule{Match: &Match{Header: "X-A: 1", Body: "x"}}, func(r *Request) { r.Header.Set("X-A", "1") }, false},
		{"other method", Rule{Route: "POST /cnams"}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule
			r.Status = 500
			if r.Provider == "" {
				r.Provider = "flowroute"
			}
			if r.Route == "" {
				r.Route = "GET /cnams"
			}
			s := NewSet(1)
			_, err := s.Add(r, t0)
			require.NoError(t, err)
			req := cnamsReq()
			if tc.req != nil {
				tc.req(&req)
			}
			assert.Equal(t, tc.want, s.Decide(req, t0).Rule != nil)
		})
	}
}

func TestProbabilityIsReproducible(t *testing.T) {
	newSet := func(seed int64) *Set {
		s := NewSet(seed)
		_, err := s.Add(Rule{Provider: "flowroute", Route: "GET /cnams", Status: 500, Probability: ptr(0.3)}, t0)
		require.NoError(t, err)
		return s
	}
	a, b := fires(newSet(42), 1000, t0), fires(newSet(42), 1000, t0)
	assert.Equal(t, a, b, "same seed, same fire sequence")
	n := strings.Count(pattern(a), "F")
	assert.InDelta(t, 300, n, 60, "about 30%% of 1000 fire")
	assert.NotEqual(t, a, fires(newSet(43), 1000, t0), "another seed, another sequence")

	// Another rule's traffic does not shift this rule's sequence.
	c := newSet(42)
	_, err := c.Add(Rule{Provider: "flowroute", Route: "POST /cnams", Status: 500, Probability: ptr(0.5)}, t0)
	require.NoError(t, err)
	post := cnamsReq()
	post.Method = "POST"
	got := make([]string, 1000)
	for i := range got {
		c.Decide(post, t0)
		if r := c.Decide(cnamsReq(), t0).Fired(); r != nil {
			got[i] = r.ID
		}
	}
	assert.Equal(t, a, got)
}

func TestLatencyDrawsAreReproducible(t *testing.T) {
	newSet := func() *Set {
		s := NewSet(9)
		_, err := s.Add(Rule{Provider: "flowroute", Route: "GET /cnams", Latency: &Latency{Lognormal: &Lognormal{Median: scenario.Duration(200 * time.Millisecond), Sigma: 0.5}}}, t0)
		require.NoError(t, err)
		_, err = s.Add(Rule{Provider: "flowroute", Route: "GET /cnams", Latency: &Latency{Uniform: []scenario.Duration{scenario.Duration(100 * time.Millisecond), scenario.Duration(2 * time.Second)}}}, t0)
		require.NoError(t, err)
		return s
	}
	a, b := newSet(), newSet()
	var below, above int
	for range 500 {
		da, db := a.Decide(cnamsReq(), t0).Delay, b.Decide(cnamsReq(), t0).Delay
		require.Equal(t, da, db)
		require.GreaterOrEqual(t, da, 100*time.Millisecond)
		if da < 1200*time.Millisecond {
			below++
		} else {
			above++
		}
	}
	assert.Positive(t, below)
	assert.Positive(t, above)
}

func TestExportImport(t *testing.T) {
	s := NewSet(42)
	for _, r := range []Rule{
		{Provider: "flowroute", Route: "GET /cnams", Status: 500, Probability: ptr(0.4), Times: 200},
		{ID: "slow", Provider: "flowroute", Route: "GET /cnams", Latency: &Latency{Uniform: []scenario.Duration{0, scenario.Duration(time.Second)}}, Probability: ptr(0.5)},
		{Provider: "call48", Route: "POST /purchase", RetryAfter: dur("30s"), Until: &scenario.At{Rel: time.Hour, IsRel: true}},
	} {
		_, err := s.Add(r, t0)
		require.NoError(t, err)
	}
	fires(s, 137, t0)

	raw, err := json.Marshal(s.Export())
	require.NoError(t, err)
	restored := NewSet(0)
	require.NoError(t, restored.Import(raw))
	again, err := json.Marshal(restored.Export())
	require.NoError(t, err)
	assert.Equal(t, string(raw), string(again), "export -> import -> export is byte-identical")
	assert.Contains(t, string(raw), `"seed":42`)

	// The restored set continues exactly where the original was.
	for range 300 {
		assert.Equal(t, s.Decide(cnamsReq(), t0), restored.Decide(cnamsReq(), t0))
	}

	// New ids continue from the counter.
	r, err := restored.Add(Rule{Provider: "flowroute", Route: "GET /numbers", Reset: true}, t0)
	require.NoError(t, err)
	assert.Equal(t, "fault-3", r.ID)

	for _, bad := range []string{`{"seed":1,"rules":[{"provider":"x","route":"GET /a","status":500}]}`,
		`{"seed":1,"rules":[{"id":"a","provider":"x","route":"GET /a"}]}`,
		`{"seed":1,"bogus":true}`} {
		assert.Error(t, restored.Import(json.RawMessage(bad)), bad)
	}
	assert.Equal(t, 4, restored.Len(), "a failed import changes nothing")
}

func TestSetCRUD(t *testing.T) {
	s := NewSet(1)
	a, err := s.Add(Rule{Provider: "flowroute", Route: "GET /cnams", Status: 500}, t0)
	require.NoError(t, err)
	assert.Equal(t, "fault-1", a.ID)
	_, err = s.Add(Rule{ID: "fault-2", Provider: "flowroute", Route: "GET /cnams", Status: 500}, t0)
	require.NoError(t, err)
	b, err := s.Add(Rule{Provider: "flowroute", Route: "GET /cnams", Status: 500}, t0)
	require.NoError(t, err)
	assert.Equal(t, "fault-3", b.ID, "assigned ids skip ones in use")
	_, err = s.Add(Rule{ID: "fault-1", Provider: "flowroute", Route: "GET /cnams", Status: 500}, t0)
	assert.ErrorContains(t, err, "already exists")
	_, err = s.Add(Rule{Provider: "flowroute", Route: "GET /cnams"}, t0)
	assert.ErrorContains(t, err, "no action")

	assert.True(t, s.Remove("fault-2"))
	assert.False(t, s.Remove("fault-2"))
	ids := []string{}
	for _, r := range s.List() {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"fault-1", "fault-3"}, ids)

	require.NoError(t, s.Replace([]Rule{{Provider: "p", Route: "/x", Hang: true}, {ID: "mine", Provider: "p", Route: "/y", Reset: true}}, t0))
	ids = ids[:0]
	for _, r := range s.List() {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"fault-1", "mine"}, ids)
	assert.Error(t, s.Replace([]Rule{{Provider: "p", Route: "/x"}}, t0))
	assert.Equal(t, 2, s.Len(), "a failed replace changes nothing")

	s.Clear()
	assert.Empty(t, s.List())
}

func TestSetConcurrentUse(t *testing.T) {
	s := NewSet(3)
	_, err := s.Add(Rule{Provider: "flowroute", Route: "GET /cnams", Status: 500, Probability: ptr(0.5)}, t0)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				s.Decide(cnamsReq(), t0)
				if j%50 == 0 {
					r, err := s.Add(Rule{Provider: "flowroute", Route: "POST /cnams", Reset: true}, t0)
					if assert.NoError(t, err) {
						s.Remove(r.ID)
					}
					_ = s.List()
					_ = s.Export()
				}
			}
		}()
	}
	wg.Wait()
	got, ok := s.Get("fault-1")
	require.True(t, ok)
	assert.Equal(t, uint64(1600), got.Stats.Matches)
	assert.Equal(t, got.Stats.Draws, got.Stats.Matches, "one draw per match for a bare probability")
}
