package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

func newClient(srv *simtest.Server) *Client {
	return &Client{BaseURL: srv.URL("call48"), Username: "mark", Password: "password", HTTP: srv.Client}
}

func TestBuyAndList(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	c := newClient(srv)
	ctx := context.Background()

	before, err := c.DIDs(ctx)
	require.NoError(t, err)
	number, err := buy(ctx, c, "GA", "", 52610)
	require.NoError(t, err)
	assert.Len(t, number, 10)

	after, err := c.DIDs(ctx)
	require.NoError(t, err)
	assert.Len(t, after, len(before)+1)
	var mine *DID
	for i := range after {
		if after[i].DID == number {
			mine = &after[i]
		}
	}
	require.NotNil(t, mine, "the bought number is listed")
	assert.Equal(t, "GA", mine.State)
	srv.RequireCalled(t, "POST", "/login", 1)
}

func TestReloginAfterExpiry(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	c := newClient(srv)
	ctx := context.Background()
	_, err := c.DIDs(ctx)
	require.NoError(t, err)
	srv.Advance(25 * time.Hour) // tokens live 24 hours
	_, err = c.DIDs(ctx)
	require.NoError(t, err)
	srv.RequireCalled(t, "POST", "/login", 2)
}

func TestSearchExpires(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	c := newClient(srv)
	ctx := context.Background()
	s, err := c.SearchLocal(ctx, "GA", "", 2)
	require.NoError(t, err)
	require.NotEmpty(t, s.Offers)
	srv.Advance(16 * time.Minute) // a search is good for 15 minutes
	err = c.Buy(ctx, s, s.Offers[0], 52610)
	var e *APIError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusBadRequest, e.Code)
}

func TestInsufficientBalance(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	srv.Control(http.MethodPut, "/call48/accounts/mark/balance", map[string]string{"balance": "0.00"}, http.StatusOK, nil)
	_, err := buy(context.Background(), newClient(srv), "GA", "", 52610)
	var e *APIError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusPaymentRequired, e.Code)
}

func TestBadLogin(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	c := newClient(srv)
	c.Password = "wrong"
	_, err := c.DIDs(context.Background())
	var e *APIError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusBadRequest, e.Code)
	assert.Equal(t, "Invalid credentials", e.Message)
}

func TestOutage(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	srv.Fault(simtest.FaultRule{Provider: "call48", Route: "GET /search", Status: 503})
	_, err := buy(context.Background(), newClient(srv), "GA", "", 52610)
	var e *APIError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusServiceUnavailable, e.Code)
}
