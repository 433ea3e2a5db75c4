// Package upstream forwards requests the simulator does not answer itself to
// the real provider API (the recording proxy), and records each exchange to
// a HAR file. Only the base URLs it is configured with are ever contacted.
package upstream

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/har"
)

// Mode says which requests go upstream.
type Mode string

const (
	// Missing forwards only requests no emulated route (and no stub) answers.
	Missing Mode = "missing"
	// All forwards every request of a proxied provider.
	All Mode = "all"
)

// ParseMode reads --proxy-mode.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", Missing:
		return Missing, nil
	case All:
		return All, nil
	}
	return "", fmt.Errorf("proxy mode %q: use missing or all", s)
}

// Config configures a Proxy.
type Config struct {
	// Targets maps a provider name to the real API's base URL.
	Targets map[string]string
	Mode    Mode
	// Timeout bounds one upstream exchange (default 30s).
	Timeout time.Duration
	// MaxBody bounds the upstream answer's body (default 10 MiB).
	MaxBody int64
	// TLS, when set, configures connections to the upstream (tests trust
	// their own certificate with it).
	TLS *tls.Config
	// Recorder, when set, receives every exchange.
	Recorder *har.Writer
	// OnRecordError is told when the recording fails (nil: ignored).
	OnRecordError func(error)
}

// Proxy forwards requests to the configured upstreams.
type Proxy struct {
	cfg     Config
	targets map[string]*url.URL
	client  *http.Client
}

// New checks the targets and builds a proxy. basePaths gives each known
// provider's real base path ("/v2"), so a target may be given with or
// without it.
func New(cfg Config, known func(name string) (basePath string, ok bool)) (*Proxy, error) {
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 10 << 20
	}
	if cfg.Mode == "" {
		cfg.Mode = Missing
	}
	p := &Proxy{cfg: cfg, targets: map[string]*url.URL{}}
	for name, raw := range cfg.Targets {
		bp, ok := known(name)
		if !ok {
			return nil, fmt.Errorf("proxy %s: no such provider", name)
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("proxy %s: %q is not an http(s) URL", name, raw)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("proxy %s: %q: give the base URL without query or fragment", name, raw)
		}
		// Routes carry the real base path already ("/v2/cnams"), so a base
		// URL given as https://api.flowroute.com/v2 loses its /v2 here.
		u.Path = strings.TrimSuffix(u.Path, "/")
		if bp != "" && strings.HasSuffix(u.Path, bp) {
			u.Path = strings.TrimSuffix(u.Path, bp)
		}
		p.targets[name] = u
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // only the URLs the user named are contacted
	if cfg.TLS != nil {
		tr.TLSClientConfig = cfg.TLS
	}
	p.client = &http.Client{
		Transport: tr,
		Timeout:   cfg.Timeout,
		// The client sees the provider's redirects as they are.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return p, nil
}

// Handles says whether a request to provider goes upstream; emulated says a
// route of the simulator answers it.
func (p *Proxy) Handles(provider string, emulated bool) bool {
	if p == nil {
		return false
	}
	if _, ok := p.targets[provider]; !ok {
		return false
	}
	return p.cfg.Mode == All || !emulated
}

// Targets lists the proxied providers and their base URLs.
func (p *Proxy) Targets() map[string]string {
	out := map[string]string{}
	if p == nil {
		return out
	}
	for k, u := range p.targets {
		out[k] = u.String()
	}
	return out
}

// Request is one request to forward.
type Request struct {
	Provider string
	Method   string
	Path     string // the real API's path ("/v2/numbers/available")
	RawQuery string
	Header   http.Header
	Body     []byte
}

// Response is the upstream's answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// URL is where the request went.
	URL string
}

// Error is an upstream failure: no answer, a timeout, or an answer too
// large to pass on. The engine renders it as 502 in the provider's shape.
type Error struct {
	URL     string
	Timeout bool
	Err     error
}

func (e *Error) Error() string {
	if e.Timeout {
		return fmt.Sprintf("upstream %s did not answer in time", e.URL)
	}
	return fmt.Sprintf("upstream %s: %v", e.URL, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// hopHeaders are connection-level headers never passed on (RFC 9110 7.6.1),
// plus the simulator's own.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func cleanHeader(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	for _, f := range out.Values("Connection") {
		for _, name := range strings.Split(f, ",") {
			out.Del(strings.TrimSpace(name))
		}
	}
	for _, k := range hopHeaders {
		out.Del(k)
	}
	for k := range out {
		if strings.HasPrefix(k, "X-Sim-") || strings.HasPrefix(k, "X-Forwarded-") {
			delete(out, k)
		}
	}
	return out
}

// Forward sends the request to the provider's upstream with the client's
// own headers (its credentials included) and returns the answer; the
// exchange is recorded either way.
func (p *Proxy) Forward(ctx context.Context, req Request) (*Response, error) {
	base, ok := p.targets[req.Provider]
	if !ok {
		return nil, &Error{URL: req.Provider, Err: errors.New("no upstream configured")}
	}
	u := *base
	u.Path = base.Path + req.Path
	u.RawPath = ""
	u.RawQuery = req.RawQuery
	hdr := cleanHeader(req.Header)
	// Let the transport negotiate compression, so the body passed on and
	// recorded is plain text.
	hdr.Del("Accept-Encoding")
	started := clock.Wall()
	out, err := http.NewRequestWithContext(ctx, req.Method, u.String(), bytes.NewReader(req.Body))
	if err != nil {
		return nil, &Error{URL: u.String(), Err: err}
	}
	out.Header = hdr
	out.ContentLength = int64(len(req.Body))
	if len(req.Body) == 0 {
		out.Body = http.NoBody
	}
	resp, body, err := p.do(out)
	x := har.Exchange{Provider: req.Provider, Started: started, Duration: clock.Wall().Sub(started), Method: req.Method, URL: &u, ReqHeader: hdr, ReqBody: req.Body, Err: err}
	var answer *Response
	if err == nil {
		rh := cleanHeader(resp.Header)
		x.Status, x.RespHead, x.RespBody = resp.StatusCode, rh, body
		answer = &Response{Status: resp.StatusCode, Header: rh, Body: body, URL: u.String()}
	} else {
		x.RespHead = http.Header{}
	}
	if p.cfg.Recorder != nil {
		if rerr := p.cfg.Recorder.Add(har.NewEntry(x)); rerr != nil && p.cfg.OnRecordError != nil {
			p.cfg.OnRecordError(rerr)
		}
	}
	if err != nil {
		return nil, err
	}
	return answer, nil
}

func (p *Proxy) do(req *http.Request) (*http.Response, []byte, error) {
	resp, err := p.client.Do(req)
	if err != nil {
		var ne interface{ Timeout() bool }
		timeout := errors.As(err, &ne) && ne.Timeout()
		return nil, nil, &Error{URL: req.URL.String(), Timeout: timeout, Err: unwrapURL(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, p.cfg.MaxBody+1))
	if err != nil {
		var ne interface{ Timeout() bool }
		return nil, nil, &Error{URL: req.URL.String(), Timeout: errors.As(err, &ne) && ne.Timeout(), Err: err}
	}
	if int64(len(body)) > p.cfg.MaxBody {
		return nil, nil, &Error{URL: req.URL.String(), Err: fmt.Errorf("answer larger than %d bytes", p.cfg.MaxBody)}
	}
	return resp, body, nil
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Mode returns which requests go upstream.
func (p *Proxy) Mode() Mode { return p.cfg.Mode }
