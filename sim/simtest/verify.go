package simtest

import (
	"net/http"
	"testing"
)

// Expect describes requests to look for in the tenant's journal (the body
// of POST /__sim/verify). Path is a route template ("/v2/cnams/{id}"), a
// concrete path or a glob ("/v2/cnams/*", "/**/cnams"), relative to the
// provider's base URL or not; the other fields narrow it. Zero fields match
// everything.
type Expect struct {
	Provider string            `json:"provider,omitempty"`
	Method   string            `json:"method,omitempty"`
	Path     string            `json:"path"`
	Query    map[string]string `json:"query,omitempty"`
	// Headers must have exactly these values (names in any case).
	// Credentials are journaled masked after 12 characters, so an
	// Authorization value is compared only that far.
	Headers map[string]string `json:"headers,omitempty"`
	// Body is a JSON subset the request body must contain (a map, slice or
	// struct), or a string the raw body must contain.
	Body  any    `json:"body,omitempty"`
	Count *Count `json:"count,omitempty"`
}

// Count bounds how many requests must match; nil means at least one.
type Count struct {
	AtLeast *int `json:"atLeast,omitempty"`
	AtMost  *int `json:"atMost,omitempty"`
	Exactly *int `json:"exactly,omitempty"`
}

// Exactly is a Count of exactly n.
func Exactly(n int) *Count { return &Count{Exactly: &n} }

// AtLeast is a Count of n or more.
func AtLeast(n int) *Count { return &Count{AtLeast: &n} }

// AtMost is a Count of at most n.
func AtMost(n int) *Count { return &Count{AtMost: &n} }

// Verification is the simulator's answer to an Expect.
type Verification struct {
	OK         bool       `json:"ok"`
	Count      int        `json:"count"`
	Expected   string     `json:"expected"`
	Matches    []Entry    `json:"matches"`
	NearMisses []NearMiss `json:"nearMisses"`
	// Message explains a failure, near misses included.
	Message string `json:"message"`
}

// NearMiss is a request that did not match, with what differed.
type NearMiss struct {
	Request     Entry `json:"request"`
	Differences []struct {
		Field    string `json:"field"`
		Expected string `json:"expected"`
		Actual   string `json:"actual"`
	} `json:"differences"`
}

// Verify asks the simulator whether the tenant received the requests x
// describes.
func (s *Server) Verify(x Expect) Verification {
	s.t.Helper()
	var v Verification
	s.do(http.MethodPost, "/verify", x, http.StatusOK, &v)
	return v
}

// RequireVerified fails t, printing the closest requests and what differed,
// unless the tenant received the requests x describes. A nil t uses the
// Server's own failure reporting.
func (s *Server) RequireVerified(t testing.TB, x Expect) Verification {
	t = s.tbOr(t)
	t.Helper()
	var v Verification
	if err := s.call(http.MethodPost, "/verify", x, http.StatusOK, &v); err != nil {
		t.Fatalf("%v", err)
	}
	if !v.OK {
		t.Fatalf("simtest: %s", v.Message)
	}
	return v
}

// RequireCalled fails t unless the tenant received exactly n requests with
// the method whose path ends with the segments of path (a provider-relative
// path such as "/v2/cnams" or "/cnam", or a template such as
// "/v2/cnams/{id}"). On failure it prints the closest requests and what
// differed. A nil t uses the Server's own failure reporting.
func (s *Server) RequireCalled(t testing.TB, method, path string, n int) {
	t = s.tbOr(t)
	t.Helper()
	s.RequireVerified(t, Expect{Method: method, Path: "/**/" + trimSlash(path), Count: Exactly(n)})
}

func trimSlash(p string) string {
	for len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	return p
}
