package somos

import (
	"fmt"
	"strings"

	"github.com/telecomsim/simulator/internal/tenant"
)

// check finds what in an imported state would not hold together: a refresh
// token of a user who is not there, a null user or record.
func (snap *snapshot) check() tenant.Problems {
	var ps tenant.Problems
	users := map[string]bool{}
	for i, u := range snap.Users {
		if u == nil {
			ps.Add(fmt.Sprintf("users[%d]", i), "null")
			continue
		}
		users[strings.ToLower(u.Email)] = true
	}
	for i, t := range snap.RefreshTokens {
		if t == nil {
			ps.Add(fmt.Sprintf("refreshTokens[%d]", i), "null")
		} else if !users[strings.ToLower(t.Email)] {
			ps.Add(fmt.Sprintf("refreshTokens[%d].email", i), "user %s does not exist", t.Email)
		}
	}
	for i, r := range snap.Records {
		if r == nil {
			ps.Add(fmt.Sprintf("records[%d]", i), "null")
		}
	}
	return ps
}
