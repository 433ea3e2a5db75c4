package somos

import (
	"fmt"
	"strings"

	"github.com/telecomsim/simulator/internal/scenario"
)

// registrySection is what the TFNRegistry's configured scenario section
// answers when a scenario is checked.
type registrySection interface {
	NumberCount() int
	HasNumber(tfn string) bool
	KnowsRespOrg(respOrg string) bool
}

// CrossCheck implements provider.CrossChecker: when the scenario puts
// numbers in the registry, every Resp Org a user belongs to must control
// some of them, and every seeded CNAM record must be for a number the
// registry holds (otherwise it belongs to nobody).
func (p *Provider) CrossCheck(cfg any, sec scenario.Section, peers map[string]any) scenario.Problems {
	c, _ := cfg.(*Config)
	reg, ok := peers[p.registryName()].(registrySection)
	if c == nil || !ok || reg.NumberCount() == 0 {
		return nil
	}
	var ps scenario.Problems
	for i, u := range c.Users {
		ro := strings.ToUpper(u.RespOrg)
		if ro != "" && !reg.KnowsRespOrg(ro) {
			ps = append(ps, sec.At(fmt.Sprintf("users[%d].respOrg", i), fmt.Sprintf("unknown Resp Org %s: it controls no number or record in the tnregistry section", ro)))
		}
	}
	for i, r := range c.CNAM {
		if !reg.HasNumber(r.TFN) {
			ps = append(ps, sec.At(fmt.Sprintf("cnam[%d].tfn", i), fmt.Sprintf("%s is not in the tnregistry section, so no Resp Org owns it", r.TFN)))
		}
	}
	return ps
}

func (p *Provider) registryName() string { return p.opts.RegistrySection }
