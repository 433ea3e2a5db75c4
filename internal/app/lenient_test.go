package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLenientBody(t *testing.T) {
	cases := []struct {
		name, ctype, body, want, setType string
	}{
		{"plain JSON untouched", "application/json", `{"a":1}`, `{"a":1}`, ""},
		{"null fields are absent", "application/json", `{"LastEvaluatedKey":null,"entityID":null,"limit":5}`, `{"limit":5}`, ""},
		{"nested nulls too", "application/json", `{"a":{"b":null,"c":"<&>"}}`, `{"a":{"c":"<&>"}}`, ""},
		{"null in an array stays", "application/json", `{"a":[null,1]}`, `{"a":[null,1]}`, ""},
		{"vendor JSON type", "application/vnd.api+json; charset=utf-8", `{"x":null}`, `{}`, ""},
		{"JSON without a type is JSON", "", `{"value":"ACME"}`, `{"value":"ACME"}`, "application/json"},
		{"and its nulls go too", "", ` {"value":"ACME","x":null}`, `{"value":"ACME"}`, "application/json"},
		{"a form is left alone", "application/x-www-form-urlencoded", `a=null`, `a=null`, ""},
		{"text without a type is left alone", "", `hello null`, `hello null`, ""},
		{"broken JSON is the provider's to refuse", "application/json", `{"a":null`, `{"a":null`, ""},
		{"a string saying null is a value", "application/json", `{"a":"null"}`, `{"a":"null"}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, set := lenientBody(c.ctype, []byte(c.body))
			assert.Equal(t, c.want, string(got))
			assert.Equal(t, c.setType, set)
		})
	}
}
