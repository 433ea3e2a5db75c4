package somos

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/scenario"
)

func TestDefaultScenarioSection(t *testing.T) {
	data, err := os.ReadFile("../../scenarios/default.yaml")
	require.NoError(t, err)
	sc, err := scenario.Parse("default.yaml", data, []string{"flowroute", "tnregistry", Name, "call48", "tmobile"}, nil)
	require.NoError(t, err)
	cfg, err := New(Options{}).Configure(sc.Sections[Name], sc)
	require.NoError(t, err)
	c := cfg.(*Config)
	want := map[string]string{
		"admin@somos.example": "demo-refresh-admin", "admin@br.example": "demo-refresh-br-admin",
		"user@br.example": "demo-refresh-br-user", "user@za.example": "demo-refresh-za-user",
	}
	require.Len(t, c.Users, len(want))
	for _, u := range c.Users {
		assert.Equal(t, []string{want[u.Email]}, u.RefreshTokens, u.Email)
	}
}

func TestConfigureProblems(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"\n  users: [{email: x, role: Admin}]", "users[0].email"},
		{"\n  users: [{email: a@b.c, role: Boss}]", "users[0].role"},
		{"\n  users: [{email: a@b.c, role: RespOrgUser, respOrg: AB}]", "users[0].respOrg"},
		{"\n  users: [{email: a@b.c, role: Admin, refreshTokens: [t]}, {email: d@b.c, role: Admin, refreshTokens: [t]}]", "duplicate refresh token"},
		{"\n  partnerPropagation: -1m", "partnerPropagation"},
		{"\n  partnerFailures: [\"123\"]", "partnerFailures[0]"},
		{"\n  cnam: [{tfn: \"8339900238\", respOrg: BRSMS, cnam: \"\"}]", "cnam is required"},
		{"\n  bogus: 1", "unknown field"},
	} {
		src := "version: 1\nsomos:" + tc.yaml
		sc, err := scenario.Parse("t.yaml", []byte(src), []string{Name}, nil)
		require.NoError(t, err)
		_, err = New(Options{}).Configure(sc.Sections[Name], sc)
		require.Error(t, err, tc.yaml)
		assert.Contains(t, err.Error(), tc.want)
	}
}
