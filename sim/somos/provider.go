package somos

import (
	"context"
	_ "embed"
	"github.com/telecomsim/simulator/internal/fake"
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Name is the provider's name: scenario section, control path, --listen.
const Name = "somos"

// authScheme is the IdToken in the Authorization header.
const authScheme = "idToken"

//go:embed openapi.yaml
var openapiYAML []byte

// Options are the provider's dependencies.
type Options struct {
	// Registry returns a tenant's TFNRegistry (nil when the tenant has
	// none: every TFN is then unknown).
	Registry func(w *tenant.World) Registry
	// RegistrySection names the provider whose scenario section holds the
	// registry's numbers, for cross-checking a scenario ("" skips it).
	RegistrySection string
}

// Provider emulates the Somos TFN Identity REST API.
type Provider struct {
	opts Options
}

// New returns the provider.
func New(opts Options) *Provider { return &Provider{opts: opts} }

var _ provider.Provider = (*Provider)(nil)

// Info describes the provider.
func (p *Provider) Info() provider.Info {
	return provider.Info{Name: Name, Title: "Somos TFN Identity REST API 1.0", Mount: "/somos", BasePath: "", RealBase: "https://tfnidentity.somos.com"}
}

// OpenAPI returns the embedded OpenAPI document.
func (p *Provider) OpenAPI() []byte { return openapiYAML }

// NewState builds a tenant's store from the configured section.
func (p *Provider) NewState(env provider.Env, cfg any) (tenant.State, error) {
	c, _ := cfg.(*Config)
	if c == nil {
		c = &Config{}
	}
	// Tokens are signed with the tenant's own secret, so they are refused
	// in every other tenant.
	secret := append([]byte(nil), env.Secret...)
	if len(secret) == 0 {
		secret = fake.Secret(env.Seed, "", Name)
	}
	var reg func() Registry
	if p.opts.Registry != nil && env.World != nil {
		w, get := env.World, p.opts.Registry
		reg = func() Registry { return get(w) }
	}
	s := newStore(env.Clock, reg, c.settings(), secret)
	if env.World != nil {
		s.story = env.World.Timeline
	}
	s.seed(c,
		func() (string, string) { return env.Faker.FirstName(), env.Faker.LastName() },
		func() string { return "+1469555" + env.Faker.Numerify("####") })
	return s, nil
}

type callerKey struct{}

// Authenticate checks the IdToken of a secure route.
func (p *Provider) Authenticate(r *http.Request, scheme string) (*http.Request, error) {
	s := provider.StateOf[*Store](r, Name)
	if s == nil {
		return nil, internalError("no TFN Identity state for this tenant")
	}
	c, err := s.Authenticate(r.Header.Get("Authorization"))
	if err != nil {
		return nil, err
	}
	if provider.SetCaller(r, c) {
		return r, nil
	}
	return r.WithContext(context.WithValue(r.Context(), callerKey{}, c)), nil
}

// callerOf returns the caller Authenticate accepted: recorded in the
// request's Match when the engine or the route table serves it, else in its
// context.
func callerOf(r *http.Request) *Caller {
	if m := provider.MatchFrom(r.Context()); m != nil {
		if c, ok := m.Caller.(*Caller); ok && c != nil {
			return c
		}
	}
	c, _ := r.Context().Value(callerKey{}).(*Caller)
	if c == nil {
		return &Caller{} // unreachable on secure routes
	}
	return c
}

func storeOf(r *http.Request) (*Store, error) {
	s := provider.StateOf[*Store](r, Name)
	if s == nil {
		return nil, internalError("no TFN Identity state for this tenant")
	}
	return s, nil
}

// StateRegistry reads the registry from another provider's state in the
// same world (the TFNRegistry's state implements Lookup), so wiring is
// somos.New(somos.Options{Registry: somos.StateRegistry("tnregistry")}).
func StateRegistry(name string) func(w *tenant.World) Registry {
	return func(w *tenant.World) Registry {
		if w == nil {
			return nil
		}
		if r, ok := w.State(name).(Registry); ok && r != nil {
			return r
		}
		return nil
	}
}
