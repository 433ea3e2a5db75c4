package app

import (
	"bytes"
	"encoding/json"
	"mime"
	"strings"
)

// lenientBody takes the liberties with a request body that the real
// services' gateways take, for every provider: a JSON body sent without a
// Content-Type is read as JSON, and null in an object's field means the
// field is absent (Java and Python clients send null for unset options on
// the first page). It returns the body the provider reads and, when the
// request had none, the content type to give it (else "").
//
// The hot path pays one scan: a body with no "null" in it is passed as is.
func lenientBody(ctype string, body []byte) ([]byte, string) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return body, ""
	}
	set := ""
	if strings.TrimSpace(ctype) == "" {
		set = "application/json"
	} else if !isJSON(ctype) {
		return body, ""
	}
	if !bytes.Contains(body, []byte("null")) {
		return body, set
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil || dec.More() {
		return body, set // not JSON after all: the provider says so in its own words
	}
	if !dropNulls(v) {
		return body, set
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // keep the client's strings as they were
	if enc.Encode(v) != nil {
		return body, set
	}
	return bytes.TrimRight(out.Bytes(), "\n"), set
}

// dropNulls removes object members whose value is null, at every depth,
// and reports whether it removed any. (A null inside an array is a value,
// not an absent field, and stays.)
func dropNulls(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if c == nil {
				delete(x, k)
				changed = true
			} else if dropNulls(c) {
				changed = true
			}
		}
	case []any:
		for _, c := range x {
			if dropNulls(c) {
				changed = true
			}
		}
	}
	return changed
}

func isJSON(ctype string) bool {
	mt, _, err := mime.ParseMediaType(ctype)
	if err != nil {
		return false
	}
	return mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
}
