package har

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// Redacted starts every placeholder a redacted recording holds instead of a
// secret: "REDACTED-1", "REDACTED-2"...
const Redacted = "REDACTED"

// maxSecrets bounds the secrets a Redactor tells apart; past it every
// secret becomes plain "REDACTED".
const maxSecrets = 10000

// Redactor replaces secrets with numbered placeholders: the same secret
// always gets the same placeholder, different secrets different ones. A
// recording thus keeps which token an answer issued and which request sent
// it back (what `simulator conform` needs to replay it), without the token.
type Redactor struct {
	seen map[string]string
}

// NewRedactor returns a redactor with no secrets seen yet.
func NewRedactor() *Redactor { return &Redactor{seen: map[string]string{}} }

func (r *Redactor) secret(v string) string {
	if v == "" {
		return v
	}
	if p, ok := r.seen[v]; ok {
		return p
	}
	if len(r.seen) >= maxSecrets {
		return Redacted
	}
	p := Redacted + "-" + strconv.Itoa(len(r.seen)+1)
	r.seen[v] = p
	return p
}

// Redact returns the entry with credentials replaced by placeholders (one
// redactor for this entry alone; see Redactor.Entry).
func Redact(e Entry) Entry { return NewRedactor().Entry(e) }

// Entry returns the entry with credentials replaced by placeholders: the
// Authorization, X-Authorization, Proxy-Authorization, Cookie, Set-Cookie
// and API-key headers (keeping an auth scheme: "Basic REDACTED-1"); query
// parameters, form fields and JSON keys (at any depth) whose names say
// password, secret or token. The entry's shape is kept, so a redacted
// recording still drives `simulator conform`.
func (r *Redactor) Entry(e Entry) Entry {
	e.Request.Headers = r.pairs(e.Request.Headers)
	e.Request.QueryString = r.pairs(e.Request.QueryString)
	e.Response.Headers = r.pairs(e.Response.Headers)
	if u, err := url.Parse(e.Request.URL); err == nil && u.RawQuery != "" {
		q := u.Query()
		for k, vs := range q {
			if isSecretName(k) {
				for i := range vs {
					vs[i] = r.secret(vs[i])
				}
			}
		}
		u.RawQuery = q.Encode()
		e.Request.URL = u.String()
	}
	if e.Request.PostData != nil {
		pd := *e.Request.PostData
		pd.Text = r.body(pd.MimeType, pd.Text)
		e.Request.PostData = &pd
	}
	e.Response.Content.Text = r.body(e.Response.Content.MimeType, e.Response.Content.Text)
	return e
}

func (r *Redactor) pairs(in []NV) []NV {
	out := make([]NV, len(in))
	for i, nv := range in {
		if isSecretName(nv.Name) {
			nv.Value = r.header(nv.Value)
		}
		out[i] = nv
	}
	return out
}

// header keeps an authorization scheme ("Basic REDACTED-1"), so a replay
// knows which kind of credential to put back.
func (r *Redactor) header(v string) string {
	if scheme, rest, ok := strings.Cut(v, " "); ok {
		switch strings.ToLower(scheme) {
		case "basic", "bearer", "digest", "token":
			return scheme + " " + r.secret(rest)
		}
	}
	return r.secret(v)
}

func (r *Redactor) body(mime, text string) string {
	if text == "" {
		return text
	}
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		var v any
		if json.Unmarshal([]byte(t), &v) == nil {
			if r.json(v) {
				b, err := json.Marshal(v)
				if err == nil {
					return string(b)
				}
			}
			return text
		}
	}
	if strings.Contains(mime, "x-www-form-urlencoded") {
		if q, err := url.ParseQuery(text); err == nil {
			changed := false
			for k, vs := range q {
				if isSecretName(k) {
					for i := range vs {
						vs[i] = r.secret(vs[i])
					}
					changed = true
				}
			}
			if changed {
				return q.Encode()
			}
		}
	}
	return text
}

// json replaces secret-named scalar values in place; it reports whether
// anything changed.
func (r *Redactor) json(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			switch s := x.(type) {
			case map[string]any, []any:
				if r.json(x) {
					changed = true
				}
			case string:
				if isSecretName(k) {
					t[k] = r.secret(s)
					changed = true
				}
			case float64:
				// A number stays a number, so the body keeps its shape.
				if isSecretName(k) && s != 0 {
					t[k] = 0
					changed = true
				}
			}
		}
	case []any:
		for _, x := range t {
			if r.json(x) {
				changed = true
			}
		}
	}
	return changed
}
