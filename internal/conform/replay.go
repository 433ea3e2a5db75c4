package conform

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"

	"github.com/telecomsim/simulator/internal/har"
)

// Provider describes one provider of the simulator the recording is
// replayed against.
type Provider struct {
	Name     string
	Mount    string // "/flowroute"
	BasePath string // "/v2"
	RealBase string // "https://api.flowroute.com/v2"
	// Credentials are the scenario's credential sets ("accessKey",
	// "secretKey"; "user_name", "password"; "refreshToken"...). A request
	// uses the set whose "login" value names it ("POST /admin_login"),
	// else the first.
	Credentials []map[string]string
}

// credsFor picks the credential set for a request.
func (p Provider) credsFor(method, path string) map[string]string {
	for _, c := range p.Credentials {
		lm, lp, ok := strings.Cut(c["login"], " ")
		if ok && lm == method && strings.HasSuffix(path, lp) {
			return c
		}
	}
	if len(p.Credentials) > 0 {
		return p.Credentials[0]
	}
	return nil
}

// Target is a simulator to replay against.
type Target struct {
	Handler   http.Handler
	Providers []Provider
	// Tenant the replay runs in (a fresh one).
	Tenant string
}

// Result is one exchange's outcome.
type Result struct {
	Index    int     `json:"index"`
	Provider string  `json:"provider,omitempty"`
	Method   string  `json:"method"`
	Path     string  `json:"path"`
	Recorded int     `json:"recordedStatus"`
	Status   int     `json:"simulatedStatus"`
	Drift    []Drift `json:"drift"`
	Skipped  string  `json:"skipped,omitempty"`
}

// Report is the whole replay.
type Report struct {
	Exchanges int      `json:"exchanges"`
	Drifted   int      `json:"drifted"`
	Skipped   int      `json:"skipped"`
	Results   []Result `json:"results"`
}

// OK says no exchange drifted.
func (r *Report) OK() bool { return r.Drifted == 0 }

// Replay sends every recorded request to the target, in order, and compares
// each answer with the recorded one. Credentials are replaced by the
// scenario's, and ids and tokens the recording received are replaced by the
// ones the simulator gave at the same place in the same answer, so a
// recording that creates a record and then reads it reads the simulator's.
func Replay(entries []har.Entry, t Target) *Report {
	rep := &Report{Results: []Result{}}
	ids := newValueMap()
	for i, e := range entries {
		rep.Exchanges++
		res := Result{Index: i, Method: e.Request.Method, Recorded: e.Response.Status}
		p, path, query, err := t.locate(e)
		if err != nil {
			res.Path, res.Skipped = e.Request.URL, err.Error()
			rep.Skipped++
			rep.Results = append(rep.Results, res)
			continue
		}
		res.Provider, res.Path = p.Name, path
		if e.Response.Status == 0 {
			res.Skipped = "the recording has no answer: " + e.Error
			rep.Skipped++
			rep.Results = append(rep.Results, res)
			continue
		}
		req := t.request(e, p, ids.apply(path), ids.applyQuery(query), ids)
		rr := httptest.NewRecorder()
		t.Handler.ServeHTTP(rr, req)
		got := rr.Result()
		body, _ := io.ReadAll(got.Body)
		res.Status = got.StatusCode
		res.Drift = Compare(
			Answer{Status: e.Response.Status, ContentType: contentType(e.Response), Body: []byte(e.Response.Content.Text)},
			Answer{Status: got.StatusCode, ContentType: got.Header.Get("Content-Type"), Body: body},
		)
		if res.Drift == nil {
			res.Drift = []Drift{}
		}
		if len(res.Drift) > 0 {
			rep.Drifted++
		}
		if rv, ok := parseJSON([]byte(e.Response.Content.Text)); ok {
			if sv, ok := parseJSON(body); ok {
				ids.learn(rv, sv, "")
			}
		}
		rep.Results = append(rep.Results, res)
	}
	return rep
}

func contentType(r har.Response) string {
	if ct := r.Header().Get("Content-Type"); ct != "" {
		return ct
	}
	return r.Content.MimeType
}

