package tmobile

import (
	"fmt"

	"github.com/telecomsim/simulator/internal/tenant"
)

// check finds what in an imported state would not hold together: a link to
// a line that is not there, a token of a link that is not there.
func (snap *snapshot) check() tenant.Problems {
	var ps tenant.Problems
	lines := map[string]bool{}
	for _, l := range snap.Lines {
		lines[l.MSISDN] = true
	}
	links := map[string]bool{}
	for i, l := range snap.Links {
		links[l.ID] = true
		if !lines[l.MSISDN] {
			ps.Add(fmt.Sprintf("links[%d].msisdn", i), "line %s does not exist", l.MSISDN)
		}
	}
	for i, t := range snap.Tokens {
		if !links[t.LinkID] {
			ps.Add(fmt.Sprintf("tokens[%d].linkId", i), "link %s does not exist", t.LinkID)
		}
	}
	return ps
}
