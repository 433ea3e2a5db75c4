package stub

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var now = time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)

func req(method, path, query, body string) Request {
	q, _ := url.ParseQuery(query)
	h := http.Header{}
	h.Set("Content-Type", "application/vnd.api+json")
	return Request{Provider: "flowroute", Method: method, Path: path, Query: q, Header: h, Body: []byte(body), Now: now}
}

func TestMatching(t *testing.T) {
	stubs := []Stub{
		{ID: "alias", Provider: "flowroute", Method: "patch", Path: "/v2/numbers/{id:[0-9]+}",
			Body: map[string]any{"data": map[string]any{"attributes": map[string]any{"alias": "x"}}}, Response: &Response{Status: 202}},
		{ID: "alias-any", Provider: "flowroute", Method: "PATCH", Path: "/v2/numbers/{id}", Response: &Response{Status: 200}},
		{ID: "avail", Provider: "flowroute", Method: "GET", Path: "/v2/numbers/available", Query: map[string]string{"starts_with": "*", "limit": "3"}, Response: &Response{}},
		{ID: "hdr", Provider: "flowroute", Method: "GET", Path: "/v2/hdr", Headers: map[string]string{"content-type": "application/vnd.api+json"}, Response: &Response{}},
		{ID: "emulated", Provider: "flowroute", Method: "GET", Path: "/v2/cnams", Response: &Response{}},
		{ID: "override", Provider: "flowroute", Method: "GET", Path: "/v2/cnams/{id}", Override: true, Response: &Response{}},
	}
	cases := []struct {
		name string
		r    Request
		emu  bool
		want string // "" = no match
	}{
		{"body matcher holds", req("PATCH", "/v2/numbers/123", "", `{"data":{"type":"number","attributes":{"alias":"x","other":1}}}`), false, "alias"},
		{"body matcher differs, next stub", req("PATCH", "/v2/numbers/123", "", `{"data":{"attributes":{"alias":"y"}}}`), false, "alias-any"},
		{"body not JSON", req("PATCH", "/v2/numbers/123", "", `alias=x`), false, "alias-any"},
		{"path pattern fails", req("PATCH", "/v2/numbers/abc", "", `{"data":{"attributes":{"alias":"x"}}}`), false, "alias-any"},
		{"extra segment", req("PATCH", "/v2/numbers/1/2", "", ``), false, ""},
		{"other method", req("GET", "/v2/numbers/123", "", ``), false, ""},
		{"query present", req("GET", "/v2/numbers/available", "starts_with=1&limit=3", ``), false, "avail"},
		{"query value differs", req("GET", "/v2/numbers/available", "starts_with=1&limit=4", ``), false, ""},
		{"query missing", req("GET", "/v2/numbers/available", "limit=3", ``), false, ""},
		{"header", req("GET", "/v2/hdr", "", ``), false, "hdr"},
		{"emulated route is not stubbed", req("GET", "/v2/cnams", "", ``), true, ""},
		{"unless override", req("GET", "/v2/cnams/9", "", ``), true, "override"},
		{"other provider", Request{Provider: "call48", Method: "GET", Path: "/v2/hdr", Header: http.Header{"Content-Type": {"application/vnd.api+json"}}}, false, ""},
	}
	s := NewSet([]byte("seed"))
	require.NoError(t, s.Replace(stubs))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.Emulated = tc.emu
			a, ok := s.Answer(tc.r)
			if tc.want == "" {
				assert.False(t, ok, "answered by %s", a.StubID)
				return
			}
			require.True(t, ok)
			assert.Equal(t, tc.want, a.StubID)
		})
	}
}

