package tmobile

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// A compact RS256 JWS, enough for PoP tokens (verified) and the access and
// refresh tokens the simulator issues (signed).

var b64 = base64.RawURLEncoding

// signRS256 returns header.claims.signature with both parts JSON-encoded.
func signRS256(key *rsa.PrivateKey, header, claims any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// jws is a parsed, not yet verified, compact JWS.
type jws struct {
	Header struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	Payload []byte
	input   string
	sig     []byte
}

// parseJWS splits and decodes a compact JWS without verifying it.
func parseJWS(token string) (*jws, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWS: want three dot-separated parts")
	}
	hb, err := decodeSegment(parts[0])
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	var j jws
	if err := json.Unmarshal(hb, &j.Header); err != nil {
		return nil, fmt.Errorf("header is not a JSON object: %w", err)
	}
	if j.Payload, err = decodeSegment(parts[1]); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	if j.sig, err = decodeSegment(parts[2]); err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	j.input = parts[0] + "." + parts[1]
	return &j, nil
}

// decodeSegment reads base64url, tolerating padding.
func decodeSegment(s string) ([]byte, error) {
	return b64.DecodeString(strings.TrimRight(s, "="))
}

// verifyRS256 checks the signature with pub.
func (j *jws) verifyRS256(pub *rsa.PublicKey) error {
	if j.Header.Alg != "RS256" {
		return fmt.Errorf("alg %q is not RS256", j.Header.Alg)
	}
	sum := sha256.Sum256([]byte(j.input))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], j.sig)
}

// parsePublicKey reads an RSA public key from PEM: "PUBLIC KEY" (PKIX),
// "RSA PUBLIC KEY" (PKCS#1) or a certificate.
func parsePublicKey(pemText string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(pemText)))
	if block == nil {
		return nil, errors.New("not a PEM block (want -----BEGIN PUBLIC KEY-----)")
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	default:
		return nil, fmt.Errorf("PEM block %q is not a public key", block.Type)
	}
	if err != nil {
		return nil, err
	}
	rk, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA key (PoP tokens are RS256)")
	}
	if rk.N.BitLen() < 2048 {
		return nil, fmt.Errorf("RSA key of %d bits is too short (at least 2048)", rk.N.BitLen())
	}
	return rk, nil
}

// parsePrivateKey reads an RSA private key from PEM (PKCS#8 or PKCS#1).
func parsePrivateKey(pemText []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemText)
	if block == nil {
		return nil, errors.New("not a PEM block")
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("not an RSA key")
		}
		return rk, nil
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	}
	return nil, fmt.Errorf("PEM block %q is not a private key", block.Type)
}
