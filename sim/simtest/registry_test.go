package simtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

func TestRegistryApprovalAndReservationHelpers(t *testing.T) {
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	inbox := srv.Inbox()
	srv.Subscribe("0777", inbox.URL())
	srv.Subscribe("0778", inbox.URL())
	srv.SubscribeRespOrg("BRSMS", inbox.URL())

	srv.Reserve("BRSMS", "8339900242")
	m, err := inbox.Next(5 * time.Second)
	require.NoError(t, err)
	assert.Equal(t, "uns-rsv", m.Type)

	srv.Change("8339900238", simtest.RecordChange{Change: "cic-addition", CIC: "0777", ApprReq: true})
	m, err = inbox.Next(5 * time.Second)
	require.NoError(t, err)
	assert.Equal(t, "uns-sna", m.Type)
	srv.Approve("8339900238", "0777")
	m, err = inbox.Next(5 * time.Second)
	require.NoError(t, err)
	require.Equal(t, "uns-act", m.Type)
	var act struct{ ApprInf string }
	require.NoError(t, m.Decode(&act))
	assert.Equal(t, "01", act.ApprInf)

	srv.Change("8339900238", simtest.RecordChange{Change: "cic-addition", CIC: "0778", ApprReq: true})
	_, err = inbox.Next(5 * time.Second)
	require.NoError(t, err)
	srv.Deny("8339900238", "0778", "no contract")
	var types []string
	for {
		m, err := inbox.Next(time.Second)
		if err != nil {
			break
		}
		types = append(types, m.Type)
	}
	assert.Equal(t, []string{"uns-act", "uns-app"}, types, "the denial, then UNS-APP since the effective time has passed")
}
