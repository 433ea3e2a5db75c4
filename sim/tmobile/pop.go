package tmobile

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// PoP (proof of possession) tokens, as T-Mobile's public builders make them:
// an RS256 JWT signed with the partner's private key whose claims are
//
//	ehts: the names of what is signed, joined by ';' ("Authorization;uri;http-method;body")
//	edts: base64url (no padding) of SHA-256 of the values concatenated in ehts order
//	v:    "1"
//	iat, exp (exp = iat + 120 in the builders), jti (unique per token)
//
// The special names are "uri" (path plus query, no host), "http-method" and
// "body"; any other name is a request header.

// Special ehts names.
const (
	ehtsURI    = "uri"
	ehtsMethod = "http-method"
	ehtsBody   = "body"
)

// popRequest is what of a request a PoP token can sign.
type popRequest struct {
	Method string
	URI    string // exactly as the client sent it (r.RequestURI)
	Header http.Header
	Body   []byte
}

// uriForms are the values a client may have signed as "uri": the path and
// query exactly as sent, and, when the query has percent-encoded parts, the
// same with the query's names and values decoded. T-Mobile's builders tell
// partners to sign the query "not in URL encoded format"
// (/oauth/token?...&redirect_uri=https://app.example/cb&...) while the
// request line carries it encoded.
func (r popRequest) uriForms() []string {
	path, query, ok := strings.Cut(r.URI, "?")
	if !ok || !strings.ContainsAny(query, "%+") {
		return []string{r.URI}
	}
	parts := strings.Split(query, "&")
	for i, p := range parts {
		k, v, hasEq := strings.Cut(p, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return []string{r.URI}
		}
		parts[i] = dk
		if hasEq {
			parts[i] += "=" + dv
		}
	}
	decoded := path + "?" + strings.Join(parts, "&")
	if decoded == r.URI {
		return []string{r.URI}
	}
	return []string{r.URI, decoded}
}

// popPolicy is how strictly PoP tokens are checked.
type popPolicy struct {
	Skew        time.Duration // allowed clock skew on iat and exp
	MaxLifetime time.Duration // longest exp - iat accepted
	// Required names must be in ehts whenever the request carries them
	// ("body" when there is a body, a header when it is present).
	Required []string
	Status   int // status of a rejected token
}

// popClaims are a verified token's claims.
type popClaims struct {
	Ehts string
	Edts string
	Iat  int64
	Exp  int64
	Jti  string
}

type rawPoPClaims struct {
	Ehts *string         `json:"ehts"`
	Edts *string         `json:"edts"`
	V    json.RawMessage `json:"v"`
	Iat  *json.Number    `json:"iat"`
	Exp  *json.Number    `json:"exp"`
	Jti  *string         `json:"jti"`
}

