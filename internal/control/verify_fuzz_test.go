package control

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzVerify feeds arbitrary verify requests against a fixed journal: the
// parser either refuses them with an error or yields an answer whose count
// agrees with its matches and whose near misses say what differed.
func FuzzVerify(f *testing.F) {
	for _, seed := range []string{
		`{"method":"POST","path":"/v2/cnams","body":{"value":"Acme Labs"},"count":{"exactly":1}}`,
		`{"path":"/v2/**?limit=10","headers":{"Accept":"application/json"},"query":{"value":"acme"}}`,
		`{"path":"POST /flowroute/v2/cnams","body":"acme","count":2}`,
		`{"path":"/api/v4/login","body":{"username":"mark","tags":[1,{"a":null}]}}`,
		`{"path":"/v2/[a-z]*/{id}","count":{"atLeast":0,"atMost":0}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var req verifyRequest
		if json.Unmarshal([]byte(body), &req) != nil {
			return
		}
		x, err := newExpectation(req, testInfos)
		if err != nil {
			return
		}
		res := x.run(testJournal)
		if res.Count < len(res.Matches) || res.Count > len(testJournal) {
			t.Fatalf("count %d with %d matches listed", res.Count, len(res.Matches))
		}
		if res.OK != (res.Message == "") {
			t.Fatalf("ok %v with message %q", res.OK, res.Message)
		}
		for _, nm := range res.NearMisses {
			if len(nm.Differences) == 0 {
				t.Fatalf("a near miss without differences: %+v", nm)
			}
		}
		if !res.OK && !strings.Contains(res.Message, res.Expected) {
			t.Fatalf("message %q does not say what was expected (%s)", res.Message, res.Expected)
		}
	})
}
