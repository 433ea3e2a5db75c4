// Command tmobile-popbuild prints a T-Mobile PoP token (X-Authorization) for
// one request, built the way T-Mobile's public PoP builders build it: the
// names of the signed items joined by ';' (ehts), the base64url SHA-256 of
// their values concatenated in that order (edts), v "1", iat, exp = iat+120,
// a fresh jti, RS256 with the partner's PKCS#8 private key.
//
//	go run ./examples/tmobile-popbuild -key fixtures/tmobile/demo-client-key.pem \
//	    -method GET -uri /tmobile/account/status -header "Authorization: Bearer $ACCESS"
//
// -uri is the path plus query exactly as the request line will carry it
// (with any /t/<tenant> and /tmobile prefix). Repeat -header for each header
// to sign; -body signs a body (pass the exact bytes you send).
package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/telecomsim/simulator/internal/clock"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tmobile-popbuild:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("tmobile-popbuild", flag.ContinueOnError)
	keyFile := fs.String("key", "fixtures/tmobile/demo-client-key.pem", "PKCS#8 PEM private key")
	method := fs.String("method", "GET", "HTTP method")
	uri := fs.String("uri", "", "path plus query, exactly as sent (required)")
	body := fs.String("body", "", "request body to sign (omit when there is none)")
	lifetime := fs.Int("lifetime", 120, "seconds between iat and exp")
	var hs headers
	fs.Var(&hs, "header", `a header to sign, "Name: value" (repeatable, signed in order)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *uri == "" {
		return errors.New("-uri is required")
	}
	pemBytes, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "PRIVATE KEY" {
		return errors.New("the key must be a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return err
	}
	key, ok := k.(*rsa.PrivateKey)
	if !ok {
		return errors.New("not an RSA key")
	}

	var names []string
	var values strings.Builder
	for _, h := range hs {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return fmt.Errorf("-header %q: want \"Name: value\"", h)
		}
		names = append(names, strings.TrimSpace(name))
		values.WriteString(strings.TrimSpace(value))
	}
	names = append(names, "uri", "http-method")
	values.WriteString(*uri + strings.ToUpper(*method))
	if *body != "" {
		names = append(names, "body")
		values.WriteString(*body)
	}
	sum := sha256.Sum256([]byte(values.String()))
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return err
	}
	iat := clock.Wall().Unix()
	claims, _ := json.Marshal(map[string]any{
		"v": "1", "edts": base64.RawURLEncoding.EncodeToString(sum[:]), "ehts": strings.Join(names, ";"),
		"iat": iat, "exp": iat + int64(*lifetime), "jti": hex.EncodeToString(jti),
	})
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(claims)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return err
	}
	fmt.Println(input + "." + base64.RawURLEncoding.EncodeToString(sig))
	return nil
}
