package call48

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func xdrPage(t *testing.T, e *env, tok, from, to string) []map[string]any {
	t.Helper()
	q := url.Values{"from": {from}, "to": {to}, "page": {"1"}, "max": {"1000"}}
	d := dataOf(t, e.do("GET", "/api/v4/xdr?"+q.Encode(), tok, nil)).(map[string]any)
	var out []map[string]any
	for _, r := range d["xdr_list"].([]any) {
		out = append(out, r.(map[string]any))
	}
	require.EqualValues(t, len(out), d["total"])
	return out
}

// Calls are history: releasing the number keeps them, every call has the
// sample's two legs, and ids and per-call fields differ between calls.
func TestXDRsAreHistory(t *testing.T) {
	e := newEnv(t, "")
	e.advance(48 * time.Hour)
	tok := e.login("mark", "password")
	const from, to = "2026-01-05 09:00", "2026-01-07 09:00"
	before := xdrPage(t, e, tok, from, to)
	require.NotEmpty(t, before)
	require.Zero(t, len(before)%2)

	seen := map[string]map[any]bool{}
	for i := 0; i < len(before); i += 2 {
		acc, onnet := before[i], before[i+1]
		assert.Equal(t, acc["call_id"], onnet["call_id"], "two legs of one call")
		assert.Equal(t, acc["i_xdr"].(float64)-1, onnet["i_xdr"])
		assert.Equal(t, acc["h323_conf_id"], onnet["h323_incoming_conf_id"])
		assert.Equal(t, "ON-NET CALLING", onnet["description"])
		assert.EqualValues(t, 0, onnet["charged_amount"])
		if acc["CLD"] == acc["account_id"] {
			// inbound: the description and destination are the caller's
			assert.Equal(t, acc["CLI"].(string)[:4], acc["destination"])
		} else {
			assert.Equal(t, acc["CLI"], acc["account_id"], "outbound: the DID calls")
			assert.Equal(t, acc["CLD"].(string)[:4], acc["destination"])
		}
		for _, k := range []string{"call_id", "h323_conf_id", "setup_time", "i_rate", "i_xdr"} {
			if seen[k] == nil {
				seen[k] = map[any]bool{}
			}
			seen[k][acc[k]] = true
		}
	}
	calls := len(before) / 2
	if calls > 3 {
		for k, vals := range seen {
			assert.Greater(t, len(vals), 1, "%s varies between calls", k)
		}
		assert.Len(t, seen["call_id"], calls, "call ids are unique")
	}

	// release every DID: the calls stay
	dids := dataOf(t, e.do("GET", "/api/v4/dids", tok, nil)).([]any)
	var nums []string
	for _, d := range dids {
		nums = append(nums, d.(map[string]any)["did"].(string))
	}
	require.EqualValues(t, 200, e.do("DELETE", "/api/v4/dids", tok, map[string]any{"numbers": nums}).json(t)["code"])
	assert.Equal(t, before, xdrPage(t, e, tok, from, to), "a call never changes or disappears")
	e.advance(24 * time.Hour)
	tok = e.login("mark", "password")
	assert.Empty(t, xdrPage(t, e, tok, "2026-01-07 10:00", "2026-01-08 09:00"), "no calls after the release")
	assert.Equal(t, before, xdrPage(t, e, tok, from, to))
}
