package journal

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzRedactBody: redaction never breaks a JSON body, and a secret placed
// under a credential field never survives it.
func FuzzRedactBody(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[{"password":"x"}]`, `{"IdToken":"a\"b","n":null}`, `{"token":{"x":"y"}}`, "a=b&client_secret=c", ""} {
		f.Add(s, "hunter2-secret-value")
	}
	f.Fuzz(func(t *testing.T, body, secret string) {
		out := RedactBody(body)
		if json.Valid([]byte(body)) && !json.Valid([]byte(out)) {
			t.Fatalf("valid JSON became invalid:\nin:  %s\nout: %s", body, out)
		}
		if len(secret) < 8 || strings.ContainsAny(secret, "\"\\") || !json.Valid([]byte(`"`+secret+`"`)) {
			return
		}
		doc := `{"data":` + body + `,"client_secret":"` + secret + `"}`
		if !json.Valid([]byte(doc)) {
			return
		}
		if got := RedactBody(doc); strings.Contains(got, `"client_secret":"`+secret+`"`) {
			t.Fatalf("the secret survived: %s", got)
		}
	})
}
