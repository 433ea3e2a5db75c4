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

// signRS256 signs claims (any JSON-encodable value) under header, both
// encoded as given, so struct field order is the order on the wire (the
// document's sample tokens have kid, alg, typ and iss, aud, scope, client_id,
// usn, iat, exp, sub in that order).
func signRS256(key *rsa.PrivateKey, header, claims any) (string, error) {
	hb, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64.EncodeToString(hb) + "." + b64.EncodeToString(cb)
	sig, err := jwt.SigningMethodRS256.Sign(input, key)
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(sig), nil
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