func TestTemplating(t *testing.T) {
	s := NewSet([]byte("seed"))
	s.TimeFormat = func(p string) string {
		if p == "flowroute" {
			return "2006-01-02 15:04:05.000000-07:00"
		}
		return ""
	}
	_, err := s.Add(Stub{Provider: "flowroute", Method: "PATCH", Path: "/v2/numbers/{id}", Response: &Response{
		Status:  200,
		Headers: map[string]string{"X-Number": "n-{{path.id}}"},
		Body: map[string]any{"data": map[string]any{
			"id": "{{path.id}}", "seq": "{{seq}}", "label": "#{{seq}} for {{path.id}}", "uuid": "{{uuid}}", "at": "{{now}}",
			"alias": "{{body.data.attributes.alias}}", "tags": "{{body.tags}}", "q": "{{query.x}}", "first": "{{body.tags.0}}",
			"missing": "{{body.nope}}", "ua": "{{header.User-Agent}}",
		}},
	}})
	require.NoError(t, err)
	r := req("PATCH", "/v2/numbers/15555550100", "x=1", `{"data":{"attributes":{"alias":"Main line"}},"tags":["a","b"]}`)
	r.Header.Set("User-Agent", "sdk/3")
	a, ok := s.Answer(r)
	require.True(t, ok)
	assert.Equal(t, "n-15555550100", a.Header.Get("X-Number"))
	assert.Equal(t, "application/json", a.Header.Get("Content-Type"))
	var got struct{ Data map[string]any }
	require.NoError(t, json.Unmarshal(a.Body, &got))
	d := got.Data
	assert.Equal(t, "15555550100", d["id"])
	assert.Equal(t, float64(1), d["seq"])
	assert.Equal(t, "#1 for 15555550100", d["label"])
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, d["uuid"])
	assert.Equal(t, "2026-01-05 09:30:00.000000+00:00", d["at"])
	assert.Equal(t, "Main line", d["alias"])
	assert.Equal(t, []any{"a", "b"}, d["tags"])
	assert.Equal(t, "a", d["first"])
	assert.Equal(t, "1", d["q"])
	assert.Nil(t, d["missing"])
	assert.Equal(t, "sdk/3", d["ua"])

	a2, ok := s.Answer(r)
	require.True(t, ok)
	var got2 struct{ Data map[string]any }
	require.NoError(t, json.Unmarshal(a2.Body, &got2))
	assert.Equal(t, float64(2), got2.Data["seq"])
	assert.NotEqual(t, d["uuid"], got2.Data["uuid"], "every answer draws a fresh uuid")

	// A provider that writes epoch milliseconds gets a number.
	s.TimeFormat = func(string) string { return UnixMillis }
	_, err = s.Add(Stub{Provider: "somos", Method: "GET", Path: "/cnam/{tfn}", Response: &Response{Body: map[string]any{"createdDate": "{{now}}", "label": "at {{now}}"}}})
	require.NoError(t, err)
	a3, ok := s.Answer(Request{Provider: "somos", Method: "GET", Path: "/cnam/8339900238", Now: now})
	require.True(t, ok)
	assert.JSONEq(t, `{"createdDate":1767605400000,"label":"at 1767605400000"}`, string(a3.Body))

	// The same seed gives the same ids: a tenant's run repeats.
	s2 := NewSet([]byte("seed"))
	assert.Equal(t, s.uuid(1), s2.uuid(1))
	assert.NotEqual(t, s.uuid(1), NewSet([]byte("other")).uuid(1))
}

func TestSequenceAndState(t *testing.T) {
	s := NewSet(nil)
	require.NoError(t, s.Replace([]Stub{
		{ID: "order", Provider: "p", Method: "GET", Path: "/order", Sequence: []Response{
			{Status: 202, Body: "pending"}, {Status: 202, Body: "pending"}, {Status: 200, Body: "done"},
		}},
		{ID: "buy", Provider: "p", Method: "POST", Path: "/cart", State: &StateRule{Name: "cart", Is: StartState, Set: "bought"}, Response: &Response{Status: 201, Body: "bought"}},
		{ID: "again", Provider: "p", Method: "POST", Path: "/cart", State: &StateRule{Name: "cart", Is: "bought"}, Response: &Response{Status: 409, Body: "already bought"}},
	}))
	var got []string
	for range 4 {
		a, ok := s.Answer(Request{Provider: "p", Method: "GET", Path: "/order"})
		require.True(t, ok)
		got = append(got, string(a.Body))
	}
	assert.Equal(t, []string{"pending", "pending", "done", "done"}, got, "the last answer repeats")

	for _, want := range []int{201, 409, 409} {
		a, ok := s.Answer(Request{Provider: "p", Method: "POST", Path: "/cart"})
		require.True(t, ok)
		assert.Equal(t, want, a.Status)
	}
	list, states := s.List()
	assert.Equal(t, map[string]string{"cart": "bought"}, states)
	require.Len(t, list, 3)
	assert.Equal(t, 4, list[0].Hits)
	assert.Equal(t, 2, list[2].Hits)

	// Replace starts the machines and sequences over.
	require.NoError(t, s.Replace([]Stub{{ID: "order", Provider: "p", Method: "GET", Path: "/order", Sequence: []Response{{Body: "first"}, {Body: "second"}}}}))
	a, _ := s.Answer(Request{Provider: "p", Method: "GET", Path: "/order"})
	assert.Equal(t, "first", string(a.Body))
}

