package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

func newClient(srv *simtest.Server, refresh string) *Client {
	return &Client{BaseURL: srv.URL("somos"), RefreshToken: refresh, HTTP: srv.Client}
}

func TestSurvivesTokenExpiry(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	c := newClient(srv, "demo-refresh-br-user")
	ctx := context.Background()

	rec, err := c.CreateCNAM(ctx, Record{TFN: "8339900238", CNAM: "BRIGHTLINE CARE", City: "Chicago", State: "IL"})
	require.NoError(t, err)
	assert.Equal(t, "pending", rec.PartnerUpdateStatus)
	list, err := c.ListCNAM(ctx, 1) // one per page: follows LastEvaluatedKey
	require.NoError(t, err)
	assert.Len(t, list, 2, "BR sees its two entries, not ZA's")
	assert.Equal(t, 1, c.Refreshes)

	srv.Advance(61 * time.Minute) // IdTokens live one hour
	rec, err = c.GetCNAM(ctx, "8339900238")
	require.NoError(t, err, "the client refreshed and retried")
	assert.Equal(t, "success", rec.PartnerUpdateStatus, "partner propagation finished meanwhile")
	assert.Equal(t, 2, c.Refreshes)

	expired := srv.Journal(simtest.Filter{Provider: "somos", Status: 401})
	require.Len(t, expired, 1)
	assert.Contains(t, expired[0].ResponseBody, "The incoming token has expired")
	srv.RequireCalled(t, "POST", "/public/apitoken", 2)
}

func TestConcurrentCallsShareOneRefresh(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	c := newClient(srv, "demo-refresh-za-user")
	ctx := context.Background()
	_, err := c.GetCNAM(ctx, "8009900001")
	require.NoError(t, err)
	srv.Advance(2 * time.Hour)

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.GetCNAM(ctx, "8009900002")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, 2, c.Refreshes)
}

func TestErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	ctx := context.Background()

	_, err := newClient(srv, "no-such-token").GetCNAM(ctx, "8339900238")
	var e *APIError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 500, e.Status, "Cognito's answer to an unknown refresh token")

	c := newClient(srv, "demo-refresh-br-user")
	_, err = c.GetCNAM(ctx, "8009900001") // entity ZA's number
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 401, e.Status)
	assert.False(t, e.Expired())
	assert.Equal(t, 1, c.Refreshes)

	_, err = c.CreateCNAM(ctx, Record{TFN: "8339900242", CNAM: "SPARE"}) // not WORKING or ASSIGNED
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 400, e.Status)
}

func TestRun(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	require.NoError(t, run(context.Background(), newClient(srv, "demo-refresh-br-admin"), "8339900240", "BRIGHT ASSIGN"))
	srv.RequireCalled(t, "POST", "/cnam/list", 1)
}
