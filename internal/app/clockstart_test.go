package app_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/scenario"
)

// TestClockStartNow: with the start at the wall clock, a tenant's clock,
// the records it creates, its scheduled events and the HTTP Date header all
// agree with the wall clock, and so does a tenant created later or reset.
func TestClockStartNow(t *testing.T) {
	t.Parallel()
	sc, err := app.DefaultScenario()
	require.NoError(t, err)
	require.False(t, sc.Clock.From.FromNow, "the default scenario keeps its fixed date")
	for _, tt := range []struct {
		name   string
		start  string
		offset time.Duration
	}{
		{"now", "now", 0},
		{"two hours ago", "now-2h", -2 * time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cs, err := scenario.ParseClockStart(tt.start)
			require.NoError(t, err)
			a, err := app.New(app.Config{Scenario: sc, ClockStart: &cs, Version: "v9.9.9-test"})
			require.NoError(t, err)
			t.Cleanup(a.Close)
			srv := httptest.NewServer(a.Handler())
			t.Cleanup(srv.Close)
			do := func(method, path, tenant, body string) (*http.Response, []byte) {
				req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
				require.NoError(t, err)
				req.SetBasicAuth("demo-access-key", "demo-secret-key")
				req.Header.Set("Content-Type", "application/json")
				if tenant != "" {
					req.Header.Set("X-Sim-Tenant", tenant)
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				return resp, b
			}
			// Generous: the machine may be loaded, but a fixed 2026-01-05
			// start would be months away.
			const slack = time.Minute
			clockNow := func(tenant string) time.Time {
				_, b := do("GET", "/__sim/clock", tenant, "")
				var c struct{ Now time.Time }
				require.NoError(t, json.Unmarshal(b, &c), string(b))
				return c.Now
			}
			for _, tenant := range []string{"", "later-tenant"} {
				want := time.Now().Add(tt.offset)
				assert.WithinDuration(t, want, clockNow(tenant), slack, "tenant %q", tenant)

				resp, b := do("POST", "/flowroute/v2/cnams", tenant, `{"value":"Clock Check"}`)
				require.Equal(t, http.StatusCreated, resp.StatusCode, string(b))
				var rec struct {
					Data struct {
						Attributes struct {
							CreationDatetime string `json:"creation_datetime"`
						}
					}
				}
				require.NoError(t, json.Unmarshal(b, &rec), string(b))
				created, err := time.Parse("2006-01-02 15:04:05.999999-07:00", rec.Data.Attributes.CreationDatetime) // Flowroute's format
				require.NoError(t, err, string(b))
				assert.WithinDuration(t, want, created, slack)
				if tt.offset == 0 {
					date, err := http.ParseTime(resp.Header.Get("Date"))
					require.NoError(t, err)
					assert.WithinDuration(t, date, created, slack, "the Date header agrees with the record")
				}

				// A Somos IdToken's exp is an hour after the tenant's now, so a
				// client that checks exp against its own clock accepts it.
				resp, b = do("POST", "/somos/public/apitoken", tenant, `{"refreshToken":"demo-refresh-admin"}`)
				require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
				var tok struct {
					Data struct{ AuthenticationResult struct{ IdToken string } }
				}
				require.NoError(t, json.Unmarshal(b, &tok), string(b))
				parts := strings.Split(tok.Data.AuthenticationResult.IdToken, ".")
				require.Len(t, parts, 3)
				payload, err := base64.RawURLEncoding.DecodeString(parts[1])
				require.NoError(t, err)
				var claims struct{ Exp int64 }
				require.NoError(t, json.Unmarshal(payload, &claims))
				assert.WithinDuration(t, want.Add(time.Hour), time.Unix(claims.Exp, 0), slack, "token exp")

				// The default scenario approves ACME WIDGETS at +3h: from this
				// tenant's start, not from 2026-01-05.
				_, b = do("GET", "/__sim/events", tenant, "")
				var evs struct {
					Events []struct{ Due time.Time }
				}
				require.NoError(t, json.Unmarshal(b, &evs), string(b))
				require.NotEmpty(t, evs.Events, string(b))
				assert.WithinDuration(t, want.Add(3*time.Hour), evs.Events[0].Due, 2*time.Hour+slack, "events are placed from the tenant's start")
			}

			resp, b := do("POST", "/__sim/reset", "", `{"mode":"frozen"}`)
			require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
			now := clockNow("")
			assert.WithinDuration(t, time.Now().Add(tt.offset), now, slack, "reset starts again from the wall clock")
			_, b = do("GET", "/__sim/scenario", "", "")
			var got struct{ Clock struct{ Start time.Time } }
			require.NoError(t, json.Unmarshal(b, &got), string(b))
			assert.Equal(t, now, got.Clock.Start, "the scenario shows the start this tenant got (frozen: the clock stands there)")

			_, b = do("GET", "/__sim/health", "", "")
			assert.JSONEq(t, `{"status":"ok","version":"v9.9.9-test"}`, string(b))
		})
	}
}
