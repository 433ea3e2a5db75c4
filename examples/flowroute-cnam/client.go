package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client talks to Flowroute API v2 (https://api.flowroute.com/v2) with the
// account's access key and secret key (HTTP Basic).
type Client struct {
	BaseURL   string
	AccessKey string
	SecretKey string
	HTTP      *http.Client
}

// CNAM is a caller-ID record.
type CNAM struct {
	ID              string
	Value           string
	Approved        bool
	RejectionReason string
}

// APIError is an error answer of the API ({"errors":[{...}]}).
type APIError struct {
	Status int
	Title  string
	Detail string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("flowroute: %d %s: %s", e.Status, e.Title, e.Detail)
}

// Temporary reports whether retrying later may succeed (rate limits and
// server-side failures).
func (e *APIError) Temporary() bool { return e.Status == http.StatusTooManyRequests || e.Status >= 500 }

// ErrRejected is returned by WaitApproved when Flowroute rejects the record.
var ErrRejected = errors.New("flowroute: CNAM record rejected")

type cnamDoc struct {
	Data struct {
		ID         string `json:"id"`
		Attributes struct {
			Value           string  `json:"value"`
			IsApproved      bool    `json:"is_approved"`
			RejectionReason *string `json:"rejection_reason"`
		} `json:"attributes"`
	} `json:"data"`
}

func (d cnamDoc) cnam() CNAM {
	c := CNAM{ID: d.Data.ID, Value: d.Data.Attributes.Value, Approved: d.Data.Attributes.IsApproved}
	if d.Data.Attributes.RejectionReason != nil {
		c.RejectionReason = *d.Data.Attributes.RejectionReason
	}
	return c
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
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
	req.SetBasicAuth(c.AccessKey, c.SecretKey)
	req.Header.Set("Accept", "application/vnd.api+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/vnd.api+json")
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
		e := &APIError{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode)}
		var doc struct {
			Errors []struct {
				Title  string          `json:"title"`
				Detail json.RawMessage `json:"detail"`
			} `json:"errors"`
		}
		if json.Unmarshal(data, &doc) == nil && len(doc.Errors) > 0 {
			if doc.Errors[0].Title != "" {
				e.Title = doc.Errors[0].Title
			}
			var s string
			if json.Unmarshal(doc.Errors[0].Detail, &s) == nil {
				e.Detail = s
			} else {
				e.Detail = string(doc.Errors[0].Detail)
			}
		}
		return e
	}
	if out != nil && len(data) > 0 {
		return json.Unmarshal(data, out)
	}
	return nil
}

// CreateCNAM creates a caller-ID record; it starts pending approval.
func (c *Client) CreateCNAM(ctx context.Context, value string) (CNAM, error) {
	var doc cnamDoc
	err := c.do(ctx, http.MethodPost, "/cnams", map[string]string{"value": value}, &doc)
	return doc.cnam(), err
}

// GetCNAM reads one record.
func (c *Client) GetCNAM(ctx context.Context, id string) (CNAM, error) {
	var doc cnamDoc
	err := c.do(ctx, http.MethodGet, "/cnams/"+url.PathEscape(id), nil, &doc)
	return doc.cnam(), err
}

// WaitApproved polls the record every interval until it is approved (nil
// error) or rejected (ErrRejected, with the reason in the record). Temporary
// API failures are retried; ctx bounds the wait.
func (c *Client) WaitApproved(ctx context.Context, id string, every time.Duration) (CNAM, error) {
	for {
		rec, err := c.GetCNAM(ctx, id)
		var apiErr *APIError
		switch {
		case err == nil && rec.Approved:
			return rec, nil
		case err == nil && rec.RejectionReason != "":
			return rec, fmt.Errorf("%w: %s", ErrRejected, rec.RejectionReason)
		case err != nil && !(errors.As(err, &apiErr) && apiErr.Temporary()):
			return rec, err
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return rec, ctx.Err()
		case <-t.C:
		}
	}
}

// AttachCNAM makes an approved record the caller ID of one of the account's
// numbers (11 digits, e.g. 12065550100).
func (c *Client) AttachCNAM(ctx context.Context, number, id string) error {
	return c.do(ctx, http.MethodPatch, "/numbers/"+url.PathEscape(number)+"/relationships/cnams/"+url.PathEscape(id), nil, nil)
}

// NumberCNAM returns the id of the record attached to a number ("" when
// none).
func (c *Client) NumberCNAM(ctx context.Context, number string) (string, error) {
	var doc struct {
		Data struct {
			Relationships struct {
				CNAM struct {
					Data *struct {
						ID string `json:"id"`
					} `json:"data"`
				} `json:"cnam"`
			} `json:"relationships"`
		} `json:"data"`
	}
	if err := c.do(ctx, http.MethodGet, "/numbers/"+url.PathEscape(number), nil, &doc); err != nil {
		return "", err
	}
	if doc.Data.Relationships.CNAM.Data == nil {
		return "", nil
	}
	return doc.Data.Relationships.CNAM.Data.ID, nil
}
