package tnregistry

import (
	"strings"

	"github.com/telecomsim/simulator/internal/provider"
)

// Credentials implements provider.Credentialed. The registry calls its
// subscribers rather than being called, so what a user needs to know is
// where the scenario's messages go.
func (p *Provider) Credentials(cfg any) []provider.Credential {
	c, _ := cfg.(*config)
	if c == nil {
		return nil
	}
	var out []provider.Credential
	for _, s := range c.subscriptions {
		label := "subscription CIC " + s.CIC
		if s.CIC == "" {
			label = "subscription Resp Org " + s.RespOrg
		}
		v := map[string]string{"url": s.URL}
		if name, ok := strings.CutPrefix(s.URL, "inbox://"); ok {
			v["inbox"] = "GET /__sim/inbox/" + name
		}
		out = append(out, provider.Credential{Label: label, Values: v})
	}
	return out
}
