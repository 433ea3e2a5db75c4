package journal

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// TruncMark ends a header value the journal cut.
const TruncMark = "…[truncated]"

// secretName matches field names that hold credentials: passwords, client
// secrets, tokens of every kind (id, access, refresh, PoP), API keys,
// authorizations and URL signatures.
const secretName = `[A-Za-z0-9_.\-]*(?i:password|passwd|secret|token|api_?key|authorization|signature|credential)[A-Za-z0-9_.\-]*`

var (
	// A JSON member whose name is a secret and whose value is a string; the
	// value may be cut short by truncation (no closing quote).
	jsonSecret = regexp.MustCompile(`("` + secretName + `"\s*:\s*)"(?:[^"\\]|\\.)*"?`)
	// A form or query field whose name is a secret.
	formSecret = regexp.MustCompile(`(^|&)(` + secretName + `=)[^&]*`)
)

// secretHeaders are request headers whose whole value is a credential.
var secretHeaders = map[string]bool{
	"Authorization": true, "X-Authorization": true, "Proxy-Authorization": true,
	"Cookie": true, "Set-Cookie": true, "X-Api-Key": true, "X-Amz-Security-Token": true,
}

// RedactBody replaces credentials in a JSON or form body (or what the
// journal kept of one) by the Mask of their decoded value, so a token an
// answer gave can still be tied to the requests that used it and a request
// can be verified against the credential it carried; everything else is
// left as it is.
func RedactBody(b string) string {
	t := strings.TrimLeft(b, " \t\r\n")
	if t == "" || !mayHoldSecret(b) {
		return b
	}
	if t[0] == '{' || t[0] == '[' {
		return jsonSecret.ReplaceAllStringFunc(b, func(m string) string {
			sub := jsonSecret.FindStringSubmatch(m)
			raw := m[len(sub[1]):]
			var v string
			if json.Unmarshal([]byte(raw), &v) != nil { // cut short, or a bad escape
				v = strings.TrimSuffix(strings.TrimPrefix(raw, `"`), `"`)
			}
			return sub[1] + `"` + Mask(v) + `"`
		})
	}
	if strings.ContainsRune(b, '=') && !strings.ContainsAny(b, "\n<") {
		return RedactQuery(b)
	}
	return b
}

// RedactQuery replaces the values of credential fields in a query string or
// form body.
func RedactQuery(q string) string {
	if q == "" || !mayHoldSecret(q) {
		return q
	}
	return formSecret.ReplaceAllStringFunc(q, func(m string) string {
		sub := formSecret.FindStringSubmatch(m)
		v := m[len(sub[1])+len(sub[2]):]
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		return sub[1] + sub[2] + Mask(v)
	})
}

// Headers copies request headers for an entry: credentials redacted unless
// keepSecrets, and at most limit bytes in all (0: no limit), cut values
// ending in TruncMark. It reports whether anything was cut. Names and
// values are copied into the Header, so a huge header is not kept alive by
// its first bytes.
func Headers(h http.Header, limit int, keepSecrets bool) (Header, bool) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys) // what survives a cut does not depend on map order; a Header is sorted too
	var b []byte
	room, cut := limit, false
	for _, k := range keys {
		vs := h[k]
		var v string
		if len(vs) == 1 {
			v = vs[0]
		} else {
			v = strings.Join(vs, ", ")
		}
		if !keepSecrets && secretHeaders[http.CanonicalHeaderKey(k)] {
			v = MaskCredential(v)
		}
		if limit > 0 {
			if room <= len(k) {
				cut = true
				continue
			}
			room -= len(k)
			if len(v) > room {
				v = strings.ToValidUTF8(v[:room], "") + TruncMark
				cut = true
			}
			room -= len(v)
		}
		b = appendField(appendField(b, k), v)
	}
	return Header{packed: string(b)}, cut
}

// secretWords are the words secretName is built around; a text holding none
// of them (most bodies) skips the regular expressions.
var secretWords = []string{"pass", "secret", "token", "key", "authorization", "signature", "credential"}

// secretByFirst lists, for each byte, the secretWords it begins once
// lower-cased the way mayHoldSecret does (ASCII bit 0x20): every other
// byte is passed over with one lookup. Comparing every byte of every
// journaled body with every word's first letter was about half of a list
// request's CPU.
var secretByFirst = func() (t [256][]string) {
	for b := range 256 {
		for _, w := range secretWords {
			if byte(b)|0x20 == w[0] {
				t[b] = append(t[b], w)
			}
		}
	}
	return t
}()

// mayHoldSecret reports whether s holds one of secretWords in any case.
func mayHoldSecret(s string) bool {
	for i := 0; i < len(s); i++ {
		for _, w := range secretByFirst[s[i]] {
			if len(s)-i >= len(w) && s[i+1]|0x20 == w[1] && strings.EqualFold(s[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}
