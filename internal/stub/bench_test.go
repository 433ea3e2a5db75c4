package stub

import (
	"fmt"
	"testing"
)

// BenchmarkAnswer matches the last of 100 stubs and renders a templated
// JSON body: the cost a stubbed request adds.
func BenchmarkAnswer(b *testing.B) {
	var stubs []Stub
	for i := range 100 {
		stubs = append(stubs, Stub{Provider: "flowroute", Method: "GET", Path: fmt.Sprintf("/v2/thing%d/{id}", i),
			Response: &Response{Body: map[string]any{"data": map[string]any{"id": "{{path.id}}", "n": "{{seq}}", "at": "{{now}}"}}}})
	}
	s := NewSet(nil)
	if err := s.Replace(stubs); err != nil {
		b.Fatal(err)
	}
	req := Request{Provider: "flowroute", Method: "GET", Path: "/v2/thing99/42"}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.Answer(req); !ok {
			b.Fatal("no match")
		}
	}
}
