package somos

import (
	"strings"

	"github.com/telecomsim/simulator/internal/provider"
)

// Credentials implements provider.Credentialed: each user's fixed refresh
// tokens, which POST /public/apitoken exchanges for an IdToken.
func (p *Provider) Credentials(cfg any) []provider.Credential {
	c, _ := cfg.(*Config)
	if c == nil {
		return nil
	}
	var out []provider.Credential
	for _, u := range c.Users {
		if len(u.RefreshTokens) == 0 {
			continue
		}
		label := "user " + u.Email + " (" + u.Role
		if u.RespOrg != "" {
			label += " " + strings.ToUpper(u.RespOrg)
		}
		out = append(out, provider.Credential{Label: label + ")", Values: map[string]string{"refreshToken": strings.Join(u.RefreshTokens, " ")}})
	}
	return out
}
