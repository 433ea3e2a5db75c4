package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// call48Login logs in to Call48 in tenant tn and returns the token.
func call48Login(t *testing.T, base, tn string) string {
	t.Helper()
	resp, err := http.Post(base+"/t/"+tn+"/call48/api/v4/login", "application/json", strings.NewReader(`{"user_name":"mark","password":"password"}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	var out struct {
		Data struct{ Token string } `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	require.NotEmpty(t, out.Data.Token)
	return out.Data.Token
}

// call48Accepts reports whether Call48 takes the token in tenant tn.
func call48Accepts(t *testing.T, base, tn, token string) bool {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/t/"+tn+"/call48/api/v4/dids", nil)
	req.Header.Set("Authorization", token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var env struct {
		Code int `json:"code"`
	}
	_ = json.Unmarshal(b, &env)
	return resp.StatusCode == http.StatusOK && env.Code != http.StatusUnauthorized
}

// Signing keys are random per process: a token outlives a restart only
// when the tenant's state (and with it its keys) does, through --state-file.
func TestTokensSurviveRestartOnlyThroughTheStateFile(t *testing.T) {
	const tn = "ci-job"
	cases := []struct {
		name    string
		args    func(dir string) []string
		survive bool
	}{
		{"without a state file", func(string) []string { return nil }, false},
		{"with --state-file", func(dir string) []string { return []string{"--state-file", filepath.Join(dir, "state.json")} }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			base, stop, _ := startServe(t, c.args(dir)...)
			token := call48Login(t, base, tn)
			require.True(t, call48Accepts(t, base, tn, token))
			require.NoError(t, stop())

			base, stop, _ = startServe(t, c.args(dir)...)
			defer func() { require.NoError(t, stop()) }()
			assert.Equal(t, c.survive, call48Accepts(t, base, tn, token))
		})
	}
}
