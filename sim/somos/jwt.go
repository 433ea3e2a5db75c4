package somos

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// The module does not require github.com/golang-jwt/jwt/v5 yet, so the
// package signs and checks its HS256 JWTs itself (compact JWS, RFC 7515).

var b64 = base64.RawURLEncoding

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

// claims are what the simulator's Cognito-like tokens carry.
type claims struct {
	Sub       string   `json:"sub"`
	TokenUse  string   `json:"token_use"` // "id" or "access"
	Email     string   `json:"email,omitempty"`
	Username  string   `json:"cognito:username,omitempty"`
	UserName2 string   `json:"username,omitempty"`
	Groups    []string `json:"cognito:groups,omitempty"`
	Entity    string   `json:"custom:entityID,omitempty"`
	RespOrg   string   `json:"custom:respOrgID,omitempty"`
	Iss       string   `json:"iss"`
	Aud       string   `json:"aud,omitempty"`
	ClientID  string   `json:"client_id,omitempty"`
	Scope     string   `json:"scope,omitempty"`
	AuthTime  int64    `json:"auth_time"`
	Iat       int64    `json:"iat"`
	Exp       int64    `json:"exp"`
	Jti       string   `json:"jti"`
	OriginJti string   `json:"origin_jti"`
	EventID   string   `json:"event_id,omitempty"`
}

var errBadToken = errors.New("malformed token")

func signJWT(secret []byte, kid string, c claims) (string, error) {
	h, err := json.Marshal(jwtHeader{Alg: "HS256", Typ: "JWT", Kid: kid})
	if err != nil {
		return "", err
	}
	p, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	unsigned := b64.EncodeToString(h) + "." + b64.EncodeToString(p)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(unsigned))
	return unsigned + "." + b64.EncodeToString(m.Sum(nil)), nil
}

// parseJWT checks the signature and returns the claims; expiry is the
// caller's business (it reads the tenant clock).
func parseJWT(secret []byte, tok string) (claims, error) {
	var c claims
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return c, errBadToken
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return c, errBadToken
	}
	var h jwtHeader
	if err := json.Unmarshal(hb, &h); err != nil || h.Alg != "HS256" {
		return c, errBadToken
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return c, errBadToken
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, m.Sum(nil)) {
		return c, errBadToken
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil {
		return c, errBadToken
	}
	if err := json.Unmarshal(pb, &c); err != nil {
		return c, errBadToken
	}
	return c, nil
}
