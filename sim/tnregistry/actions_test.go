package tnregistry_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

const eventsWorld = `
version: 1
clock: {start: "2026-03-02T08:00:00Z", mode: frozen}
tnregistry:
  numbers:
    list:
      - {tfn: "8005550100", status: WORKING, respOrg: BRSMS}
      - {tfn: "8005550101", status: SPARE}
  records:
    - tfn: "8005550100"
      respOrg: BRSMS
      interLATACarrier: ["0288"]
      intraLATACarrier: ["0288"]
  subscriptions:
    - {cic: "0222", url: "inbox://events"}
events:
  - {at: "+5m", provider: tnregistry, action: change, tfn: "8005550100", change: cic-addition, cic: "0222"}
  - {at: "+10m", provider: tnregistry, action: set-number, tfn: "800-555-0101", status: RESERVED, respOrg: ZATST}
  - {at: "+15m", provider: tnregistry, action: change, tfn: "8005550100", change: resp-org-change, respOrg: ZATST}
  - {at: "+20m", provider: tnregistry, action: change, tfn: "8005550199", change: cic-deletion, cic: "0222"}
`

type record struct {
	TFN              string   `json:"tfn"`
	RespOrg          string   `json:"respOrg"`
	InterLATACarrier []string `json:"interLATACarrier"`
	LastChange       string   `json:"lastChange"`
}

type number struct {
	TFN     string `json:"tfn"`
	Status  string `json:"status"`
	RespOrg string `json:"respOrg"`
}

func TestScheduledChangesRunOnTheTenantClock(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Scenario(eventsWorld))

	var rec record
	srv.Control("GET", "/tnregistry/records/8005550100", nil, http.StatusOK, &rec)
	require.Equal(t, []string{"0288"}, rec.InterLATACarrier)

	srv.Advance(5 * time.Minute)
	srv.Control("GET", "/tnregistry/records/8005550100", nil, http.StatusOK, &rec)
	assert.ElementsMatch(t, []string{"0288", "0222"}, rec.InterLATACarrier, "the cic-addition ran at +5m")
	var inbox struct {
		Messages []struct {
			Type string `json:"type"`
		} `json:"messages"`
	}
	srv.Control("GET", "/inbox/events", nil, http.StatusOK, &inbox)
	require.Len(t, inbox.Messages, 1, "carrier 0222's subscription got the UNS-SNA")

	var n number
	srv.Control("GET", "/tnregistry/numbers/8005550101", nil, http.StatusOK, &n)
	assert.Equal(t, "SPARE", n.Status, "set-number has not run yet")
	srv.Advance(5 * time.Minute)
	srv.Control("GET", "/tnregistry/numbers/8005550101", nil, http.StatusOK, &n)
	assert.Equal(t, number{TFN: "8005550101", Status: "RESERVED", RespOrg: "ZATST"}, n)

	srv.Advance(10 * time.Minute)
	srv.Control("GET", "/tnregistry/records/8005550100", nil, http.StatusOK, &rec)
	assert.Equal(t, "ZATST", rec.RespOrg)
	srv.Control("GET", "/tnregistry/numbers/8005550100", nil, http.StatusOK, &n)
	assert.Equal(t, "ZATST", n.RespOrg, "a Resp Org change moves the number too")

	evs := srv.Events()
	require.Len(t, evs, 4)
	for _, ev := range evs[:3] {
		assert.Equal(t, "done", ev.Status, "event %d", ev.ID)
	}
	assert.Equal(t, "failed", evs[3].Status, "a change to a number with no record is refused when it runs")
	assert.NotEmpty(t, evs[3].Error)
	assert.Equal(t, "8005550100", evs[0].Event.Args["tfn"])
}

func TestActionArgumentsAreCheckedAtLoad(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	cases := []struct {
		name, event string
		at          string // the text the problem points at
		path, msg   string
	}{
		{"unknown key", `{at: "+1m", provider: tnregistry, action: change, tfn: "8005550100", change: cic-addition, cic: "0222", cics: "x"}`,
			"cics:", "events[0].cics", `unknown field (did you mean "cic"?)`},
		{"bad tfn", `{at: "+1m", provider: tnregistry, action: change, tfn: "2065550100", change: cic-addition, cic: "0222"}`,
			`"2065550100"`, "events[0].tfn", ""},
		{"missing tfn", `{at: "+1m", provider: tnregistry, action: change, change: cic-addition, cic: "0222"}`,
			"{", "events[0].tfn", "required: the toll-free number whose record changes"},
		{"bad kind", `{at: "+1m", provider: tnregistry, action: change, tfn: "8005550100", change: cic-add}`,
			"cic-add}", "events[0].change", ""},
		{"kind needs cic", `{at: "+1m", provider: tnregistry, action: change, tfn: "8005550100", change: cic-deletion}`,
			"{", "events[0].cic", "required: cic-deletion needs the carrier's cic"},
		{"kind with spaces", `{at: "+1m", provider: tnregistry, action: change, tfn: "8005550100", change: " cic-deletion "}`,
			"{", "events[0].cic", "required: cic-deletion needs the carrier's cic"},
		{"bad lata", `{at: "+1m", provider: tnregistry, action: change, tfn: "8005550100", change: cic-addition, cic: "0222", lata: up}`,
			"up}", "events[0].lata", `want "inter", "intra" or "both"`},
		{"bad status", `{at: "+1m", provider: tnregistry, action: set-number, tfn: "8005550100", status: LIVE}`,
			"LIVE", "events[0].status", ""},
		{"nothing to set", `{at: "+1m", provider: tnregistry, action: set-number, tfn: "8005550100"}`,
			"{", "events[0].status", "give status, respOrg or both"},
		{"bad resp org", `{at: "+1m", provider: tnregistry, action: set-number, tfn: "8005550100", respOrg: "B"}`,
			`"B"`, "events[0].respOrg", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			problems := srv.ScenarioProblems("version: 1\nevents:\n  - " + c.event + "\n")
			require.Len(t, problems, 1, "%+v", problems)
			p := problems[0]
			assert.Equal(t, c.path, p.Path)
			assert.Equal(t, 3, p.Line)
			assert.Equal(t, len("  - ")+strings.Index(c.event, c.at)+1, p.Col)
			if c.msg != "" {
				assert.Equal(t, c.msg, p.Msg)
			} else {
				assert.NotEmpty(t, p.Msg)
			}
		})
	}
}
