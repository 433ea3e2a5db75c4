package flowroute

import (
	"bytes"
	"encoding/base64"
	"net/http"
)

// basicCredentials reads an HTTP Basic Authorization header the way
// net/http's Request.BasicAuth does (the scheme name in any case, standard
// base64, user and password split at the first colon), decoding into buf so
// the request allocates nothing for it. ok is false when the header is
// absent or malformed, or when the credentials do not fit buf.
func basicCredentials(h http.Header, buf []byte) (user, pass []byte, ok bool) {
	const prefix = "Basic "
	auth := h.Get("Authorization")
	if len(auth) < len(prefix) || !asciiEqualFold(auth[:len(prefix)], prefix) {
		return nil, nil, false
	}
	enc := auth[len(prefix):]
	if base64.StdEncoding.DecodedLen(len(enc)) > len(buf) {
		return nil, nil, false
	}
	n, err := base64.StdEncoding.Decode(buf, []byte(enc))
	if err != nil {
		return nil, nil, false
	}
	user, pass, ok = bytes.Cut(buf[:n], []byte(":"))
	if !ok {
		return nil, nil, false
	}
	return user, pass, true
}

// asciiEqualFold is strings.EqualFold for ASCII, as net/http compares the
// scheme name.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
