package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/telecomsim/simulator/internal/clock"
)

// Partner is a T-Mobile Your Number Anywhere partner app: it sends the
// subscriber to T-Mobile's link page, exchanges the authorization code for
// tokens and polls the line's registration. Every API call carries a PoP
// token (X-Authorization) signed with the partner's private key.
type Partner struct {
	BaseURL      string
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Key          *rsa.PrivateKey
	HTTP         *http.Client
	// Now is the wall clock PoP tokens are dated with (nil: the system
	// clock).
	Now func() time.Time
}

// Tokens is the token endpoint's answer.
type Tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// Status is the account's registration status.
type Status struct {
	ReturnCode int    `json:"returnCode"`
	ChannelURL string `json:"channelUrl"`
	Lines      []struct {
		MSISDN    string `json:"msisdn"`
		RegStatus bool   `json:"regStatus"`
	} `json:"lines"`
}

// APIError is an error answer ({"errors":[{"reasonCode",...}]}).
type APIError struct {
	Status     int
	ReasonCode string
	Message    string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("tmobile: %d %s: %s", e.Status, e.ReasonCode, e.Message)
}

// ErrPending is returned by Status while the line's registration processes
// (the API answers 202).
var ErrPending = errors.New("tmobile: registration in progress")

// LoadKey reads a PKCS#8 PEM RSA private key.
func LoadKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("want a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	key, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return key, nil
}

func (p *Partner) base() string { return strings.TrimRight(p.BaseURL, "/") }

// LinkURL is the page the subscriber's browser is sent to; state comes back
// unchanged with the code on the redirect URI.
func (p *Partner) LinkURL(state string) string {
	return p.base() + "/account-mgmt/linkAccount?" + url.Values{
		"client_id": {p.ClientID}, "redirect_uri": {p.RedirectURI}, "state": {state},
	}.Encode()
}

// pop builds the PoP token for a request: the names of what is signed
// (ehts), the base64url SHA-256 of their values concatenated in that order
// (edts), dated now and valid two minutes.
func (p *Partner) pop(req *http.Request, body []byte) (string, error) {
	names := []string{"Authorization", "uri", "http-method"}
	values := req.Header.Get("Authorization") + req.URL.RequestURI() + req.Method
	if len(body) > 0 {
		names = append(names, "body")
		values += string(body)
	}
	sum := sha256.Sum256([]byte(values))
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	now := clock.Wall
	if p.Now != nil {
		now = p.Now
	}
	iat := now().Unix()
	return jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"v": "1", "ehts": strings.Join(names, ";"), "edts": base64.RawURLEncoding.EncodeToString(sum[:]),
		"iat": iat, "exp": iat + 120, "jti": hex.EncodeToString(jti),
	}).SignedString(p.Key)
}

// call sends a PoP-signed request and decodes a 200 answer into out. It
// returns the status for callers that treat other 2xx specially.
func (p *Partner) call(ctx context.Context, method, path string, q url.Values, authz string, out any) (int, error) {
	u := p.base() + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", authz)
	tok, err := p.pop(req, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-Authorization", tok)
	hc := p.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		e := &APIError{Status: resp.StatusCode}
		var doc struct {
			Errors []struct {
				ReasonCode    string `json:"reasonCode"`
				SystemMessage string `json:"systemMessage"`
			} `json:"errors"`
		}
		if json.Unmarshal(data, &doc) == nil && len(doc.Errors) > 0 {
			e.ReasonCode, e.Message = doc.Errors[0].ReasonCode, doc.Errors[0].SystemMessage
		}
		return resp.StatusCode, e
	}
	if out != nil && resp.StatusCode == http.StatusOK && len(data) > 0 {
		return resp.StatusCode, json.Unmarshal(data, out)
	}
	return resp.StatusCode, nil
}

func (p *Partner) basic() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(p.ClientID+":"+p.ClientSecret))
}

// Exchange trades the authorization code from the redirect for tokens.
func (p *Partner) Exchange(ctx context.Context, code string) (Tokens, error) {
	var t Tokens
	_, err := p.call(ctx, http.MethodPost, "/oauth/token", url.Values{
		"grant_type": {"authorization_code"}, "redirect_uri": {p.RedirectURI}, "code": {code},
	}, p.basic(), &t)
	return t, err
}

// Refresh trades a refresh token for a new pair (the old one is spent).
func (p *Partner) Refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	var t Tokens
	_, err := p.call(ctx, http.MethodPost, "/oauth/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {refreshToken},
	}, p.basic(), &t)
	return t, err
}

// Status reads the account's registration; ErrPending while it processes.
func (p *Partner) Status(ctx context.Context, accessToken string) (Status, error) {
	var s Status
	code, err := p.call(ctx, http.MethodGet, "/account/status", nil, "Bearer "+accessToken, &s)
	if err == nil && code == http.StatusAccepted {
		return s, ErrPending
	}
	return s, err
}

// WaitRegistered polls Status every interval until the registration is done.
func (p *Partner) WaitRegistered(ctx context.Context, accessToken string, every time.Duration) (Status, error) {
	for {
		s, err := p.Status(ctx, accessToken)
		if !errors.Is(err, ErrPending) {
			return s, err
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return s, ctx.Err()
		case <-t.C:
		}
	}
}

// Unlink ends the link; every token of it is revoked.
func (p *Partner) Unlink(ctx context.Context, accessToken string) error {
	_, err := p.call(ctx, http.MethodDelete, "/account/unlink", url.Values{
		"client_id": {p.ClientID}, "redirect_uri": {p.RedirectURI},
	}, "Bearer "+accessToken, nil)
	return err
}
