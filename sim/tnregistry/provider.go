package tnregistry

import (
	_ "embed"
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Name is the provider's name: its scenario section and control path prefix.
const Name = "tnregistry"

//go:embed openapi.yaml
var openapiYAML []byte

// Provider is the Somos TFNRegistry emulation.
type Provider struct{}

// New returns the provider.
func New() *Provider { return &Provider{} }

// Info describes the provider.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Name:     Name,
		Title:    "Somos TFNRegistry (number registry, customer records, UNS callbacks)",
		Mount:    "/tfnregistry",
		BasePath: "",
		RealBase: "https://api-tfnregistry.somos.com",
	}
}

// OpenAPI returns the embedded OpenAPI document.
func (p *Provider) OpenAPI() []byte { return openapiYAML }

// Configure decodes and checks the scenario section.
func (p *Provider) Configure(sec scenario.Section, sc *scenario.Scenario) (any, error) {
	return configure(sec, sc)
}

// NewState builds a tenant's registry from the configured section.
func (p *Provider) NewState(env provider.Env, cfg any) (tenant.State, error) {
	c, _ := cfg.(*config)
	if c == nil {
		c = &config{}
	}
	return newStateFrom(env, c)
}

// Authenticate accepts every request: the provider has no public routes.
func (p *Provider) Authenticate(r *http.Request, scheme string) (*http.Request, error) {
	return r, nil
}

// WriteError renders errors in the TFNRegistry error shape.
func (p *Provider) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, err)
}

func newStateFrom(env provider.Env, c *config) (*State, error) {
	s := newState(env.Clock)
	now := env.Clock.Now()
	for _, n := range c.numbers {
		n := n
		n.LastActDt = now
		s.numbers[n.TFN] = &n
	}
	return s, nil
}