func TestAddDeleteAndNewestFirst(t *testing.T) {
	s := NewSet(nil)
	require.NoError(t, s.Replace([]Stub{{Provider: "p", Method: "GET", Path: "/x", Response: &Response{Body: "scenario"}}}))
	added, err := s.Add(Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{Body: "api"}})
	require.NoError(t, err)
	assert.Equal(t, "stub-2", added.ID)
	a, _ := s.Answer(Request{Provider: "p", Method: "GET", Path: "/x"})
	assert.Equal(t, "api", string(a.Body))
	_, err = s.Add(Stub{ID: "stub-2", Provider: "p", Method: "GET", Path: "/x", Response: &Response{}})
	assert.ErrorContains(t, err, "exists already")
	assert.True(t, s.Delete("stub-2"))
	assert.False(t, s.Delete("stub-2"))
	a, _ = s.Answer(Request{Provider: "p", Method: "GET", Path: "/x"})
	assert.Equal(t, "scenario", string(a.Body))
	s.Clear()
	assert.Equal(t, 0, s.Len())
}

func TestInvalidStubs(t *testing.T) {
	ok := &Response{}
	cases := []struct {
		name string
		s    Stub
		want string
	}{
		{"no provider", Stub{Method: "GET", Path: "/x", Response: ok}, "provider: missing"},
		{"bad method", Stub{Provider: "p", Method: "GE T", Path: "/x", Response: ok}, "method:"},
		{"relative path", Stub{Provider: "p", Method: "GET", Path: "x", Response: ok}, "must start with /"},
		{"unclosed variable", Stub{Provider: "p", Method: "GET", Path: "/x/{id", Response: ok}, "unmatched {"},
		{"bad pattern", Stub{Provider: "p", Method: "GET", Path: "/x/{id:[}", Response: ok}, "variable id"},
		{"no response", Stub{Provider: "p", Method: "GET", Path: "/x"}, "response: missing"},
		{"both", Stub{Provider: "p", Method: "GET", Path: "/x", Response: ok, Sequence: []Response{{}}}, "not both"},
		{"bad status", Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{Status: 42}}, "response.status"},
		{"unknown placeholder", Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{Body: map[string]any{"a": "{{nope}}"}}}, "unknown placeholder"},
		{"placeholder without name", Stub{Provider: "p", Method: "GET", Path: "/x", Sequence: []Response{{Body: "{{path}}"}}}, "sequence[0].body"},
		{"state without name", Stub{Provider: "p", Method: "GET", Path: "/x", Response: ok, State: &StateRule{Is: "a"}}, "state.name"},
		{"unresolved file", Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{BodyFile: "a.json"}}, "bodyFile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Check([]Stub{tc.s})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestResolveBodyFile(t *testing.T) {
	st := Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{BodyFile: "numbers.json"}}
	require.NoError(t, st.Resolve(func(name string) ([]byte, error) {
		assert.Equal(t, "numbers.json", name)
		return []byte(`{"data":[{"id":"{{seq}}"}]}`), nil
	}))
	s := NewSet(nil)
	require.NoError(t, s.Replace([]Stub{st}))
	a, ok := s.Answer(Request{Provider: "p", Method: "GET", Path: "/x"})
	require.True(t, ok)
	assert.JSONEq(t, `{"data":[{"id":1}]}`, string(a.Body))

	both := Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{Body: "x", BodyFile: "a"}}
	assert.ErrorContains(t, both.Resolve(nil), "not both")
	noDisk := Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{BodyFile: "a"}}
	assert.ErrorContains(t, noDisk.Resolve(nil), "inline")
}

