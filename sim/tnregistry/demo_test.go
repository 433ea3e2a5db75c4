package tnregistry_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

// The default scenario shows the registry's whole notification cycle in the
// demo inbox: reservation, a record needing approval, one carrier approving
// and one denying on the clock, the download with its UNS-CRA, a Resp Org
// change with UNS-RCH to both sides, an SCP audit and new automation limits.
func TestDefaultScenarioDemoCycle(t *testing.T) {
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	demo := srv.InboxNamed("demo")
	// Minute by minute, as a real-time clock would run: a message that
	// follows another about the same number within one advance is
	// attempted when the one before it has been.
	for i := 0; i < 4*60; i++ {
		srv.Advance(time.Minute)
	}
	var got []string
	for _, m := range demo.Messages() {
		var b map[string]any
		require.NoError(t, json.Unmarshal(m.Body, &b))
		who := ""
		keys := []string{"chgParam", "apprInf", "respOrgId"}
		if m.Type == "uns-cra" {
			keys = append(keys, "RespOrgId", "custRecStat")
		}
		for _, k := range keys {
			if v, ok := b[k].(string); ok && v != "" {
				who += " " + k + "=" + v
			}
		}
		if v, ok := b["cicCode"].(string); ok && m.Type != "uns-sna" && v != "" {
			who += " cic=" + v
		}
		got = append(got, m.ReceivedAt.UTC().Format("15:04")+" "+m.Type+who)
	}
	assert.Equal(t, []string{
		"09:05 uns-sna chgParam=01",
		"09:10 uns-rsv",
		"09:35 uns-act apprInf=01",
		"09:39 uns-cra RespOrgId=BRSMS custRecStat=ACTIVE",
		"10:00 uns-sna chgParam=01",
		"10:20 uns-act apprInf=02 cic=0288",
		"10:20 uns-app cic=0288",
		"11:00 uns-sna chgParam=04",
		"11:00 uns-rch respOrgId=BRSMS",
		"11:00 uns-rch respOrgId=ZATST",
		"11:04 uns-cra RespOrgId=ZATST custRecStat=ACTIVE",
		"12:00 uns-asl",
		"12:02 uns-scp",
		"12:04 uns-scp",
	}, got)
}