// Locate finds the provider of a recorded request among ps and its path in
// the real API's terms (without the simulator's mount or tenant prefix),
// and its raw query.
func Locate(e har.Entry, ps []Provider) (Provider, string, string, error) {
	return Target{Providers: ps}.locate(e)
}

func (t Target) locate(e har.Entry) (Provider, string, string, error) {
	u, err := url.Parse(e.Request.URL)
	if err != nil {
		return Provider{}, "", "", err
	}
	path := u.Path
	// A recording made through the simulator itself: /t/{tenant}/mount/...
	if strings.HasPrefix(path, "/t/") {
		if _, rest, ok := strings.Cut(path[3:], "/"); ok {
			path = "/" + rest
		}
	}
	for _, p := range t.Providers {
		if e.Provider != "" && e.Provider != p.Name {
			continue
		}
		if ru, err := url.Parse(p.RealBase); e.Provider != "" || (err == nil && ru.Host == u.Host) {
			return p, strings.TrimPrefix(path, p.Mount), u.RawQuery, nil
		}
		if path == p.Mount || strings.HasPrefix(path, p.Mount+"/") {
			return p, strings.TrimPrefix(path, p.Mount), u.RawQuery, nil
		}
	}
	return Provider{}, "", "", fmt.Errorf("no provider serves %s", u.Host)
}

// request builds the replayed request, with the scenario's credentials.
func (t Target) request(e har.Entry, p Provider, path, query string, ids *valueMap) *http.Request {
	body := []byte(e.Request.Body())
	ct := ""
	if e.Request.PostData != nil {
		ct = e.Request.PostData.MimeType
	}
	creds := p.credsFor(e.Request.Method, path)
	body = mapBody(ct, body, creds, ids)
	target := "/t/" + t.Tenant + p.Mount + path
	if query != "" {
		target += "?" + query
	}
	req := httptest.NewRequest(e.Request.Method, "http://simulator.local"+target, bytes.NewReader(body))
	for _, nv := range e.Request.Headers {
		switch strings.ToLower(nv.Name) {
		case "host", "content-length", "connection", "accept-encoding", "cookie":
			continue
		}
		req.Header.Add(nv.Name, nv.Value)
	}
	for _, k := range []string{"Authorization", "X-Authorization"} {
		if v := req.Header.Get(k); v != "" {
			req.Header.Set(k, mapAuth(v, creds, ids))
		}
	}
	return req
}

// mapAuth swaps Basic credentials for the scenario's and tokens for the
// ones the simulator issued.
func mapAuth(v string, creds map[string]string, ids *valueMap) string {
	scheme, val, _ := strings.Cut(v, " ")
	if strings.EqualFold(scheme, "Basic") {
		user, pass := creds["accessKey"], creds["secretKey"]
		if user == "" {
			user, pass = creds["user_name"], creds["password"]
		}
		if user != "" {
			return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
		}
		return v
	}
	if val == "" {
		return ids.apply(v)
	}
	return scheme + " " + ids.apply(val)
}

// mapBody replaces credential fields (by the scenario's names) and learnt
// ids in a JSON or form body.
func mapBody(ct string, body []byte, creds map[string]string, ids *valueMap) []byte {
	if len(body) == 0 {
		return body
	}
	if v, ok := parseJSON(body); ok {
		v = mapJSON(v, creds, ids)
		b, err := json.Marshal(v)
		if err == nil {
			return b
		}
		return body
	}
	if strings.Contains(ct, "x-www-form-urlencoded") {
		q, err := url.ParseQuery(string(body))
		if err == nil {
			for k, vs := range q {
				if c, ok := credFor(k, creds); ok {
					q[k] = []string{c}
					continue
				}
				for i := range vs {
					vs[i] = ids.apply(vs[i])
				}
			}
			return []byte(q.Encode())
		}
	}
	return body
}

func credFor(key string, creds map[string]string) (string, bool) {
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }
	for k, v := range creds {
		if norm(k) == norm(key) && !strings.Contains(v, " ") {
			return v, true
		}
	}
	return "", false
}

