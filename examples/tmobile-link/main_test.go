package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

func newPartner(t *testing.T, srv *simtest.Server) *Partner {
	t.Helper()
	pemBytes, err := os.ReadFile("../../fixtures/tmobile/demo-client-key.pem")
	require.NoError(t, err)
	key, err := LoadKey(pemBytes)
	require.NoError(t, err)
	return &Partner{BaseURL: srv.URL("tmobile"), ClientID: "demo-client", ClientSecret: "demo-secret",
		RedirectURI: "http://127.0.0.1:3000/callback", Key: key, HTTP: srv.Client, Now: time.Now}
}

// browser follows the link page's HTML forms the way a subscriber's browser
// does, without following redirects (the test looks at them).
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	return &browser{t: t, c: &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(u)
	require.NoError(b.t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

var (
	formRE  = regexp.MustCompile(`(?s)<form method="post" action="([^"]*)">(.*?)</form>`)
	inputRE = regexp.MustCompile(`<input ([^>]*)>`)
	attrRE  = regexp.MustCompile(`(\w+)(?:="([^"]*)")?`)
)

// submit fills the page's first form (hidden fields as they are, text,
// password and radio fields from fill, a radio group defaulting to its
// checked button) and posts it.
func (b *browser) submit(pageURL, page string, fill map[string]string) (*http.Response, string) {
	b.t.Helper()
	m := formRE.FindStringSubmatch(page)
	require.NotNil(b.t, m, "no form on the page:\n%s", page)
	action, err := url.Parse(pageURL)
	require.NoError(b.t, err)
	action, err = action.Parse(html.UnescapeString(m[1]))
	require.NoError(b.t, err)
	form := url.Values{}
	for _, in := range inputRE.FindAllStringSubmatch(m[2], -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(in[1], -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
		}
		name := attrs["name"]
		switch attrs["type"] {
		case "hidden":
			form.Set(name, attrs["value"])
		case "radio":
			_, checked := attrs["checked"]
			if v, ok := fill[name]; ok && v == attrs["value"] || !ok && checked {
				form.Set(name, attrs["value"])
			}
		default:
			form.Set(name, fill[name])
		}
	}
	resp, err := b.c.PostForm(action.String(), form)
	require.NoError(b.t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// link signs in on the link page, picks a line and returns the redirect.
func (b *browser) link(linkURL, user, pass, msisdn string) *url.URL {
	b.t.Helper()
	resp, page := b.get(linkURL)
	require.Equal(b.t, http.StatusOK, resp.StatusCode, page)
	resp, page = b.submit(linkURL, page, map[string]string{"username": user, "password": pass})
	require.Equal(b.t, http.StatusOK, resp.StatusCode, page)
	resp, _ = b.submit(linkURL, page, map[string]string{"msisdn": msisdn})
	require.Equal(b.t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(b.t, err)
	return loc
}

func TestLinkFlow(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	p := newPartner(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	loc := newBrowser(t).link(p.LinkURL("st-1"), "demo-user", "demo-pass", "4251234568")
	assert.Equal(t, "127.0.0.1:3000", loc.Host)
	assert.Equal(t, "st-1", loc.Query().Get("state"))

	tok, err := p.Exchange(ctx, loc.Query().Get("code"))
	require.NoError(t, err)
	assert.Equal(t, "Bearer", tok.TokenType)
	assert.Equal(t, 86400, tok.ExpiresIn)

	_, err = p.Status(ctx, tok.AccessToken)
	require.ErrorIs(t, err, ErrPending, "the line registers a minute after linking")
	done := make(chan error, 1)
	var st Status
	go func() {
		var err error
		st, err = p.WaitRegistered(ctx, tok.AccessToken, 5*time.Millisecond)
		done <- err
	}()
	srv.Advance(time.Minute)
	require.NoError(t, <-done)
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "4251234568", st.Lines[0].MSISDN)
	assert.True(t, st.Lines[0].RegStatus)

	fresh, err := p.Refresh(ctx, tok.RefreshToken)
	require.NoError(t, err)
	_, err = p.Refresh(ctx, tok.RefreshToken)
	var e *APIError
	require.ErrorAs(t, err, &e, "a refresh token is spent once used")
	assert.Equal(t, "INVALID_GRANT", e.ReasonCode)

	require.NoError(t, p.Unlink(ctx, fresh.AccessToken))
	_, err = p.Status(ctx, fresh.AccessToken)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusForbidden, e.Status)
	assert.Equal(t, "TOKEN_REVOKED", e.ReasonCode)
}

func TestPoPIsChecked(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	p := newPartner(t, srv)
	ctx := context.Background()
	loc := newBrowser(t).link(p.LinkURL("s"), "demo-user", "demo-pass", "4251234567")

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	wrong := *p
	wrong.Key = other
	_, err = wrong.Exchange(ctx, loc.Query().Get("code"))
	var e *APIError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "POP_SIGNATURE_INVALID", e.ReasonCode)

	late := *p
	late.Now = func() time.Time { return time.Now().Add(-10 * time.Minute) }
	_, err = late.Exchange(ctx, loc.Query().Get("code"))
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "POP_TOKEN_EXPIRED", e.ReasonCode)

	_, err = p.Exchange(ctx, loc.Query().Get("code"))
	require.NoError(t, err, "the code is still good after the refused attempts")
}

func TestConflict(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	p := newPartner(t, srv)
	ctx := context.Background()
	loc := newBrowser(t).link(p.LinkURL("s"), "conflict-user", "conflict-pass", "4255550199")
	tok, err := p.Exchange(ctx, loc.Query().Get("code"))
	require.NoError(t, err)
	_, err = p.Status(ctx, tok.AccessToken)
	var e *APIError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusConflict, e.Status)
	assert.Equal(t, "ACCOUNT_CONFLICT", e.ReasonCode)
}

// TestApp drives the partner web app: the browser starts at the app, goes
// through T-Mobile's pages and comes back to the app's callback.
func TestApp(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	app := httptest.NewServer(newApp(newPartner(t, srv), 5*time.Millisecond))
	defer app.Close()
	b := newBrowser(t)

	resp, _ := b.get(app.URL + "/")
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc := b.link(resp.Header.Get("Location"), "demo-user", "demo-pass", "4251234567")

	// The redirect URI is registered as 127.0.0.1:3000; this app listens
	// elsewhere, so send the browser to the same path and query on it.
	type result struct {
		code int
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := b.c.Get(app.URL + loc.Path + "?" + loc.RawQuery)
		if err != nil {
			got <- result{err: err}
			return
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- result{resp.StatusCode, string(body), err}
	}()
	// The app polls the status; let the registration's minute pass once it does.
	require.Eventually(t, func() bool {
		return len(srv.Journal(simtest.Filter{Provider: "tmobile", Path: "/account/status"})) > 0
	}, 10*time.Second, 5*time.Millisecond)
	srv.Advance(time.Minute)
	r := <-got
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusOK, r.code, r.body)
	assert.Contains(t, r.body, "4251234567: registered")

	resp, body := b.get(app.URL + "/callback?state=forged&code=x")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.True(t, strings.Contains(body, "unknown state"))
}
