package call48

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Numbers cost their monthly fee every month on the clock, and a CNAM
// record is charged when it is created.
func TestMonthlyFeesAndCnamCharge(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("acme", "acme-pass")
	require.EqualValues(t, 200, e.do("GET", "/api/v4/payment?amount=90.00", tok, nil).json(t)["code"])
	_, rows := searchLocal(t, e, tok, "state=NY&ratecenter=NWYRCYZN01&limit=100")
	require.NotEmpty(t, rows)
	row := rows[0]
	n := row["number"].(string)
	r := e.do("POST", "/api/v4/purchase", tok, map[string]any{"type": "local", "numbers": []map[string]any{{"npa": n[:3], "nxx": n[3:6], "xxxx": n[6:]}}})
	require.EqualValues(t, 200, r.json(t)["code"])
	monthly, err := ParseMoney(row["monthly"].(string))
	require.NoError(t, err)
	setup, _ := ParseMoney(row["setup"].(string))
	bal := func() Money { b, _ := e.store.Balance("acme"); return b }
	start := Money(100 * 100000)
	assert.Equal(t, start-setup, bal(), "the setup price at purchase")

	steps := []struct {
		by     time.Duration
		months Money
	}{
		{30 * 24 * time.Hour, 0}, // 2026-02-04: not yet a month
		{2 * 24 * time.Hour, 1},  // 2026-02-06: the first month
		{28 * 24 * time.Hour, 2}, // 2026-03-06
		{62 * 24 * time.Hour, 4}, // 2026-05-07: two more in one advance
	}
	for _, st := range steps {
		e.advance(st.by)
		assert.Equal(t, start-setup-st.months*monthly, bal(), "after %d months", st.months)
	}

	// releasing the number stops the fees
	tok = e.login("acme", "acme-pass")
	require.EqualValues(t, 200, e.do("DELETE", "/api/v4/dids", tok, map[string]any{"numbers": []string{n}}).json(t)["code"])
	before := bal()
	e.advance(90 * 24 * time.Hour)
	assert.Equal(t, before, bal())

	// CNAM: charged, and refused without the funds
	tok = e.login("mark", "password")
	mark := func() Money { b, _ := e.store.Balance("mark"); return b }
	m0 := mark()
	require.EqualValues(t, 200, e.do("POST", "/api/v4/did/create-cnam", tok, map[string]any{"did_id": 141, "display_name": "MARK"}).json(t)["code"])
	assert.Equal(t, m0-100000, mark(), "a CNAM record costs 1.00000")
	require.NoError(t, e.store.SetBalance("mark", 50000))
	m := e.do("POST", "/api/v4/did/create-cnam", tok, map[string]any{"did_id": 141, "display_name": "MARK"}).json(t)
	assert.EqualValues(t, 402, m["code"])
	assert.Equal(t, Money(50000), mark())
}