func numericDate(n *json.Number) (int64, bool) {
	if n == nil {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1<<40 {
		return 0, false
	}
	return int64(f), true
}

// edtsOf computes the edts of a request for the given ehts names.
func edtsOf(names []string, req popRequest) (string, error) {
	h := sha256.New()
	for _, n := range names {
		switch strings.ToLower(n) {
		case ehtsURI:
			h.Write([]byte(req.URI))
		case ehtsMethod:
			h.Write([]byte(req.Method))
		case ehtsBody:
			h.Write(req.Body)
		default:
			vals, ok := req.Header[http.CanonicalHeaderKey(n)]
			if !ok {
				return "", fmt.Errorf("ehts names the header %q, which the request does not carry", n)
			}
			h.Write([]byte(strings.Join(vals, ",")))
		}
	}
	return b64.EncodeToString(h.Sum(nil)), nil
}

// verifyPoP checks a PoP token's signature, its edts against the actual
// request and its lifetime against now (the wall clock). Single use (jti) is
// the store's business.
func verifyPoP(token string, pub *rsa.PublicKey, req popRequest, now time.Time, pol popPolicy) (*popClaims, *Error) {
	fail := func(reason, format string, args ...any) (*popClaims, *Error) {
		return nil, newErr(pol.Status, reason, "PoP token (X-Authorization): "+fmt.Sprintf(format, args...),
			"The request could not be authenticated.")
	}
	payload, err := verifyRS256(strings.TrimSpace(token), pub)
	if errors.Is(err, errSignature) {
		return fail(ReasonPoPSignature, "signature does not verify with the client's public key: %v", err)
	}
	if err != nil {
		return fail(ReasonInvalidPoP, "%v", err)
	}
	var raw rawPoPClaims
	if err := json.Unmarshal(payload, &raw); err != nil {
		return fail(ReasonInvalidPoP, "claims are not a JSON object: %v", err)
	}
	switch {
	case raw.Ehts == nil || strings.TrimSpace(*raw.Ehts) == "":
		return fail(ReasonInvalidPoP, "the ehts claim is missing")
	case raw.Edts == nil || *raw.Edts == "":
		return fail(ReasonInvalidPoP, "the edts claim is missing")
	case raw.Jti == nil || *raw.Jti == "":
		return fail(ReasonInvalidPoP, "the jti claim is missing")
	}
	// The builders send v as "1"; one published version sends the number 1.
	if v := strings.Trim(string(raw.V), `"`); v != "1" {
		return fail(ReasonInvalidPoP, "the v claim must be \"1\"")
	}
	iat, okI := numericDate(raw.Iat)
	exp, okE := numericDate(raw.Exp)
	if !okI || !okE {
		return fail(ReasonInvalidPoP, "the iat and exp claims must be NumericDates")
	}
	c := &popClaims{Ehts: *raw.Ehts, Edts: strings.TrimRight(*raw.Edts, "="), Iat: iat, Exp: exp, Jti: *raw.Jti}

	// Lifetime, on the wall clock: the client signed with its own clock.
	skew := int64(pol.Skew / time.Second)
	unix := now.Unix()
	switch {
	case exp <= iat:
		return fail(ReasonInvalidPoP, "exp (%d) is not after iat (%d)", exp, iat)
	case exp-iat > int64(pol.MaxLifetime/time.Second):
		return fail(ReasonPoPLifetime, "lifetime exp-iat of %ds exceeds the %ds allowed", exp-iat, int64(pol.MaxLifetime/time.Second))
	case unix > exp+skew:
		return fail(ReasonPoPExpired, "expired at %d, now %d (%ds skew allowed)", exp, unix, skew)
	case iat > unix+skew:
		return fail(ReasonPoPNotYetValid, "issued in the future: iat %d, now %d (%ds skew allowed)", iat, unix, skew)
	}

	names := strings.Split(c.Ehts, ";")
	seen := map[string]bool{}
	for i, n := range names {
		n = strings.TrimSpace(n)
		names[i] = n
		key := strings.ToLower(n)
		if n == "" {
			return fail(ReasonInvalidPoP, "ehts has an empty name")
		}
		if seen[key] {
			return fail(ReasonInvalidPoP, "ehts names %q twice", n)
		}
		seen[key] = true
	}
	for _, want := range pol.Required {
		lw := strings.ToLower(want)
		carried := true
		switch lw {
		case ehtsURI, ehtsMethod:
		case ehtsBody:
			carried = len(req.Body) > 0
		default:
			_, carried = req.Header[http.CanonicalHeaderKey(want)]
		}
		if carried && !seen[lw] {
			return fail(ReasonPoPIncomplete, "ehts must sign %q (ehts is %q)", want, c.Ehts)
		}
	}
	for _, u := range req.uriForms() {
		form := req
		form.URI = u
		got, err := edtsOf(names, form)
		if err != nil {
			return fail(ReasonPoPEdts, "%v", err)
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(c.Edts)) == 1 {
			return c, nil
		}
		if !seen[ehtsURI] {
			break
		}
	}
	return fail(ReasonPoPEdts, "edts does not match the request (ehts %q, uri %q, method %s, %d body bytes)",
		c.Ehts, req.URI, req.Method, len(req.Body))
}
