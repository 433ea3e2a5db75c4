package tmobile

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Name is the provider's name: scenario section, control path, --listen name.
const Name = "tmobile"

//go:embed openapi.yaml
var openapiYAML []byte

// Auth schemes of the API routes.
const (
	// schemeClientPoP is client Basic auth plus a PoP token (POST /oauth/token).
	schemeClientPoP = "client+pop"
	// schemeBearerPoP is a Bearer access token plus a PoP token.
	schemeBearerPoP = "bearer+pop"
)

// maxBody bounds the request bodies the PoP check reads.
const maxBody = 1 << 20

// Provider is the T-Mobile Your Number Anywhere provider.
type Provider struct{}

// New returns the provider.
func New() *Provider { return &Provider{} }

// Info implements provider.Provider.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Name:     Name,
		Title:    "T-Mobile Your Number Anywhere",
		Mount:    "/tmobile",
		BasePath: "",
		RealBase: "https://api.t-mobile.com",
	}
}

// OpenAPI implements provider.Provider.
func (p *Provider) OpenAPI() []byte { return openapiYAML }

// Configure implements provider.Provider.
func (p *Provider) Configure(sec scenario.Section, _ *scenario.Scenario) (any, error) {
	return configure(sec)
}

// NewState implements provider.Provider.
func (p *Provider) NewState(env provider.Env, cfg any) (tenant.State, error) {
	set, ok := cfg.(*settings)
	if !ok {
		return nil, errors.New("tmobile: configuration of the wrong type")
	}
	st := newStore(set, env.Clock, env.Faker)
	if env.World != nil {
		st.story = env.World.Timeline
	}
	// The seeded world (users, lines) is the same in every tenant; what is
	// drawn at run time (codes, tokens, jti, transaction ids) comes from the
	// tenant's own secret, so one tenant's tokens never work in another.
	secret := env.Secret
	if len(secret) < 32 {
		secret = fake.Secret(env.Seed, "", Name)
	}
	// ChaCha8 keyed with the whole secret: what it draws guards access, so
	// it must not be predictable from earlier draws (a PCG seeded with 64
	// bits would be).
	st.faker = gofakeit.NewFaker(rand.NewChaCha8([32]byte(secret[:32])), true)
	return st, nil
}

// WriteError implements provider.Provider.
func (p *Provider) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, err)
}

func storeOf(r *http.Request) *Store { return provider.StateOf[*Store](r, Name) }

// fallbackTx generates transaction ids when a request has no tenant (never in
// the assembled simulator); it is seeded, like everything else.
var (
	fallbackMu sync.Mutex
	fallbackTx = rand.New(rand.NewPCG(6, 6))
)

// stampTransaction echoes the request's x-transaction-id, or a new GUID.
func stampTransaction(w http.ResponseWriter, r *http.Request) {
	if w.Header().Get("x-transaction-id") != "" {
		return
	}
	id := r.Header.Get("x-transaction-id")
	if id == "" {
		if st := storeOf(r); st != nil {
			id = st.NewTransactionID()
		} else {
			fallbackMu.Lock()
			a, b := fallbackTx.Uint64(), fallbackTx.Uint64()
			fallbackMu.Unlock()
			id = guid(a, b)
		}
	}
	w.Header().Set("x-transaction-id", id)
}

func guid(a, b uint64) string {
	const hexd = "0123456789abcdef"
	var buf [32]byte
	for i := 0; i < 16; i++ {
		buf[i] = hexd[(a>>(4*i))&0xf]
		buf[16+i] = hexd[(b>>(4*i))&0xf]
	}
	s := string(buf[:])
	return s[0:8] + "-" + s[8:12] + "-4" + s[13:16] + "-a" + s[17:20] + "-" + s[20:32]
}

// caller is who an authenticated API request comes from.
type caller struct {
	Client *Client
	Access string // the Bearer token (bearer+pop routes)
}

type callerKey struct{}

func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// requestURI is the path plus query the client sent, without scheme and host.
func requestURI(r *http.Request) string {
	u := r.RequestURI
	if u == "" {
		return r.URL.RequestURI()
	}
	if !strings.HasPrefix(u, "/") {
		if pu, err := url.Parse(u); err == nil && pu.IsAbs() {
			return pu.RequestURI()
		}
	}
	return u
}

// Authenticate implements provider.Provider: it identifies the client (Basic
// credentials or the Bearer token's client), then checks the PoP token
// against the request as sent, then the Bearer token's state.
func (p *Provider) Authenticate(r *http.Request, scheme string) (*http.Request, error) {
	st := storeOf(r)
	if st == nil {
		return nil, &provider.HTTPError{Status: http.StatusInternalServerError, Message: "no tenant state"}
	}
	var body []byte
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		_ = r.Body.Close()
		if err != nil {
			return nil, errInvalidInput("the request body could not be read")
		}
		if len(body) > maxBody {
			return nil, &provider.HTTPError{Status: http.StatusRequestEntityTooLarge, Message: "the request body is too large"}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	pop := r.Header.Get("X-Authorization")
	if strings.TrimSpace(pop) == "" {
		return nil, newErr(http.StatusBadRequest, ReasonMissingPoP, "the X-Authorization header (PoP token) is required",
			"The request is invalid.")
	}
	var who caller
	authz := r.Header.Get("Authorization")
	switch scheme {
	case schemeClientPoP:
		id, secret, ok := r.BasicAuth()
		if !ok {
			return nil, newErr(http.StatusBadRequest, ReasonMissingCredentials,
				"client credentials are required as HTTP Basic authentication (client_id:client_secret)", "The request is invalid.")
		}
		c, e := st.AuthenticateClient(id, secret)
		if e != nil {
			return nil, e
		}
		who.Client = c
	case schemeBearerPoP:
		tok, ok := bearer(authz)
		if !ok {
			return nil, newErr(http.StatusBadRequest, ReasonMissingCredentials,
				"an access token is required: Authorization: Bearer <access_token>", "The request is invalid.")
		}
		c, e := st.TokenClient(tok)
		if e != nil {
			return nil, e
		}
		who.Client, who.Access = c, tok
	default:
		return nil, &provider.HTTPError{Status: http.StatusInternalServerError, Message: "unknown auth scheme " + scheme}
	}
	req := popRequest{Method: r.Method, URI: requestURI(r), Header: r.Header, Body: body}
	if e := st.CheckPoP(who.Client, pop, req); e != nil {
		return nil, e
	}
	if who.Access != "" {
		if e := st.CheckAccess(who.Access); e != nil {
			return nil, e
		}
	}
	return r.WithContext(context.WithValue(r.Context(), callerKey{}, who)), nil
}

// bearer extracts the token of "Bearer <token>".
func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// Credentials implements provider.Credentialed: the scenario's partner
// clients and subscribers, for the startup banner and docs.
func (p *Provider) Credentials(cfg any) []provider.Credential {
	set, ok := cfg.(*settings)
	if !ok {
		return nil
	}
	var out []provider.Credential
	for _, c := range set.Clients {
		out = append(out, provider.Credential{Label: "client " + c.ID, Values: map[string]string{
			"clientId": c.ID, "clientSecret": c.Secret, "redirectUri": strings.Join(c.RedirectURIs, " "),
		}})
	}
	for _, u := range set.Users {
		lines := make([]string, 0, len(u.Lines))
		for _, l := range u.Lines {
			lines = append(lines, l.MSISDN)
		}
		out = append(out, provider.Credential{Label: "subscriber " + u.Login, Values: map[string]string{
			"login": u.Login, "password": u.Password, "lines": strings.Join(lines, " "),
		}})
	}
	return out
}
