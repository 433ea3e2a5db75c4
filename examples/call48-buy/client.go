package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Client talks to the Call48 API v4 (https://apicontrol.call48.com/api/v4).
// It logs in with a username and password and logs in again when the token
// has expired.
type Client struct {
	BaseURL  string
	Username string
	Password string
	HTTP     *http.Client

	mu    sync.Mutex
	token string
}

// APIError is an answer whose code is not 200. Call48 reports application
// errors in the body's code, usually with HTTP status 200.
type APIError struct {
	Code    int
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("call48: code %d: %s", e.Code, e.Message) }

type envelope struct {
	Code    int             `json:"code"`
	Error   any             `json:"error"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func (c *Client) send(ctx context.Context, method, path string, query url.Values, body any, token string) (envelope, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return envelope{}, err
		}
		rd = bytes.NewReader(b)
	}
	u := strings.TrimRight(c.BaseURL, "/") + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return envelope{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return envelope{}, err
	}
	defer resp.Body.Close()
	var env envelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return env, fmt.Errorf("call48: %s %s: HTTP %d, unreadable body: %w", method, path, resp.StatusCode, err)
	}
	if env.Code == 0 {
		env.Code = resp.StatusCode
	}
	if env.Code != http.StatusOK {
		msg := env.Message
		if s, ok := env.Error.(string); ok && s != "" {
			msg = s
		}
		return env, &APIError{Code: env.Code, Message: msg}
	}
	return env, nil
}

// Login gets a fresh token.
func (c *Client) Login(ctx context.Context) error {
	env, err := c.send(ctx, http.MethodPost, "/login", nil, map[string]string{"user_name": c.Username, "password": c.Password}, "")
	if err != nil {
		return err
	}
	var data struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(env.Data, &data); err != nil || data.Token == "" {
		return fmt.Errorf("call48: login answered no token")
	}
	c.mu.Lock()
	c.token = data.Token
	c.mu.Unlock()
	return nil
}

// call sends an authenticated request, logging in first when needed and
// once more when the token has expired.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body, out any) error {
	for attempt := 0; ; attempt++ {
		c.mu.Lock()
		tok := c.token
		c.mu.Unlock()
		if tok == "" {
			if err := c.Login(ctx); err != nil {
				return err
			}
			continue
		}
		env, err := c.send(ctx, method, path, query, body, tok)
		if e, ok := err.(*APIError); ok && e.Code == http.StatusUnauthorized && attempt == 0 {
			c.mu.Lock()
			if c.token == tok {
				c.token = ""
			}
			c.mu.Unlock()
			continue
		}
		if err != nil {
			return err
		}
		if out != nil {
			return json.Unmarshal(env.Data, out)
		}
		return nil
	}
}

// Offer is a number found by a search.
type Offer struct {
	NPA        string `json:"npa"`
	NXX        string `json:"nxx"`
	XXXX       string `json:"xxxx"`
	State      string `json:"state"`
	Ratecenter string `json:"ratecenter"`
	LocData    string `json:"locData"`
}

// Number is the offer's 10-digit number.
func (o Offer) Number() string { return o.NPA + o.NXX + o.XXXX }

// Search is a search result; Loc binds its offers to the account for a
// limited time.
type Search struct {
	Loc    string  `json:"loc"`
	Setup  string  `json:"setup"`
	Offers []Offer `json:"result"`
}

// SearchLocal searches local numbers in a state (two letters), optionally in
// one rate center.
func (c *Client) SearchLocal(ctx context.Context, state, ratecenter string, limit int) (Search, error) {
	q := url.Values{"type": {"local"}, "state": {state}, "limit": {strconv.Itoa(limit)}}
	if ratecenter != "" {
		q.Set("ratecenter", ratecenter)
	}
	var s Search
	err := c.call(ctx, http.MethodGet, "/search", q, nil, &s)
	return s, err
}

// Buy purchases one offer of a search and routes it to a trunk group
// (its ext_tgid).
func (c *Client) Buy(ctx context.Context, s Search, o Offer, trunkGroup int) error {
	item := map[string]any{"npa": o.NPA, "nxx": o.NXX, "xxxx": o.XXXX, "state": o.State, "ratecenter": o.Ratecenter,
		"loc": s.Loc, "locData": o.LocData, "fwd_trunk_grpid": trunkGroup}
	return c.call(ctx, http.MethodPost, "/purchase", nil, map[string]any{"type": "local", "numbers": []any{item}}, nil)
}

// DID is one of the account's numbers.
type DID struct {
	DID        string `json:"did"`
	State      any    `json:"state"`
	Ratecenter any    `json:"ratecenter"`
	Status     string `json:"status"`
}

// DIDs lists the account's local numbers, every page.
func (c *Client) DIDs(ctx context.Context) ([]DID, error) {
	const max = 100
	var all []DID
	for page := 1; ; page++ {
		var rows []DID
		q := url.Values{"type": {"local"}, "page": {strconv.Itoa(page)}, "max": {strconv.Itoa(max)}}
		if err := c.call(ctx, http.MethodGet, "/dids", q, nil, &rows); err != nil {
			return nil, err
		}
		all = append(all, rows...)
		if len(rows) < max {
			return all, nil
		}
	}
}
