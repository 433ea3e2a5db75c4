package somos

import (
	"encoding/json"
	"errors"

	"github.com/golang-jwt/jwt/v5"
	"github.com/telecomsim/simulator/internal/authn"
)

// The simulator's Cognito-like tokens are HS256 JWTs signed with a
// per-tenant secret (golang-jwt). Expiry is checked by the caller against
// the tenant clock, not the wall clock.

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
	var m jwt.MapClaims
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, m)
	tok.Header["kid"] = kid
	return tok.SignedString(secret)
}

// verified remembers tokens whose signature checked out (see authn.Memo).
var verified = authn.NewMemo[claims](10000)

// parseJWT checks the signature and returns the claims; expiry is the
// caller's business (it reads the tenant clock).
func parseJWT(secret []byte, tok string) (claims, error) {
	key := authn.Key(secret, tok)
	if c, ok := verified.Get(key); ok {
		return c, nil
	}
	var c claims
	p := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithoutClaimsValidation(), jwt.WithJSONNumber())
	m := jwt.MapClaims{}
	if _, err := p.ParseWithClaims(tok, m, func(*jwt.Token) (any, error) { return secret, nil }); err != nil {
		return c, errBadToken
	}
	b, err := json.Marshal(m)
	if err != nil {
		return c, errBadToken
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, errBadToken
	}
	verified.Put(key, c)
	return c, nil
}
