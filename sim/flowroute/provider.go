package flowroute

import (
	_ "embed"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Name is the provider's name in scenarios, control paths and --listen.
const Name = "flowroute"

const mediaType = "application/vnd.api+json"

//go:embed openapi.yaml
var spec []byte

// Provider emulates Flowroute API v2 (CNAM records and numbers).
type Provider struct {
	log *slog.Logger
}

// New returns the Flowroute provider.
func New(log *slog.Logger) *Provider {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Provider{log: log}
}

// Info implements provider.Provider.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Name:     Name,
		Title:    "Flowroute API v2",
		Mount:    "/flowroute",
		BasePath: "/v2",
		RealBase: "https://api.flowroute.com/v2",
	}
}

// OpenAPI implements provider.Provider.
func (p *Provider) OpenAPI() []byte { return spec }

// Configure implements provider.Provider.
func (p *Provider) Configure(sec scenario.Section, _ *scenario.Scenario) (any, error) {
	return configure(sec)
}

// NewState implements provider.Provider.
func (p *Provider) NewState(env provider.Env, cfg any) (tenant.State, error) {
	c := cfg.(*Config)
	h := fnv.New64a()
	_, _ = h.Write([]byte(env.World.ID))
	s := newState(env.Clock, c, uint64(env.Seed)^h.Sum64())
	if env.World != nil {
		s.story = env.World.Timeline
	}
	s.seed(c, env.Faker, env.Start)
	return s, nil
}

type accountKey struct{}

// Authenticate implements provider.Provider: HTTP Basic with the account's
// access key and secret key.
func (p *Provider) Authenticate(r *http.Request, _ string) (*http.Request, error) {
	var buf [192]byte
	user, pass, ok := basicCredentials(r.Header, buf[:])
	if !ok {
		// Longer credentials than buf holds: decode them the usual way.
		u, pw, okLong := r.BasicAuth()
		if !okLong {
			return nil, errAuth
		}
		user, pass = []byte(u), []byte(pw)
	}
	st := provider.StateOf[*State](r, Name)
	if st == nil {
		return nil, errAuth
	}
	acct, ok := st.authenticate(user, pass)
	if !ok {
		return nil, errAuth
	}
	if provider.SetCaller(r, acct) {
		return r, nil
	}
	return r.WithContext(contextWithAccount(r.Context(), acct.AccessKey)), nil
}

func stateAndAccount(r *http.Request) (*State, string) {
	return provider.StateOf[*State](r, Name), accountOf(r)
}

// Credentials implements provider.Credentialed.
func (p *Provider) Credentials(cfg any) []provider.Credential {
	c, _ := cfg.(*Config)
	if c == nil {
		return nil
	}
	var out []provider.Credential
	for _, a := range c.Accounts {
		out = append(out, provider.Credential{Label: "account " + a.Name, Values: map[string]string{"accessKey": a.AccessKey, "secretKey": a.SecretKey}})
	}
	return out
}

// SectionType implements provider.Provider: the scenario section's type.
func (p *Provider) SectionType() any { return &Config{} }
