package flowroute

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// scanDuplicate is the duplicate check by scanning the account, as it was
// before the live counts: the reference the counts must agree with.
func scanDuplicate(s *State, account, value string, except int64) bool {
	for _, c := range s.order[account] {
		if c.ID != except && c.Value == value && c.Rejection == nil {
			return true
		}
	}
	return false
}

// TestLiveCountsAgreeWithScan runs a seeded random mix of creates,
// updates, deletes, decisions (approvals and rejections, by hand and by the
// clock) and export/import, and after each step compares the duplicate
// check with a scan of the account for every value and record in play.
func TestLiveCountsAgreeWithScan(t *testing.T) {
	s, c := newTestState(t)
	rng := rand.New(rand.NewPCG(7, 11))
	accounts := []string{"ka", "kb"}
	// short values, so duplicates are frequent; a long one is rejected by
	// the approval rules when its time comes
	values := []string{"ACME", "BETA", "GAMMA", "ACME LABS", strings.Repeat("X", 20)}
	var ids []int64
	check := func(step int) {
		t.Helper()
		for _, acct := range accounts {
			for _, v := range values {
				for _, except := range append([]int64{0}, ids...) {
					require.Equal(t, scanDuplicate(s, acct, v, except), s.duplicateLocked(acct, v, except),
						"step %d: account %s value %q except %d", step, acct, v, except)
				}
			}
		}
	}
	for step := range 400 {
		acct := accounts[rng.IntN(len(accounts))]
		v := values[rng.IntN(len(values))]
		switch op := rng.IntN(10); {
		case op < 4:
			if got, err := s.CreateCNAM(acct, v); err == nil {
				ids = append(ids, got.ID)
			}
		case op < 6 && len(ids) > 0:
			_, _ = s.UpdateCNAM(acct, ids[rng.IntN(len(ids))], v)
		case op < 7 && len(ids) > 0:
			_ = s.DeleteCNAM(acct, ids[rng.IntN(len(ids))])
		case op < 8 && len(ids) > 0:
			_, _ = s.Decide(ids[rng.IntN(len(ids))], rng.IntN(2) == 0, "")
		case op < 9:
			_, err := c.Advance(time.Duration(rng.IntN(5)) * time.Hour)
			require.NoError(t, err)
		default:
			raw, err := json.Marshal(s.Export())
			require.NoError(t, err)
			require.NoError(t, s.Import(raw))
		}
		s.mu.RLock()
		check(step)
		s.mu.RUnlock()
	}
}
