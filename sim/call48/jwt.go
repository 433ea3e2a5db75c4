package call48

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// claims are the token claims of the real API, in its order.
type claims struct {
	UserID      int    `json:"userId"`
	UUID        string `json:"uuid"`
	UserType    string `json:"userType"`
	AccountType string `json:"accountType"`
	Iat         int64  `json:"iat"`
	Exp         int64  `json:"exp"`
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS512","typ":"JWT"}`))

// signJWT returns an HS512 JWT of c.
func signJWT(secret []byte, c claims) string {
	payload, _ := json.Marshal(c)
	unsigned := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha512.New, secret)
	mac.Write([]byte(unsigned))
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// parseJWT verifies the signature and algorithm of an HS512 token and
// returns its claims (expiry is checked by the caller on the tenant clock).
func parseJWT(secret []byte, tok string) (claims, error) {
	var c claims
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return c, errors.New("malformed token")
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return c, errors.New("malformed header")
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(hb, &h) != nil || h.Alg != "HS512" {
		return c, errors.New("unexpected algorithm")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return c, errors.New("malformed signature")
	}
	mac := hmac.New(sha512.New, secret)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return c, errors.New("bad signature")
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return c, errors.New("malformed payload")
	}
	if err := json.Unmarshal(pb, &c); err != nil {
		return c, errors.New("malformed claims")
	}
	return c, nil
}
