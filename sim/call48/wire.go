package call48

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/telecomsim/simulator/internal/provider"
)

// --- lenient request values: the API's clients send numbers as strings and
// strings as numbers ---------------------------------------------------------

// fstr is a string that also accepts a JSON number or boolean.
type fstr string

func (f *fstr) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*f = ""
	case len(b) > 1 && b[0] == '"' && bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b):
		*f = fstr(b[1 : len(b)-1]) // nothing to unescape or replace
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = fstr(s)
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		return fmt.Errorf("expected a string, got %s", abbreviate(b))
	default:
		*f = fstr(b)
	}
	return nil
}

// fint is an optional integer that also accepts a numeric string.
type fint struct {
	V   int
	Set bool
}

func (f *fint) UnmarshalJSON(b []byte) error {
	var s fstr
	if err := s.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("expected a number, got %s", abbreviate(b))
	}
	v := strings.TrimSpace(string(s))
	if v == "" {
		*f = fint{}
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
	if err != nil {
		return fmt.Errorf("expected a number, got %s", abbreviate(b))
	}
	*f = fint{V: n, Set: true}
	return nil
}

func (f fint) ptr() *int {
	if !f.Set {
		return nil
	}
	v := f.V
	return &v
}

// fbool is an optional boolean that also accepts "true"/"false"/1/0.
type fbool struct {
	V   bool
	Set bool
}

func (f *fbool) UnmarshalJSON(b []byte) error {
	var s fstr
	if err := s.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("expected true or false, got %s", abbreviate(b))
	}
	switch strings.ToLower(strings.TrimSpace(string(s))) {
	case "":
		*f = fbool{}
	case "true", "1", "yes":
		*f = fbool{V: true, Set: true}
	case "false", "0", "no":
		*f = fbool{V: false, Set: true}
	default:
		return fmt.Errorf("expected true or false, got %s", abbreviate(b))
	}
	return nil
}

func (f fbool) ptr() *bool {
	if !f.Set {
		return nil
	}
	v := f.V
	return &v
}

// fstrs is a list of strings that also accepts a single value.
type fstrs []string

func (f *fstrs) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raw []fstr
		if err := json.Unmarshal(b, &raw); err != nil {
			return fmt.Errorf("expected a list of strings")
		}
		out := make([]string, len(raw))
		for i, r := range raw {
			out[i] = string(r)
		}
		*f = out
		return nil
	}
	var s fstr
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	*f = nil
	for _, p := range strings.Split(string(s), ",") {
		if p = strings.TrimSpace(p); p != "" {
			*f = append(*f, p)
		}
	}
	return nil
}

// fints is a list of integers that also accepts numeric strings.
type fints []int

func (f *fints) UnmarshalJSON(b []byte) error {
	var ss fstrs
	if err := ss.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("expected a list of numbers")
	}
	*f = nil
	for _, s := range ss {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("expected a list of numbers, got %q", s)
		}
		*f = append(*f, n)
	}
	return nil
}

func abbreviate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

const maxBody = 10 << 20

// upload is a file of a multipart request.
type upload struct {
	Name string
	Data []byte
}

// decodeBody reads a JSON, form-encoded or multipart body into v; the files
// of a multipart body are returned by field name.
func decodeBody(r *http.Request, v any) (map[string]upload, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var raw []byte
	files := map[string]upload{}
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return nil, errf(400, "Invalid multipart body: %v", err)
		}
		raw = formJSON(r.MultipartForm.Value)
		for name, fhs := range r.MultipartForm.File {
			if len(fhs) == 0 {
				continue
			}
			f, err := fhs[0].Open()
			if err != nil {
				return nil, errf(400, "Invalid upload %s", name)
			}
			data, _ := io.ReadAll(io.LimitReader(f, maxBody))
			f.Close()
			files[name] = upload{Name: fhs[0].Filename, Data: data}
		}
	case "application/x-www-form-urlencoded":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return nil, errf(400, "Invalid body")
		}
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, errf(400, "Invalid form body")
		}
		raw = formJSON(vals)
	default:
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return nil, errf(400, "Invalid body")
		}
		raw = bytes.TrimSpace(body)
		if len(raw) == 0 {
			raw = []byte("{}")
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if ok := asTypeErr(err, &te); ok && te.Field != "" {
			return nil, errf(400, "Invalid value for %s: expected %s", te.Field, te.Type.String())
		}
		return nil, errf(400, "Invalid request body: %v", err)
	}
	return files, nil
}

