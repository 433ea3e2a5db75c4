package simtest

import (
	"net/http"
	"net/url"

	"github.com/telecomsim/simulator/internal/stub"
)

// Stub declares an answer for a route a provider does not emulate (or, with
// Override, one it does); see docs/stubs-and-recording.md for its fields
// and the {{...}} placeholders of its response.
type Stub = stub.Stub

// StubResponse is one answer of a Stub.
type StubResponse = stub.Response

// StubState ties a Stub to a named state machine.
type StubState = stub.StateRule

// Stub adds a stub to the tenant (POST /__sim/stubs) ahead of the others and
// returns its id; a stub the simulator refuses fails the test.
//
//	srv.Stub(simtest.Stub{Provider: "flowroute", Method: "GET", Path: "/v2/numbers/available",
//		Response: &simtest.StubResponse{Body: map[string]any{"data": []any{}}}})
func (s *Server) Stub(st Stub) string {
	s.t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	s.do(http.MethodPost, "/stubs", st, http.StatusCreated, &out)
	return out.ID
}

// RemoveStub removes one stub.
func (s *Server) RemoveStub(id string) {
	s.t.Helper()
	s.do(http.MethodDelete, "/stubs/"+url.PathEscape(id), nil, http.StatusNoContent, nil)
}

// StubHits says how many times each of the tenant's stubs answered, by id.
func (s *Server) StubHits() map[string]int {
	s.t.Helper()
	var out struct {
		Stubs []struct {
			ID   string `json:"id"`
			Hits int    `json:"hits"`
		} `json:"stubs"`
	}
	s.do(http.MethodGet, "/stubs", nil, http.StatusOK, &out)
	hits := make(map[string]int, len(out.Stubs))
	for _, st := range out.Stubs {
		hits[st.ID] = st.Hits
	}
	return hits
}
