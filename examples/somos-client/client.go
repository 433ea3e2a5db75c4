package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Client talks to Somos TFN Identity (https://tfnidentity.somos.com) with an
// API refresh token. It gets an IdToken on first use and, when the API says
// the IdToken has expired (they live one hour), gets a new one and retries
// the call: long-running services keep working across expiries. Concurrent
// calls that hit the expiry together share one refresh.
type Client struct {
	BaseURL      string
	RefreshToken string
	HTTP         *http.Client

	mu      sync.Mutex
	idToken string
	// Refreshes counts the tokens fetched, for logs and metrics.
	Refreshes int
}

// APIError is an error answer.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("somos: %d: %s", e.Status, e.Message) }

// Expired reports whether the IdToken had expired.
func (e *APIError) Expired() bool {
	return e.Status == http.StatusUnauthorized && strings.Contains(e.Message, "expired")
}

func (c *Client) send(ctx context.Context, method, path, token string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Message == "" {
			e.Message = strings.TrimSpace(string(data))
		}
		return &APIError{Status: resp.StatusCode, Message: e.Message}
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// refresh gets a new IdToken unless another goroutine already replaced
// stale.
func (c *Client) refresh(ctx context.Context, stale string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idToken != stale {
		return c.idToken, nil
	}
	var out struct {
		Data struct {
			AuthenticationResult struct {
				IdToken string `json:"IdToken"`
			} `json:"AuthenticationResult"`
		} `json:"data"`
	}
	if err := c.send(ctx, http.MethodPost, "/public/apitoken", "", map[string]string{"refreshToken": c.RefreshToken}, &out); err != nil {
		return "", fmt.Errorf("getting a token: %w", err)
	}
	c.idToken = out.Data.AuthenticationResult.IdToken
	c.Refreshes++
	return c.idToken, nil
}

// call sends an authenticated request, refreshing the IdToken first when
// there is none and once more when it has expired.
func (c *Client) call(ctx context.Context, method, path string, body, out any) error {
	c.mu.Lock()
	tok := c.idToken
	c.mu.Unlock()
	var err error
	if tok == "" {
		if tok, err = c.refresh(ctx, ""); err != nil {
			return err
		}
	}
	err = c.send(ctx, method, path, tok, body, out)
	if e, ok := err.(*APIError); ok && e.Expired() {
		if tok, err = c.refresh(ctx, tok); err != nil {
			return err
		}
		err = c.send(ctx, method, path, tok, body, out)
	}
	return err
}

// Record is a CNAM entry (the fields this client uses).
type Record struct {
	TFN                 string `json:"tfn"`
	CNAM                string `json:"cnam"`
	ExtCNAM             string `json:"extCnam,omitempty"`
	City                string `json:"city,omitempty"`
	State               string `json:"state,omitempty"`
	Status              string `json:"status,omitempty"`
	RespOrgID           string `json:"respOrgID,omitempty"`
	PartnerUpdateStatus string `json:"partnerUpdateStatus,omitempty"`
}

// CreateCNAM creates the CNAM entry of a toll-free number.
func (c *Client) CreateCNAM(ctx context.Context, r Record) (Record, error) {
	var out Record
	body := map[string]string{"tfn": r.TFN, "cnam": r.CNAM}
	for k, v := range map[string]string{"extCnam": r.ExtCNAM, "city": r.City, "state": r.State} {
		if v != "" {
			body[k] = v
		}
	}
	err := c.call(ctx, http.MethodPost, "/cnam", body, &out)
	return out, err
}

// GetCNAM reads one entry.
func (c *Client) GetCNAM(ctx context.Context, tfn string) (Record, error) {
	var out Record
	err := c.call(ctx, http.MethodGet, "/cnam/"+url.PathEscape(tfn), nil, &out)
	return out, err
}

// ListCNAM lists every entry the user may see, following LastEvaluatedKey.
func (c *Client) ListCNAM(ctx context.Context, pageSize int) ([]Record, error) {
	var all []Record
	var key json.RawMessage
	for {
		body := map[string]any{"Limit": pageSize}
		if key != nil {
			body["LastEvaluatedKey"] = key
		}
		var page struct {
			Items            []Record        `json:"Items"`
			LastEvaluatedKey json.RawMessage `json:"LastEvaluatedKey"`
		}
		if err := c.call(ctx, http.MethodPost, "/cnam/list", body, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if len(page.LastEvaluatedKey) == 0 || string(page.LastEvaluatedKey) == "null" {
			return all, nil
		}
		key = page.LastEvaluatedKey
	}
}
