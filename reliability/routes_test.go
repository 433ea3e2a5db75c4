package reliability

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/telecomsim/simulator/internal/provider"
)

// routeInfo is what the sweep and the fuzzers know of one route: the route
// table entry plus what its OpenAPI operation says about inputs.
type routeInfo struct {
	Provider string
	Route    provider.Route
	// BodyType is the first request content type the spec lists ("" when
	// the operation declares no body).
	BodyType string
	// Body is the request body schema (nil when none or not an object).
	Body *openapi3.Schema
	// Query lists the declared query parameters.
	Query []string
	Vars  []string
}

func (ri routeInfo) String() string {
	return ri.Provider + " " + ri.Route.Method + " " + ri.Route.Path
}

// jsonBody reports whether the route takes a JSON body per its spec.
func (ri routeInfo) jsonBody() bool {
	return strings.Contains(ri.BodyType, "json")
}

var varRE = regexp.MustCompile(`\{([^}:]+)(:[^}]*)?\}`)

// routeInfos lists every provider route of the simulator with its spec.
func (s *sim) routeInfos() []routeInfo {
	var out []routeInfo
	for _, name := range s.names() {
		spec, _ := s.app.Spec(name)
		for _, rt := range s.app.Routes(name) {
			ri := routeInfo{Provider: name, Route: rt}
			for _, m := range varRE.FindAllStringSubmatch(rt.Path, -1) {
				ri.Vars = append(ri.Vars, m[1])
			}
			if spec != nil {
				if op, ok := spec.Operation(rt.Path, rt.Method); ok {
					params := append(openapi3.Parameters{}, op.PathItem.Parameters...)
					params = append(params, op.Operation.Parameters...)
					for _, p := range params {
						if p.Value != nil && p.Value.In == "query" {
							ri.Query = append(ri.Query, p.Value.Name)
						}
					}
					if rb := op.Operation.RequestBody; rb != nil && rb.Value != nil {
						var types []string
						for ct := range rb.Value.Content {
							types = append(types, ct)
						}
						sort.Strings(types)
						for _, ct := range types {
							if strings.Contains(ct, "json") || ri.BodyType == "" {
								ri.BodyType = ct
								if mt := rb.Value.Content[ct]; mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
									ri.Body = mt.Schema.Value
								}
							}
							if strings.Contains(ct, "json") {
								break
							}
						}
					}
				}
			}
			out = append(out, ri)
		}
	}
	return out
}

// sampleVars are plausible path values from the default scenario, so a
// request reaches the handler's deeper code rather than a 404.
var sampleVars = map[string]string{
	"tfn":           "8009900001",
	"number":        "12065550100",
	"entity":        "BR",
	"id":            "1",
	"cnam_id":       "1",
	"bulk_order_id": "1",
	"token":         "does-not-exist",
}

// path fills a route template, overriding one variable when over is set.
func (ri routeInfo) path(over map[string]string) string {
	return varRE.ReplaceAllStringFunc(ri.Route.Path, func(m string) string {
		name := varRE.FindStringSubmatch(m)[1]
		if v, ok := over[name]; ok {
			return v
		}
		if v, ok := sampleVars[name]; ok {
			return v
		}
		return "1"
	})
}

// props lists the body schema's properties with a type, sorted.
func (ri routeInfo) props() []string {
	if ri.Body == nil {
		return nil
	}
	var out []string
	for name, p := range ri.Body.Properties {
		if p != nil && p.Value != nil {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func (ri routeInfo) propType(name string) string {
	p := ri.Body.Properties[name]
	if p == nil || p.Value == nil || p.Value.Type == nil {
		return ""
	}
	if ts := p.Value.Type.Slice(); len(ts) == 1 {
		return ts[0]
	}
	return ""
}

// wrongValue is a JSON value of a type other than typ.
func wrongValue(typ string) any {
	switch typ {
	case "string":
		return map[string]any{"nested": []int{1, 2}}
	case "integer", "number":
		return "not a number"
	case "boolean":
		return "yes"
	case "array":
		return map[string]any{"not": "an array"}
	case "object":
		return []any{"not", "an", "object"}
	}
	return nil
}

// mustJSON encodes v.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// errorShape checks a 4xx/5xx (or Call48's 200 error) answer is in the
// provider's error shape; it returns "" when it is.
func errorShape(ri routeInfo, r res) string {
	var v map[string]any
	ct := r.Header.Get("Content-Type")
	switch ri.Provider {
	case "somos":
		if strings.HasPrefix(ri.Route.Path, "/uploads/") || strings.HasPrefix(ri.Route.Path, "/downloads/") {
			if strings.Contains(string(r.Body), "<Error>") && strings.Contains(string(r.Body), "<Code>") {
				return ""
			}
		}
		if err := json.Unmarshal(r.Body, &v); err != nil {
			return "not JSON: " + err.Error()
		}
		if _, ok := v["message"].(string); !ok {
			return `no "message"`
		}
		return ""
	case "flowroute":
		var e struct {
			Errors []struct {
				Status int `json:"status"`
				Detail any `json:"detail"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(r.Body, &e); err != nil {
			return "not JSON: " + err.Error()
		}
		if len(e.Errors) != 1 || e.Errors[0].Status != r.Status || e.Errors[0].Detail == nil {
			return "not a Flowroute errors document"
		}
		return ""
	case "tmobile":
		if strings.HasPrefix(ct, "text/html") && ri.Route.Auth == provider.AuthNone {
			return "" // the browser pages answer errors as pages
		}
		var e struct {
			Errors []struct {
				ReasonCode string `json:"reasonCode"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(r.Body, &e); err != nil {
			return "not JSON: " + err.Error()
		}
		if len(e.Errors) == 0 || e.Errors[0].ReasonCode == "" {
			return "no errors[].reasonCode"
		}
		return ""
	case "call48":
		if code := call48Code(r); code < 400 {
			return fmt.Sprintf("no Call48 error envelope (code %d)", code)
		}
		return ""
	}
	return ""
}

// call48Code is the "code" of a Call48 error envelope, 0 when absent.
func call48Code(r res) int {
	var e struct {
		Code  int     `json:"code"`
		Error *string `json:"error"`
	}
	if json.Unmarshal(r.Body, &e) != nil || e.Error == nil {
		return 0
	}
	return e.Code
}

// rejected reports whether r refuses the request the provider's way: a 4xx
// in its shape, or Call48's HTTP 200 with an error envelope.
func rejected(ri routeInfo, r res) bool {
	if r.Status >= 400 && r.Status < 500 {
		return errorShape(ri, r) == ""
	}
	return ri.Provider == "call48" && r.Status == http.StatusOK && call48Code(r) >= 400
}
