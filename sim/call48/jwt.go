package call48

import (
	"errors"

	"github.com/golang-jwt/jwt/v5"
	"github.com/telecomsim/simulator/internal/authn"
)

// claims are the token claims of the real API, in its order (a struct keeps
// the order when encoded).
type claims struct {
	UserID      int    `json:"userId"`
	UUID        string `json:"uuid"`
	UserType    string `json:"userType"`
	AccountType string `json:"accountType"`
	IsShadow    *bool  `json:"is_shadow,omitempty"` // SP admin tokens: false (a shadow login acts as another user)
	Iat         int64  `json:"iat"`
	Exp         int64  `json:"exp"`
}

// claims implements jwt.Claims; expiry is checked by the caller against the
// tenant clock, so the parser does not validate these.
func (c *claims) GetExpirationTime() (*jwt.NumericDate, error) { return nil, nil }
func (c *claims) GetIssuedAt() (*jwt.NumericDate, error)       { return nil, nil }
func (c *claims) GetNotBefore() (*jwt.NumericDate, error)      { return nil, nil }
func (c *claims) GetIssuer() (string, error)                   { return "", nil }
func (c *claims) GetSubject() (string, error)                  { return "", nil }
func (c *claims) GetAudience() (jwt.ClaimStrings, error)       { return nil, nil }

// signJWT returns an HS512 JWT of c.
func signJWT(secret []byte, c claims) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS512, &c).SignedString(secret)
	if err != nil {
		// HMAC signing with a []byte key cannot fail.
		panic(err)
	}
	return s
}

// verified remembers tokens whose signature checked out (see authn.Memo).
var verified = authn.NewMemo[claims](10000)

// parseJWT verifies the signature and algorithm of an HS512 token and
// returns its claims (expiry is checked by the caller on the tenant clock).
func parseJWT(secret []byte, tok string) (claims, error) {
	key := authn.Key(secret, tok)
	if c, ok := verified.Get(key); ok {
		return c, nil
	}
	var c claims
	p := jwt.NewParser(jwt.WithValidMethods([]string{"HS512"}), jwt.WithoutClaimsValidation())
	if _, err := p.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) { return secret, nil }); err != nil {
		return claims{}, errors.New("invalid token: " + err.Error())
	}
	verified.Put(key, c)
	return c, nil
}
