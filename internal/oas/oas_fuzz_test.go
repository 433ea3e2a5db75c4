package oas

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"testing"
)

// fuzzSpec is a small document with the shapes the providers use: path
// and query parameters of several types, a JSON body with required fields,
// bounds and nesting, and a CSV upload.
const fuzzSpec = `openapi: 3.0.3
info: {title: fuzz, version: "1"}
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
    post:
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: kind, in: query, schema: {type: string, enum: [local, toll]}}
        - {name: tags, in: query, style: form, explode: true, schema: {type: array, items: {type: string}}}
        - {name: X-Trace, in: header, schema: {type: string, pattern: "^[a-f0-9-]{1,36}$"}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name, count]
              additionalProperties: false
              properties:
                name: {type: string, minLength: 1, maxLength: 15}
                count: {type: integer, format: int32}
                price: {type: number, exclusiveMinimum: true, minimum: 0}
                when: {type: string, format: date-time}
                flags: {type: array, maxItems: 3, items: {type: boolean}}
                owner:
                  type: object
                  properties:
                    email: {type: string, format: email}
                    kind: {oneOf: [{type: string}, {type: integer}]}
      responses:
        "200": {description: ok}
  /upload:
    put:
      requestBody:
        content:
          text/csv:
            schema: {type: string, format: binary}
      responses:
        "200": {description: ok}
`

// FuzzValidateRequest sends arbitrary paths, queries, headers and bodies
// through request validation: it must answer nil or a *ValidationError
// with status 400 or 415, never panic.
func FuzzValidateRequest(f *testing.F) {
	spec, err := Load([]byte(fuzzSpec))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("7", "limit=5&kind=local&tags=a&tags=b", "application/json", "abc-1", []byte(`{"name":"x","count":1,"owner":{"email":"a@b.c","kind":3}}`))
	f.Add("0", "limit=1000&kind=intl", "application/json; charset=utf-8", "", []byte(`{"name":"","count":1.5,"extra":true}`))
	f.Add("abc", "limit=%zz&&=", "text/plain", "ZZ", []byte(`not json`))
	f.Add("99999999999999999999", "tags=", "application/json", "", []byte("{\"name\":\"\xff\xfe\",\"count\":1,\"when\":\"yesterday\"}"))
	f.Add("1", "", "multipart/form-data; boundary=x", "", []byte("--x\r\n\r\n--x--"))
	f.Add("1", "", "", "", []byte(nil))
	f.Fuzz(func(t *testing.T, id, rawQuery, contentType, trace string, body []byte) {
		u := &url.URL{Path: "/items/" + id, RawQuery: rawQuery}
		r, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
		if err != nil {
			return
		}
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		if trace != "" {
			r.Header.Set("X-Trace", trace)
		}
		check(t, spec.ValidateRequest(r, "/items/{id}", map[string]string{"id": id}))

		up, err := http.NewRequest(http.MethodPut, "/upload?"+rawQuery, bytes.NewReader(body))
		if err != nil {
			return
		}
		if contentType != "" {
			up.Header.Set("Content-Type", contentType)
		}
		check(t, spec.ValidateRequest(up, "/upload", nil))
	})
}

func check(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("not a *ValidationError: %T %v", err, err)
	}
	if ve.Status != http.StatusBadRequest && ve.Status != http.StatusUnsupportedMediaType {
		t.Fatalf("status %d for %v", ve.Status, ve)
	}
	if ve.Error() == "" {
		t.Fatal("a validation error without a message")
	}
}
