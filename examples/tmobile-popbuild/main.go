// Command tmobile-popbuild prints a T-Mobile PoP token (X-Authorization) for
// one request, built the way npm tmo-poptoken-builder builds it: the names of
// the signed items joined by ';' (ehts), the base64url (unpadded) SHA-256 of
// their values concatenated in that order with no separator (edts), v 1,
// iat, exp = iat+120, a fresh GUID jti, RS256 with header
// {"alg":"RS256","typ":"JWT"} and the partner's PKCS#8 private key.
//
//	go run ./examples/tmobile-popbuild -key fixtures/tmobile/demo-client-key.pem \
//	    -method GET -uri /tmobile/account/status -header "Authorization: Bearer $ACCESS"
//
// -uri is the path plus query of the request (with any /t/<tenant> and
// /tmobile prefix), either exactly as the request line will carry it or with
// the query decoded, as T-Mobile's guides show it. Repeat -header for each
// header to sign; -body signs a body (pass the exact bytes you send).
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
	"io"
	"os"
	"strings"

	"github.com/telecomsim/simulator/internal/clock"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tmobile-popbuild:", err)
		os.Exit(2)
	}
}

func run(args []string, out io.Writer) error {
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
	g := hex.EncodeToString(jti)
	claims, _ := json.Marshal(struct {
		V    int    `json:"v"`
		Edts string `json:"edts"`
		Exp  int64  `json:"exp"`
		Ehts string `json:"ehts"`
		Iat  int64  `json:"iat"`
		Jti  string `json:"jti"`
	}{1, base64.RawURLEncoding.EncodeToString(sum[:]), iat + int64(*lifetime), strings.Join(names, ";"), iat,
		g[:8] + "-" + g[8:12] + "-" + g[12:16] + "-" + g[16:20] + "-" + g[20:]})
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(claims)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, input+"."+base64.RawURLEncoding.EncodeToString(sig))
	return err
}