func TestAuthGate(t *testing.T) {
	s := NewSet(nil)
	require.NoError(t, s.Replace([]Stub{{ID: "a", Provider: "p", Method: "GET", Path: "/x", Auth: "basic", Sequence: []Response{{Body: "one"}, {Body: "two"}}}}))
	refuse := errors.New("Authentication failed.")
	var asked []string
	r := Request{Provider: "p", Method: "GET", Path: "/x", Authorize: func(scheme string) error { asked = append(asked, scheme); return refuse }}
	a, ok := s.Answer(r)
	require.True(t, ok)
	assert.ErrorIs(t, a.Err, refuse)
	assert.Equal(t, []string{"basic"}, asked)
	list, _ := s.List()
	assert.Equal(t, 0, list[0].Hits, "a refused request moves nothing")

	r.Authorize = func(string) error { return nil }
	a, _ = s.Answer(r)
	require.NoError(t, a.Err)
	assert.Equal(t, "one", string(a.Body))

	r.Authorize = nil
	a, _ = s.Answer(r)
	assert.Error(t, a.Err, "credentials that cannot be checked are refused")
}

func TestSetBounds(t *testing.T) {
	s := NewSet(nil)
	big := strings.Repeat("x", MaxSetBytes/4)
	for range 3 {
		_, err := s.Add(Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{Body: big}})
		require.NoError(t, err)
	}
	_, err := s.Add(Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{Body: big}})
	assert.ErrorContains(t, err, "would exceed")
	list, _ := s.List()
	require.True(t, s.Delete(list[0].ID))
	_, err = s.Add(Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{Body: big}})
	assert.NoError(t, err, "deleting frees the room")
	s.Clear()
	for range 3 {
		_, err = s.Add(Stub{Provider: "p", Method: "GET", Path: "/x", Response: &Response{Body: big}})
		assert.NoError(t, err, "clearing frees the room")
	}
}

func TestSnapshotRoundTripAndBadSnapshots(t *testing.T) {
	s := NewSet([]byte("seed"))
	require.NoError(t, s.Replace([]Stub{{ID: "scn", Provider: "p", Method: "GET", Path: "/a", Response: &Response{Status: 200}}}))
	_, err := s.Add(Stub{Provider: "p", Method: "GET", Path: "/b", Sequence: []Response{{Body: "one"}, {Body: "two"}}})
	require.NoError(t, err)
	_, ok := s.Answer(Request{Provider: "p", Method: "GET", Path: "/b"})
	require.True(t, ok)
	snap := s.Export()
	require.Len(t, snap.Stubs, 2)

	other := NewSet([]byte("seed"))
	require.NoError(t, other.Import(snap))
	assert.Equal(t, snap, other.Export())
	assert.InDelta(t, s.bytes, other.bytes, 20, "added stubs count against the bound again (with their id now)")
	a, ok := other.Answer(Request{Provider: "p", Method: "GET", Path: "/b"})
	require.True(t, ok)
	assert.Equal(t, "two", string(a.Body), "the sequence goes on")

	for _, tc := range []struct {
		name, want string
		change     func(*Snapshot)
	}{
		{"duplicate id", "stubs.1.id", func(sn *Snapshot) { sn.Stubs[1].ID = sn.Stubs[0].ID }},
		{"no id", "stubs.0.id", func(sn *Snapshot) { sn.Stubs[0].ID = "" }},
		{"bad stub", "stubs.0.path", func(sn *Snapshot) { sn.Stubs[0].Path = "x" }},
		{"negative hits", "stubs.0.hits", func(sn *Snapshot) { sn.Stubs[0].Hits = -1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := s.Export()
			bad.Stubs = append([]SavedStub(nil), bad.Stubs...)
			tc.change(&bad)
			before := other.Export()
			err := other.Import(bad)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tc.want), err.Error())
			assert.Equal(t, before, other.Export(), "a bad snapshot changes nothing")
		})
	}
}
