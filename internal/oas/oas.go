// Package oas loads a provider's embedded OpenAPI 3 document once and
// validates requests (and, in tests, responses) against it with kin-openapi.
package oas

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

var registerOnce sync.Once

func registerDecoders() {
	registerOnce.Do(func() {
		// JSON:API bodies are JSON.
		openapi3filter.RegisterBodyDecoder("application/vnd.api+json", openapi3filter.JSONBodyDecoder)
		openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.FileBodyDecoder)
		openapi3filter.RegisterBodyDecoder("application/octet-stream", openapi3filter.FileBodyDecoder)
	})
}

// Spec is a loaded, validated OpenAPI document.
type Spec struct {
	Raw []byte
	Doc *openapi3.T
}

// Load parses and validates an OpenAPI document.
func Load(raw []byte) (*Spec, error) {
	registerDecoders()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	shareSchemas(doc)
	return &Spec{Raw: raw, Doc: doc}, nil
}

// MustLoad is Load for embedded documents, which are checked by tests.
func MustLoad(raw []byte) *Spec {
	s, err := Load(raw)
	if err != nil {
		panic(err)
	}
	return s
}

// Operation finds the operation for a route template and method.
func (s *Spec) Operation(path, method string) (*routers.Route, bool) {
	item := s.Doc.Paths.Find(path)
	if item == nil {
		return nil, false
	}
	op := item.GetOperation(strings.ToUpper(method))
	if op == nil {
		return nil, false
	}
	return &routers.Route{Spec: s.Doc, Path: path, PathItem: item, Method: strings.ToUpper(method), Operation: op}, true
}

// ValidationError is a request that does not match the spec.
type ValidationError struct {
	Status int    // 400, or 415 for an unsupported content type
	In     string // query, path, header, body
	Field  string // parameter name or JSON pointer into the body ("" for the whole body)
	Reason string
}

func (e *ValidationError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s %s: %s", e.In, e.Field, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.In, e.Reason)
}

var opts = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults: true,
}

// ValidateRequest checks r against the operation for path and method. The
// body is read and put back, so handlers can read it again. A route the spec
// does not describe passes.
func (s *Spec) ValidateRequest(r *http.Request, path string, vars map[string]string) error {
	route, ok := s.Operation(path, r.Method)
	if !ok {
		return nil
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: vars, Route: route, Options: opts}
	err := openapi3filter.ValidateRequest(r.Context(), in)
	if err == nil {
		return nil
	}
	return convert(err)
}

func convert(err error) error {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return &ValidationError{Status: http.StatusBadRequest, In: "request", Reason: err.Error()}
	}
	ve := &ValidationError{Status: http.StatusBadRequest}
	switch {
	case re.Parameter != nil:
		ve.In, ve.Field = re.Parameter.In, re.Parameter.Name
	case re.RequestBody != nil:
		ve.In = "body"
	default:
		ve.In = "request"
	}
	ve.Reason = re.Reason
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		ptr := se.JSONPointer()
		if len(ptr) > 0 {
			ve.Field = strings.Join(ptr, ".")
		} else if f := missingProperty(se.Reason); f != "" {
			ve.Field = f
		}
		ve.Reason = se.Reason
	} else if re.Err != nil {
		switch msg := re.Err.Error(); {
		case ve.Reason == "":
			ve.Reason = msg
		case !strings.Contains(ve.Reason, msg):
			ve.Reason = ve.Reason + ": " + msg
		}
	}
	if strings.Contains(ve.Reason, "Content-Type") || strings.Contains(ve.Reason, "content type") {
		ve.Status = http.StatusUnsupportedMediaType
	}
	return ve
}

func missingProperty(reason string) string {
	// kin-openapi says: property "name" is missing
	if i := strings.Index(reason, `property "`); i >= 0 {
		rest := reason[i+len(`property "`):]
		if j := strings.Index(rest, `"`); j >= 0 {
			return rest[:j]
		}
	}
	return ""
}

// checkResponse validates an answer against the operation it came from.
func checkResponse(req *http.Request, route *routers.Route, vars map[string]string, status int, header http.Header, body []byte) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: vars, Route: route, Options: opts},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	return openapi3filter.ValidateResponse(req.Context(), in)
}

// Exchange validates requests and responses sent to a provider served at
// base (the URL its spec paths hang from, e.g. http://127.0.0.1:1234/flowroute).
type Exchange struct {
	router routers.Router
}

// ForBase returns an Exchange validator for the provider served at base.
func (s *Spec) ForBase(base string) (*Exchange, error) {
	doc := *s.Doc
	doc.Servers = openapi3.Servers{{URL: base}}
	r, err := gorillamux.NewRouter(&doc)
	if err != nil {
		return nil, err
	}
	return &Exchange{router: r}, nil
}

// ErrNoOperation is what Check reports (wrapped) when the document has no
// operation for the request, so there is nothing to check the answer with.
var ErrNoOperation = errors.New("no operation in the document")

// Check validates a response to req against the operation req matches.
func (x *Exchange) Check(req *http.Request, status int, header http.Header, body []byte) error {
	route, vars, err := x.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("openapi: %s %s: %w (%w)", req.Method, req.URL.Path, ErrNoOperation, err)
	}
	return checkResponse(req, route, vars, status, header, body)
}

// Lazy is a document compiled the first time it is needed (or when Warm is
// called), so startup does not wait for every provider's spec.
type Lazy struct {
	raw  []byte
	once sync.Once
	spec *Spec
	err  error
}

// NewLazy returns a document that compiles raw on first use.
func NewLazy(raw []byte) *Lazy { return &Lazy{raw: raw} }

// Raw returns the document as shipped.
func (l *Lazy) Raw() []byte { return l.raw }

// Get compiles the document once and returns it.
func (l *Lazy) Get() (*Spec, error) {
	l.once.Do(func() { l.spec, l.err = Load(l.raw) })
	return l.spec, l.err
}

// ValidateRequest compiles the document if needed and validates r.
func (l *Lazy) ValidateRequest(r *http.Request, path string, vars map[string]string) error {
	s, err := l.Get()
	if err != nil {
		return err
	}
	return s.ValidateRequest(r, path, vars)
}
