package har

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Redacted replaces every secret the recording drops.
const Redacted = "REDACTED"

// Redact returns the entry with credentials replaced by Redacted: the
// Authorization, X-Authorization, Proxy-Authorization, Cookie, Set-Cookie
// and API-key headers; query parameters, form fields and JSON keys (at any
// depth) whose names say password, secret or token. The entry's shape is
// kept, so a redacted recording still drives `simulator conform`.
func Redact(e Entry) Entry {
	e.Request.Headers = redactPairs(e.Request.Headers)
	e.Request.QueryString = redactPairs(e.Request.QueryString)
	e.Response.Headers = redactPairs(e.Response.Headers)
	if u, err := url.Parse(e.Request.URL); err == nil && u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if isSecretName(k) {
				q[k] = []string{Redacted}
			}
		}
		u.RawQuery = q.Encode()
		e.Request.URL = u.String()
	}
	if e.Request.PostData != nil {
		pd := *e.Request.PostData
		pd.Text = redactBody(pd.MimeType, pd.Text)
		e.Request.PostData = &pd
	}
	e.Response.Content.Text = redactBody(e.Response.Content.MimeType, e.Response.Content.Text)
	return e
}

func redactPairs(in []NV) []NV {
	out := make([]NV, len(in))
	for i, nv := range in {
		if isSecretName(nv.Name) {
			nv.Value = redactValue(nv.Value)
		}
		out[i] = nv
	}
	return out
}

func redactBody(mime, text string) string {
	if text == "" {
		return text
	}
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		var v any
		if json.Unmarshal([]byte(t), &v) == nil {
			if redactJSON(v) {
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
			for k := range q {
				if isSecretName(k) {
					q[k] = []string{Redacted}
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

// redactJSON replaces secret-named scalar values in place; it reports
// whether anything changed.
func redactJSON(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			switch x.(type) {
			case map[string]any, []any:
				if redactJSON(x) {
					changed = true
				}
			default:
				if isSecretName(k) && x != nil {
					t[k] = Redacted
					changed = true
				}
			}
		}
	case []any:
		for _, x := range t {
			if redactJSON(x) {
				changed = true
			}
		}
	}
	return changed
}

// redactValue keeps an authorization scheme ("Basic REDACTED"), so a
// replay knows which kind of credential to put back.
func redactValue(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok {
		switch strings.ToLower(scheme) {
		case "basic", "bearer", "digest", "token":
			return scheme + " " + Redacted
		}
	}
	return Redacted
}
