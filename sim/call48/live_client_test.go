package call48

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// liveClient talks to the API the way the open-source integration recorded
// in the live-service facts does: form-encoded admin_login, the raw token in
// Authorization, an exception on any HTTP error status, both "code" and
// "error" required in every body, code 401 -> log in again and retry once.
type liveClient struct {
	t      *testing.T
	base   string
	user   string
	pass   string
	token  string
	logins int
}

// liveError is what the client raises for a body whose code is not 200.
type liveError struct {
	Code int
	Msg  string
}

func (e *liveError) Error() string { return fmt.Sprintf("call48 error %d: %s", e.Code, e.Msg) }

func (c *liveClient) login() error {
	form := url.Values{"user_name": {c.user}, "password": {c.pass}}
	res, err := http.Post(c.base+"/api/v4/admin_login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	body, err := c.parse(res)
	if err != nil {
		return err
	}
	var data struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(body["data"], &data); err != nil || data.Token == "" {
		return fmt.Errorf("login answered no token: %s", body["data"])
	}
	c.token = data.Token
	c.logins++
	return nil
}

// parse is the client's response handling: raise on an HTTP error status
// before reading the body, then require both keys.
func (c *liveClient) parse(res *http.Response) (map[string]json.RawMessage, error) {
	defer res.Body.Close()
	if res.StatusCode >= 400 {
		return nil, fmt.Errorf("HTTP %d", res.StatusCode)
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, fmt.Errorf("not JSON: %s", raw)
	}
	for _, k := range []string{"code", "error"} {
		if _, ok := body[k]; !ok {
			return nil, fmt.Errorf("KeyError %q in %s", k, raw)
		}
	}
	var code int
	if err := json.Unmarshal(body["code"], &code); err != nil {
		return nil, fmt.Errorf("code is not a number: %s", body["code"])
	}
	if code != 200 {
		var msg string
		_ = json.Unmarshal(body["error"], &msg)
		return body, &liveError{Code: code, Msg: msg}
	}
	return body, nil
}

// call sends a request with the token, logging in first when there is none
// and again (once) when the body says 401.
func (c *liveClient) call(method, path string, payload any) (map[string]json.RawMessage, error) {
	if c.token == "" {
		if err := c.login(); err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		var rd io.Reader
		if payload != nil {
			b, _ := json.Marshal(payload)
			rd = strings.NewReader(string(b))
		}
		req, err := http.NewRequest(method, c.base+path, rd)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", c.token)
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := c.parse(res)
		if le, is := err.(*liveError); is && le.Code == 401 && attempt == 0 {
			if err := c.login(); err != nil {
				return nil, err
			}
			continue
		}
		return body, err
	}
}

// searchRow is what the client keeps of a search row; monthly and setup
// must be on every row.
type searchRow struct {
	Number, NPA, NXX, XXXX, State, RateCenter string
	Monthly, Setup                            float64
}

var tenDigits = regexp.MustCompile(`^[0-9]{10}$`)

func (c *liveClient) search(state, rc string, limit int) ([]searchRow, error) {
	q := url.Values{"state": {state}, "ratecenter": {rc}, "type": {"local"}, "limit": {strconv.Itoa(limit)}}
	body, err := c.call("GET", "/api/v4/search?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	var data struct {
		Result []map[string]any `json:"result"`
	}
	if err := json.Unmarshal(body["data"], &data); err != nil {
		return nil, err
	}
	var rows []searchRow
	for _, r := range data.Result {
		row := searchRow{}
		for k, dst := range map[string]*string{"number": &row.Number, "npa": &row.NPA, "nxx": &row.NXX, "xxxx": &row.XXXX, "state": &row.State, "ratecenter": &row.RateCenter} {
			v, ok := r[k].(string)
			if !ok {
				return nil, fmt.Errorf("row without a string %q: %v", k, r)
			}
			*dst = v
		}
		for k, dst := range map[string]*float64{"monthly": &row.Monthly, "setup": &row.Setup} {
			v, ok := r[k].(string)
			if !ok {
				return nil, fmt.Errorf("KeyError %q in row %v", k, r)
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("%s %q is not a price", k, v)
			}
			*dst = f
		}
		if !tenDigits.MatchString(row.Number) {
			return nil, fmt.Errorf("number %q is not 10 digits: E.164 would be +1%s", row.Number, row.Number)
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Monthly != rows[j].Monthly {
			return rows[i].Monthly < rows[j].Monthly
		}
		return rows[i].Setup < rows[j].Setup
	})
	return rows, nil
}

func (c *liveClient) purchase(r searchRow) error {
	_, err := c.call("POST", "/api/v4/purchase", map[string]any{"type": "local", "numbers": []map[string]string{
		{"npa": r.NPA, "nxx": r.NXX, "xxxx": r.XXXX, "state": r.State, "ratecenter": r.RateCenter}}})
	return err
}

// defaultScenarioEnv runs the default scenario's call48 section.
func defaultScenarioEnv(t *testing.T) *env {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "scenarios", "default.yaml"))
	require.NoError(t, err)
	return newEnv(t, "version: 1\nseed: 42\nclock: {start: \"2026-01-05T09:00:00Z\", mode: frozen}\n"+extractSection(t, string(raw)))
}

