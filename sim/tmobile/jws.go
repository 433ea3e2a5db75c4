package tmobile

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// RS256 tokens: PoP tokens are verified, and the access and refresh tokens
// the simulator issues are signed, with golang-jwt.

var b64 = base64.RawURLEncoding

// signRS256 signs claims (any JSON-encodable value) with the given header
// fields (alg is always RS256).
func signRS256(key *rsa.PrivateKey, header, claims any) (string, error) {
	var c jwt.MapClaims
	if err := roundTrip(claims, &c); err != nil {
		return "", err
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	var h map[string]any
	if err := roundTrip(header, &h); err != nil {
		return "", err
	}
	for k, v := range h {
		if k != "alg" {
			tok.Header[k] = v
		}
	}
	return tok.SignedString(key)
}

func roundTrip(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// errSignature marks a token whose signature does not verify.
var errSignature = errors.New("signature does not verify")

// verifyRS256 checks a compact JWS's RS256 signature with pub and returns
// its claims as JSON (numbers kept exactly as sent). Lifetimes are checked by
// the caller, against the wall clock.
func verifyRS256(token string, pub *rsa.PublicKey) ([]byte, error) {
	p := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation(), jwt.WithJSONNumber())
	claims := jwt.MapClaims{}
	if _, err := p.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return pub, nil }); err != nil {
		if errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			return nil, fmt.Errorf("%w: %v", errSignature, err)
		}
		return nil, err
	}
	return json.Marshal(claims)
}

// parsePublicKey reads an RSA public key from PEM: "PUBLIC KEY" (PKIX),
// "RSA PUBLIC KEY" (PKCS#1) or a certificate, of at least 2048 bits.
func parsePublicKey(pemText string) (*rsa.PublicKey, error) {
	rk, err := jwt.ParseRSAPublicKeyFromPEM([]byte(strings.TrimSpace(pemText)))
	if err != nil {
		return nil, fmt.Errorf("not an RSA public key in PEM (want -----BEGIN PUBLIC KEY-----): %w", err)
	}
	if rk.N.BitLen() < 2048 {
		return nil, fmt.Errorf("RSA key of %d bits is too short (at least 2048)", rk.N.BitLen())
	}
	return rk, nil
}

// parsePrivateKey reads an RSA private key from PEM (PKCS#8 or PKCS#1).
func parsePrivateKey(pemText []byte) (*rsa.PrivateKey, error) {
	return jwt.ParseRSAPrivateKeyFromPEM(pemText)
}
