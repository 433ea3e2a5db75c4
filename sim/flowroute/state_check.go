package flowroute

import (
	"fmt"

	"github.com/telecomsim/simulator/internal/tenant"
)

// check finds what in an imported state would not hold together: a record
// or a number of an account that is not there, a number whose caller ID is
// a record that is not there.
func (snap *snapshot) check() tenant.Problems {
	var ps tenant.Problems
	accounts := map[string]bool{}
	for _, a := range snap.Accounts {
		accounts[a.AccessKey] = true
	}
	cnams := map[int64]bool{}
	for i, c := range snap.CNAMs {
		cnams[c.ID] = true
		if !accounts[c.Account] {
			ps.Add(fmt.Sprintf("cnams[%d].account", i), "account %q does not exist", c.Account)
		}
	}
	for i, n := range snap.Numbers {
		if !accounts[n.Account] {
			ps.Add(fmt.Sprintf("numbers[%d].account", i), "account %q does not exist", n.Account)
		}
		if n.CNAM != 0 && !cnams[n.CNAM] {
			ps.Add(fmt.Sprintf("numbers[%d].cnam", i), "CNAM record %d does not exist", n.CNAM)
		}
	}
	return ps
}
