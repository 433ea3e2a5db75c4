package tnregistry

import (
	_ "embed"
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/webhook"
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
	s.carrierLists = c.carrierLists
	if s.carrierLists == "" {
		s.carrierLists = "array"
	}
	s.queue = webhook.New(env.Clock, c.delivery, env.Seed, "uns-")
	if env.Logger != nil {
		s.queue.SetLogger(env.Logger)
	}
	s.queue.HandleLocal("inbox", s.inboxHandler())
	s.queue.Observe(s.markAttempt, s.noteAttempt)
	if env.World != nil {
		s.story = env.World.Timeline
	}
	for k, v := range c.policies {
		s.policies[k] = v
	}
	s.scps = append([]SCPConfig{}, c.scps...)
	for _, f := range c.faults {
		if _, err := s.queue.AddFault(f); err != nil {
			return nil, err
		}
	}
	now := env.Clock.Now()
	for _, n := range c.numbers {
		n := n
		n.LastActDt = now
		s.numbers[n.TFN] = &n
	}
	for _, t := range c.templates {
		r := t.clone()
		s.templates[r.TmplName] = &r
	}
	for _, rc := range c.records {
		r := rc.clone()
		s.records[r.TFN] = &r
	}
	for _, sub := range c.subscriptions {
		sub.CreatedAt = now
		s.subs[sub.key()] = sub
	}
	for _, ev := range c.events {
		ev := ev
		s.events = append(s.events, &ev)
	}
	s.mu.Lock()
	s.armEventsLocked()
	for _, r := range s.records {
		s.armRecordLocked(r)
	}
	s.mu.Unlock()
	return s, nil
}

// SectionType implements provider.Provider: the scenario section's type.
func (p *Provider) SectionType() any { return &Config{} }