func mapJSON(v any, creds map[string]string, ids *valueMap) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if s, ok := x.(string); ok {
				if c, ok := credFor(k, creds); ok {
					t[k] = c
					continue
				}
				t[k] = ids.apply(s)
				continue
			}
			if _, ok := x.(float64); ok {
				t[k] = mapJSON(x, creds, ids)
				continue
			}
			t[k] = mapJSON(x, creds, ids)
		}
	case []any:
		for i, x := range t {
			t[i] = mapJSON(x, creds, ids)
		}
	case string:
		return ids.apply(t)
	case float64:
		k := fmt.Sprint(t)
		if nv, ok := ids.m[k]; ok {
			var n float64
			if _, err := fmt.Sscan(nv, &n); err == nil && fmt.Sprint(n) == nv {
				return n
			}
			return nv
		}
	}
	return v
}

// valueMap maps ids and tokens the recording received to the simulator's.
type valueMap struct {
	m map[string]string
}

func newValueMap() *valueMap { return &valueMap{m: map[string]string{}} }

// idKey says whether a JSON key holds an id, a token or a number the
// provider handed out (a phone number found by a search and bought next),
// worth mapping.
func idKey(k string) bool {
	l := strings.ToLower(k)
	switch l {
	case "id", "jwt", "number", "did", "did_number", "tfn", "tfnum", "msisdn", "npa", "nxx", "xxxx", "uqid", "uuid":
		return true
	}
	return strings.HasSuffix(l, "_id") || strings.HasSuffix(k, "Id") || strings.Contains(l, "token")
}

// learn walks a recorded and a simulated answer side by side; where both
// hold an id-like scalar at the same place and they differ, the recorded
// value maps to the simulated one from now on.
func (m *valueMap) learn(rec, sim any, key string) {
	switch r := rec.(type) {
	case map[string]any:
		s, ok := sim.(map[string]any)
		if !ok {
			return
		}
		for k, rv := range r {
			if sv, ok := s[k]; ok {
				m.learn(rv, sv, k)
			}
		}
	case []any:
		s, ok := sim.([]any)
		if !ok {
			return
		}
		for i := range min(len(r), len(s)) {
			m.learn(r[i], s[i], key)
		}
	default:
		if !idKey(key) {
			return
		}
		rs, ss := scalar(rec), scalar(sim)
		if len(rs) >= 2 && ss != "" && rs != ss {
			m.m[rs] = ss
		}
	}
}

func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return fmt.Sprint(t)
	}
	return ""
}

// apply maps a whole value, or each path segment of a path.
func (m *valueMap) apply(s string) string {
	if len(m.m) == 0 {
		return s
	}
	if v, ok := m.m[s]; ok {
		return v
	}
	if strings.Contains(s, "/") {
		parts := strings.Split(s, "/")
		for i, p := range parts {
			if v, ok := m.m[p]; ok {
				parts[i] = v
			}
		}
		return strings.Join(parts, "/")
	}
	return s
}

func (m *valueMap) applyQuery(raw string) string {
	if raw == "" || len(m.m) == 0 {
		return raw
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	changed := false
	for _, k := range keys {
		for i, v := range q[k] {
			if nv := m.apply(v); nv != v {
				q[k][i], changed = nv, true
			}
		}
	}
	if !changed {
		return raw
	}
	return q.Encode()
}

// Lines renders the report for people: one line per exchange and a summary.
func (r *Report) Lines() []string {
	var out []string
	for _, res := range r.Results {
		label := fmt.Sprintf("#%d %s %s %s", res.Index+1, res.Provider, res.Method, res.Path)
		switch {
		case res.Skipped != "":
			out = append(out, "skip  "+label+": "+res.Skipped)
		case len(res.Drift) == 0:
			out = append(out, fmt.Sprintf("ok    %s -> %d", label, res.Status))
		default:
			parts := make([]string, len(res.Drift))
			for i, d := range res.Drift {
				parts[i] = d.String()
			}
			out = append(out, fmt.Sprintf("DRIFT %s -> %d: %s", label, res.Status, strings.Join(parts, "; ")))
		}
	}
	out = append(out, fmt.Sprintf("%d exchanges: %d matched, %d drifted, %d skipped",
		r.Exchanges, r.Exchanges-r.Drifted-r.Skipped, r.Drifted, r.Skipped))
	return out
}