func asTypeErr(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

// formJSON turns form values into a JSON object; "a[]" keys and repeated
// keys become lists, and a value that is itself JSON (an array or object) is
// kept as JSON.
func formJSON(vals map[string][]string) []byte {
	m := map[string]any{}
	for k, vs := range vals {
		key := strings.TrimSuffix(k, "[]")
		if len(vs) == 1 && !strings.HasSuffix(k, "[]") {
			v := strings.TrimSpace(vs[0])
			if len(v) > 1 && (v[0] == '[' || v[0] == '{') && json.Valid([]byte(v)) {
				m[key] = json.RawMessage(v)
			} else {
				m[key] = vs[0]
			}
			continue
		}
		m[key] = vs
	}
	b, _ := json.Marshal(m)
	return b
}

// --- responses -------------------------------------------------------------------

// ok writes an answer. Every answer carries "code" and "error", as the live
// service's do (its clients fail on a missing key): the document's samples
// that lack one get it after their own keys.
func ok(w http.ResponseWriter, v any) {
	if m, isObj := v.(obj); isObj {
		if !m.has("code") {
			m = append(m, kv{K: "code", V: 200})
		}
		if !m.has("error") {
			m = append(m, kv{K: "error", V: nil})
		}
		writeObj(w, m)
		return
	}
	provider.WriteJSON(w, http.StatusOK, v)
}

// objBufs hold answers being encoded by writeObj.
var objBufs = sync.Pool{New: func() any { return new([]byte) }}

// writeObj writes m as provider.WriteJSON does, without encoding/json
// checking and copying the bytes that MarshalJSON returns.
func writeObj(w http.ResponseWriter, m obj) {
	buf := objBufs.Get().(*[]byte)
	compact, err := m.appendJSON((*buf)[:0])
	if err != nil {
		provider.WriteJSON(w, http.StatusOK, m) // reports what cannot be encoded as before
		return
	}
	provider.WriteCompactJSON(w, http.StatusOK, compact)
	if cap(compact) <= 64<<10 {
		*buf = compact
		objBufs.Put(buf)
	}
}

// success is {"code":200,"message":"Successful Operation","data":...,"error":null}.
func success(w http.ResponseWriter, data any) {
	ok(w, struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    any    `json:"data"`
		Error   any    `json:"error"`
	}{200, "Successful Operation", data, nil})
}

// plain is {"error":null,"data":...,"code":200}.
func plain(w http.ResponseWriter, data any) {
	ok(w, struct {
		Error any `json:"error"`
		Data  any `json:"data"`
		Code  int `json:"code"`
	}{nil, data, 200})
}

// done is {"code":200,"message":"Successful Operation"}.
func done(w http.ResponseWriter) {
	ok(w, o("code", 200, "message", "Successful Operation"))
}

func writeCSV(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "text/csv")
	if name != "" {
		w.Header().Set("Content-Disposition", provider.Attachment(name))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func fail(w http.ResponseWriter, r *http.Request, err error) { (&Provider{}).WriteError(w, r, err) }

// jsTime prints a time the way the API's Node backend does.
func jsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func jsTimePtr(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return jsTime(*t)
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func dashed(n string) string {
	if len(n) == 10 {
		return n[:3] + "-" + n[3:6] + "-" + n[6:]
	}
	return n
}

// parseWhen reads the API's date inputs: RFC 3339, "2006-01-02 15:04[:05]"
// (UTC) or "2006-01-02".
func parseWhen(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q", s)
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// obj is a JSON object whose keys keep the order they were given in, as the
// real API's (Node) responses do.
type obj []kv

type kv struct {
	K string
	V any
}

// o builds an obj from alternating keys and values.
func o(kvs ...any) obj {
	out := make(obj, 0, len(kvs)/2)
	for i := 0; i+1 < len(kvs); i += 2 {
		out = append(out, kv{K: kvs[i].(string), V: kvs[i+1]})
	}
	return out
}

// MarshalJSON writes the keys in order.
func (m obj) MarshalJSON() ([]byte, error) { return m.appendJSON(nil) }

// appendJSON appends m as MarshalJSON writes it: keys and values as
// json.Marshal writes them, nested objs appended in place (through
// json.Marshal each level's bytes were checked and copied again by the
// level above).
func (m obj) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	for i, p := range m {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendString(b, p.K); err != nil {
			return nil, err
		}
		b = append(b, ':')
		switch v := p.V.(type) {
		case obj:
			b, err = v.appendJSON(b)
		case string:
			b, err = appendString(b, v)
		case nil:
			b = append(b, "null"...)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		default:
			b, err = appendMarshal(b, v)
		}
		if err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendMarshal appends json.Marshal(v).
func appendMarshal(b []byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	return append(b, j...), err
}

// appendString appends json.Marshal(s); one that needs no escaping is
// quoted in place.
func appendString(b []byte, s string) ([]byte, error) {
	if plainJSONString(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"'), nil
	}
	return appendMarshal(b, s)
}

// plainJSONString reports whether json.Marshal writes s between quotes as
// it is: printable ASCII without quotes, backslashes or the characters it
// escapes for HTML.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func (m obj) has(k string) bool {
	for _, p := range m {
		if p.K == k {
			return true
		}
	}
	return false
}

// set replaces a key's value, or appends the key.
func (m obj) set(k string, v any) obj {
	for i := range m {
		if m[i].K == k {
			m[i].V = v
			return m
		}
	}
	return append(m, kv{K: k, V: v})
}