func TestObservedLiveClientFlow(t *testing.T) {
	e := defaultScenarioEnv(t)
	c := &liveClient{t: t, base: e.srv.URL, user: "spadmin", pass: "password"}

	// admin_login, form-encoded
	require.NoError(t, c.login())
	claims, err := parseJWT([]byte(e.store.d.Secret), c.token)
	require.NoError(t, err)
	require.NotNil(t, claims.IsShadow)
	assert.False(t, *claims.IsShadow)
	assert.Equal(t, "spadmin", claims.AccountType)
	assert.EqualValues(t, 86400, claims.Exp-claims.Iat)

	// GET /states
	body, err := c.call("GET", "/api/v4/states", nil)
	require.NoError(t, err)
	var states []StateRow
	require.NoError(t, json.Unmarshal(body["data"], &states))
	ids := map[string]int{}
	for _, s := range states {
		ids[s.StateCode] = s.StateID
	}
	assert.Equal(t, 35, ids["NY"])
	assert.Equal(t, 25, ids["MI"])
	assert.Equal(t, 54, ids["DC"])
	assert.NotContains(t, ids, "PR")

	// GET /ratecenter?state=NY
	body, err = c.call("GET", "/api/v4/ratecenter?state=NY", nil)
	require.NoError(t, err)
	var rcs []struct {
		FootprintID int    `json:"footprint_id"`
		RateCenter  string `json:"rate_center"`
	}
	require.NoError(t, json.Unmarshal(body["data"], &rcs))
	var total int
	require.NoError(t, json.Unmarshal(body["total"], &total))
	assert.Equal(t, 729, total)
	assert.Len(t, rcs, total)
	assert.Contains(t, rcs, struct {
		FootprintID int    `json:"footprint_id"`
		RateCenter  string `json:"rate_center"`
	}{10055, "NWYRCYZN01"})
	assert.True(t, sort.SliceIsSorted(rcs, func(i, j int) bool { return rcs[i].RateCenter < rcs[j].RateCenter }), "sorted by name")

	// GET /search?state=NY&ratecenter=NWYRCYZN01&type=local&limit=100
	rows, err := c.search("NY", "NWYRCYZN01", 100)
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	for _, r := range rows {
		assert.Equal(t, "NWYRCYZN01", r.RateCenter)
		assert.Equal(t, "NY", r.State)
	}

	// POST /purchase with npa/nxx/xxxx/state/ratecenter only
	before, _ := e.store.Balance("spadmin")
	require.NoError(t, c.purchase(rows[0]))
	after, _ := e.store.Balance("spadmin")
	assert.Less(t, after, before, "the SP admin paid for it")
	var second *liveError
	require.ErrorAs(t, c.purchase(rows[0]), &second, "a number sells once")
	assert.Equal(t, 400, second.Code)

	// GET /dids lists it
	body, err = c.call("GET", "/api/v4/dids", nil)
	require.NoError(t, err)
	var dids []map[string]any
	require.NoError(t, json.Unmarshal(body["data"], &dids))
	var found bool
	for _, d := range dids {
		found = found || d["did"] == rows[0].Number
	}
	assert.True(t, found, "%s among the DIDs", rows[0].Number)
	again, err := c.search("NY", "NWYRCYZN01", 100)
	require.NoError(t, err)
	for _, r := range again {
		assert.NotEqual(t, rows[0].Number, r.Number, "a sold number is no longer offered")
	}
	assert.Equal(t, 1, c.logins)
}

func TestObservedLiveClientLogsInAgainWhenTheTokenExpires(t *testing.T) {
	e := defaultScenarioEnv(t)
	c := &liveClient{t: t, base: e.srv.URL, user: "spadmin", pass: "password"}
	_, err := c.call("GET", "/api/v4/states", nil)
	require.NoError(t, err)
	require.Equal(t, 1, c.logins)
	stale := c.token

	e.advance(24*time.Hour + time.Second)
	// the expired token answers HTTP 200 with code 401 in the body, so the
	// client reads it, logs in again and its retry succeeds
	r := e.do("GET", "/api/v4/states", stale, nil)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, map[string]any{"code": 401.0, "message": "Unauthorized Access", "error": "Unauthorized Access"}, r.json(t))
	rows, err := c.search("NY", "NWYRCYZN01", 100)
	require.NoError(t, err)
	assert.NotEmpty(t, rows)
	assert.Equal(t, 2, c.logins, "one more login")
	assert.NotEqual(t, stale, c.token)

	// a client that does not log in again keeps failing with code 401
	c2 := &liveClient{t: t, base: e.srv.URL, user: "spadmin", pass: "wrong"}
	c2.token = stale
	_, err = c2.call("GET", "/api/v4/states", nil)
	var le *liveError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 400, le.Code, "the retry's login is refused in the body")
	assert.Equal(t, "Invalid credentials", le.Msg)
}
