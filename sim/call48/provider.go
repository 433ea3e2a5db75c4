package call48

import (
	"context"
	_ "embed"
	"net/http"
	"strings"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Name is the provider's name: scenario section, control path, --listen name.
const Name = "call48"

// authToken is the one auth scheme: the login token in Authorization.
const authToken = "token"

//go:embed openapi.yaml
var openapiYAML []byte

// Provider is the Call48 API v4 emulation.
type Provider struct {
	stocks stocks // generated inventories, shared by tenants
}

// New returns the provider.
func New() *Provider { return &Provider{} }

// Info describes the provider.
func (p *Provider) Info() provider.Info {
	return provider.Info{Name: Name, Title: "Call48 API v4", Mount: "/call48", BasePath: "/api/v4", RealBase: "https://apicontrol.call48.com/api/v4"}
}

// OpenAPI returns the embedded OpenAPI document.
func (p *Provider) OpenAPI() []byte { return openapiYAML }

// NewState builds one tenant's state.
func (p *Provider) NewState(env provider.Env, cfg any) (tenant.State, error) {
	s, err := p.buildState(env, cfg)
	if err != nil {
		return nil, err
	}
	return s, nil
}

type callerKey struct{}

// Authenticate checks the token in Authorization ("Bearer " is accepted
// too) on the tenant's clock.
func (p *Provider) Authenticate(r *http.Request, _ string) (*http.Request, error) {
	s := storeOf(r)
	if s == nil {
		return nil, &provider.HTTPError{Status: http.StatusInternalServerError, Message: "call48 state missing"}
	}
	tok := strings.TrimSpace(r.Header.Get("Authorization"))
	if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
		tok = strings.TrimSpace(tok[7:])
	}
	tok = strings.Trim(tok, `"`)
	if tok == "" {
		return nil, ErrUnauthorized
	}
	c, err := s.Verify(tok)
	if err != nil {
		return nil, err
	}
	return r.WithContext(context.WithValue(r.Context(), callerKey{}, c)), nil
}

func storeOf(r *http.Request) *Store {
	return provider.StateOf[*Store](r, Name)
}

func callerOf(r *http.Request) Caller {
	c, _ := r.Context().Value(callerKey{}).(Caller)
	return c
}
