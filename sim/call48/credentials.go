package call48

import "github.com/telecomsim/simulator/internal/provider"

// Credentials implements provider.Credentialed: the scenario's logins.
func (p *Provider) Credentials(cfg any) []provider.Credential {
	c, _ := cfg.(*Config)
	if c == nil {
		return nil
	}
	var out []provider.Credential
	for _, a := range c.Accounts {
		label := "account " + a.Username
		if a.Parent != "" {
			label = "sub-customer " + a.Username + " of " + a.Parent
		}
		out = append(out, provider.Credential{Label: label, Values: map[string]string{"login": "POST /login", "user_name": a.Username, "password": a.Password}})
	}
	for _, a := range c.Admins {
		out = append(out, provider.Credential{Label: "SP admin " + a.Username, Values: map[string]string{"login": "POST /admin_login", "user_name": a.Username, "password": a.Password}})
	}
	return out
}
