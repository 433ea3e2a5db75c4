package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The printed token verifies with the demo public key and carries the npm
// builder's claims: ehts in flag order, edts over the concatenated values.
func TestRunBuildsBuilderToken(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-key", "../../fixtures/tmobile/demo-client-key.pem", "-method", "delete",
		"-uri", "/tmobile/account/unlink?client_id=demo-client", "-header", "Authorization: Bearer abc", "-body", "{}"}, &out)
	require.NoError(t, err)

	pubPEM, err := os.ReadFile("../../fixtures/tmobile/demo-client-pub.pem")
	require.NoError(t, err)
	pub, err := jwt.ParseRSAPublicKeyFromPEM(pubPEM)
	require.NoError(t, err)
	claims := jwt.MapClaims{}
	tok, err := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithJSONNumber()).
		ParseWithClaims(strings.TrimSpace(out.String()), claims, func(*jwt.Token) (any, error) { return pub, nil })
	require.NoError(t, err)
	assert.Equal(t, "JWT", tok.Header["typ"])

	sum := sha256.Sum256([]byte("Bearer abc" + "/tmobile/account/unlink?client_id=demo-client" + "DELETE" + "{}"))
	assert.Equal(t, "Authorization;uri;http-method;body", claims["ehts"])
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(sum[:]), claims["edts"])
	assert.Equal(t, json.Number("1"), claims["v"])
	iat, _ := claims["iat"].(json.Number).Int64()
	exp, _ := claims["exp"].(json.Number).Int64()
	assert.Equal(t, int64(120), exp-iat)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, claims["jti"])
}

func TestRunNeedsURI(t *testing.T) {
	assert.Error(t, run([]string{"-key", "../../fixtures/tmobile/demo-client-key.pem"}, &bytes.Buffer{}))
}
