package main

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

func newClient(srv *simtest.Server) *Client {
	return &Client{BaseURL: srv.URL("flowroute"), AccessKey: "demo-access-key", SecretKey: "demo-secret-key", HTTP: srv.Client}
}

func TestCreateWaitAttach(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	c := newClient(srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	rec, err := c.CreateCNAM(ctx, "Acme Labs")
	require.NoError(t, err)
	assert.Equal(t, "ACME LABS", rec.Value)
	assert.False(t, rec.Approved)

	// The client polls while the approval workflow runs; two polls in a row
	// fail with 503 and the client rides them out.
	srv.Fault(simtest.FaultRule{Provider: "flowroute", Route: "GET /cnams/{id}", Status: 503, Times: 2})
	done := make(chan error, 1)
	go func() {
		var err error
		rec, err = c.WaitApproved(ctx, rec.ID, 5*time.Millisecond)
		done <- err
	}()
	srv.Advance(4 * time.Hour)
	require.NoError(t, <-done)
	assert.True(t, rec.Approved)
	assert.Len(t, srv.Journal(simtest.Filter{Provider: "flowroute", Status: 503}), 2)

	require.NoError(t, c.AttachCNAM(ctx, "12065550101", rec.ID))
	got, err := c.NumberCNAM(ctx, "12065550101")
	require.NoError(t, err)
	assert.Equal(t, rec.ID, got)
	srv.RequireCalled(t, "PATCH", "/relationships/cnams/"+rec.ID, 1)
}

func TestRun(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	c := newClient(srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, c, "14255550123", "Blue Sky", 5*time.Millisecond) }()

	// Once the record exists, let the approval workflow's 4 hours pass.
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for len(srv.Journal(simtest.Filter{Method: "POST", Status: http.StatusCreated})) == 0 {
		select {
		case <-ctx.Done():
			t.Fatal("the record was never created")
		case <-tick.C:
		}
	}
	srv.Advance(4 * time.Hour)
	require.NoError(t, <-done)
	patches := srv.Journal(simtest.Filter{Method: "PATCH"})
	require.Len(t, patches, 1)
	assert.Contains(t, patches[0].Path, "/v2/numbers/14255550123/relationships/cnams/")
}

func TestRejected(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	c := newClient(srv)
	ctx := context.Background()
	rec, err := c.CreateCNAM(ctx, "CALL 2065551234")
	require.NoError(t, err)
	srv.Advance(4 * time.Hour)
	rec, err = c.WaitApproved(ctx, rec.ID, time.Millisecond)
	require.ErrorIs(t, err, ErrRejected)
	assert.NotEmpty(t, rec.RejectionReason)

	var apiErr *APIError
	err = c.AttachCNAM(ctx, "12065550101", rec.ID)
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, http.StatusUnprocessableEntity, apiErr.Status)
}

func TestErrors(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	ctx := context.Background()
	bad := newClient(srv)
	bad.SecretKey = "wrong"
	_, err := bad.CreateCNAM(ctx, "Acme")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.Status)
	assert.Equal(t, "Authentication failed.", apiErr.Detail)

	c := newClient(srv)
	_, err = c.CreateCNAM(ctx, "Regence Inc") // the scenario already has it
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnprocessableEntity, apiErr.Status)

	_, err = c.GetCNAM(ctx, "999999")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.Status)
	assert.False(t, apiErr.Temporary())
}
