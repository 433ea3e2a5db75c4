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

// An international number whose offer has requirements waits for its
// documents: no calls and no fee until they are received.
func TestIntlRequirementsHoldTheNumber(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	var offer map[string]any
	for _, c := range fx.Countries {
		if c.Req == "" || len(c.Cities) == 0 {
			continue
		}
		r := e.do("GET", "/api/v4/search?type=intl&country="+c.Code, tok, nil).json(t)
		if rows, _ := r["data"].([]any); len(rows) > 0 {
			offer = rows[0].(map[string]any)
			break
		}
	}
	require.NotNil(t, offer, "an offer with requirements")
	require.Equal(t, true, offer["requirements"])
	buy := map[string]any{"type": "intl", "numbers": []map[string]any{{"id": offer["id"], "quantity": 1, "loc": offer["intl_data"]}}}
	require.EqualValues(t, 200, e.do("POST", "/api/v4/purchase", tok, buy).json(t)["code"])
	var pending DID
	for _, d := range e.store.d.DIDs {
		if d.Kind == KindIntl {
			pending = *d
		}
	}
	require.Equal(t, StatusPending, pending.Status)
	assert.True(t, pending.NextBill.IsZero(), "no fee while pending")
	bal, _ := e.store.Balance("mark")

	e.advance(40 * 24 * time.Hour)
	tok = e.login("mark", "password")
	after, _ := e.store.Balance("mark")
	local := Money(0)
	for _, d := range e.store.d.DIDs {
		if d.Kind != KindIntl {
			local += d.Monthly
		}
	}
	assert.Equal(t, bal-local, after, "only the other numbers were charged")
	x := dataOf(t, e.do("GET", "/api/v4/xdr?from=2026-01-05%2009:00&to=2026-02-04%2009:00&page=1&max=1000&customer=international", tok, nil)).(map[string]any)
	assert.EqualValues(t, 0, x["total"], "no calls while pending")

	r := e.do("POST", "/__sim/call48/dids/"+pending.Number+"/documents", "", nil)
	require.Equal(t, 200, r.Status, string(r.Body))
	assert.Equal(t, "USING", r.json(t)["status"])
	assert.Equal(t, 409, e.do("POST", "/__sim/call48/dids/"+pending.Number+"/documents", "", nil).Status, "already in service")
	assert.Equal(t, 404, e.do("POST", "/__sim/call48/dids/0000000/documents", "", nil).Status)
	d := e.store.d.DIDs[pending.ID]
	assert.False(t, d.NextBill.IsZero(), "billed from now on")
	e.advance(3 * 24 * time.Hour)
	tok = e.login("mark", "password")
	x = dataOf(t, e.do("GET", "/api/v4/xdr?from=2026-02-14%2009:00&to=2026-02-17%2009:00&page=1&max=1000&customer=international", tok, nil)).(map[string]any)
	assert.Positive(t, x["total"], "calls once in service")
}
