// Package provider is the contract between the engine and each emulated
// provider (sim/<name>), plus the router every provider is served through.
//
// A provider describes itself (Info), lists its routes (the route table is
// the documentation), ships an OpenAPI document, decodes its scenario section
// once (Configure) and builds one State per tenant (NewState). The engine
// resolves the tenant, journals, injects faults and mounts the provider; the
// provider's handlers find their tenant's state with StateOf.
package provider

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// AuthNone marks a route that needs no credentials. Other values of
// Route.Auth name one of the provider's schemes, passed to Authenticate.
const AuthNone = ""

// Info describes a provider.
type Info struct {
	Name  string `json:"name"`  // "flowroute": the scenario section, control path and --listen name
	Title string `json:"title"` // "Flowroute API v2"
	// Mount is the prefix on the main port ("/flowroute"). Routes are written
	// with the real API's own paths ("/v2/cnams"), so on a dedicated listener
	// the provider is served at the root.
	Mount string `json:"mount"`
	// BasePath is the path the real base URL ends with ("/v2"), so the
	// equivalent of the real base URL is Mount+BasePath.
	BasePath string `json:"basePath"`
	// RealBase is the real API's base URL, for docs.
	RealBase string `json:"realBase"`
}

// Route is one endpoint.
type Route struct {
	Method string
	// Path is a gorilla/mux template of the real API path: "/v2/cnams/{id}".
	Path string
	// Name is a short operation name for docs ("list CNAM records").
	Name string
	// Auth is AuthNone or the provider's scheme for this route.
	Auth    string
	Handler http.HandlerFunc
	// NoValidate skips OpenAPI request validation (browser forms, raw uploads).
	NoValidate bool
}

// Env is what a provider gets when building a tenant's state.
type Env struct {
	// World is the tenant being built. States of providers registered before
	// this one are already in it (World.State).
	World *tenant.World
	Clock clock.Clock
	Faker *gofakeit.Faker // seeded from the scenario seed and the provider name
	// Secret is 32 bytes unique to this tenant and provider (derived from the
	// scenario seed, tenant id and provider name): sign tokens and draw
	// credentials from it, so one tenant's tokens never work in another.
	Secret []byte
	Seed   int64
	Start  time.Time // the scenario's clock start (for relative times)
	Logger *slog.Logger
}

// Provider is one emulated API.
type Provider interface {
	Info() Info
	// Routes are the provider's API endpoints.
	Routes() []Route
	// ControlRoutes are the provider's levers, mounted under /__sim: their
	// paths start with the provider's name ("/flowroute/cnams/{id}/approve").
	// They answer JSON and report errors with WriteControlError.
	ControlRoutes() []Route
	// OpenAPI returns the provider's OpenAPI 3 document (YAML or JSON).
	OpenAPI() []byte
	// SectionType returns a pointer to the type the provider's scenario
	// section decodes into (for the scenario JSON Schema).
	SectionType() any
	// Configure decodes and checks the provider's scenario section (which may
	// be absent) once per scenario load. Problems are scenario.Problems.
	Configure(sec scenario.Section, sc *scenario.Scenario) (any, error)
	// NewState builds one tenant's state from the configured section.
	NewState(env Env, cfg any) (tenant.State, error)
	// Authenticate checks the credentials a route's scheme asks for and
	// returns the request carrying the caller (in its context), or an error
	// that WriteError renders (401/403 in the provider's shape).
	Authenticate(r *http.Request, scheme string) (*http.Request, error)
	// WriteError is the provider's one error writer. Besides its own errors it
	// must render *HTTPError (404, 405, 413, 500, fault statuses) and
	// *oas.ValidationError in the real API's shape.
	WriteError(w http.ResponseWriter, r *http.Request, err error)
}

// HTTPError is an engine-level failure (unknown route, wrong method, body
// too large, injected fault, panic) for the provider to render in its shape.
type HTTPError struct {
	Status  int
	Message string
	// Body, when set, is written as is instead of the provider's shape (a
	// fault rule with an explicit body).
	Body []byte
}

func (e *HTTPError) Error() string { return e.Message }

// StateOf returns the request's tenant state for a provider, typed.
func StateOf[T tenant.State](r *http.Request, name string) T {
	var zero T
	w := tenant.From(r.Context())
	if w == nil {
		return zero
	}
	s, _ := w.State(name).(T)
	return s
}

// Credential is one set of demo credentials from a scenario, for the
// startup banner, simtest and docs.
type Credential struct {
	Label  string            `json:"label"`  // "account demo", "user admin@somos.example"
	Values map[string]string `json:"values"` // "accessKey": "...", "secretKey": "..."
}

// Credentialed is implemented by providers that can list the credentials a
// configured scenario section defines.
type Credentialed interface {
	Credentials(cfg any) []Credential
}

// Actor is implemented by providers whose levers can be scheduled as
// scenario events (events: [{at: "+5m", provider: flowroute, action:
// approve, id: 17608}]).
type Actor interface {
	// Actions describes the action names the provider accepts, for docs
	// and error messages.
	Actions() map[string]string
	// Action decodes and checks one event's arguments (the event's keys
	// other than at, provider and action, decoded with args.Decode) when the
	// scenario loads, and returns what to run on a tenant's state when the
	// event falls due.
	Action(name string, args scenario.Section) (func(st tenant.State) error, error)
}

// OnState adapts an action on a provider's own state type to what
// Actor.Action returns. A state of another type (which the engine never
// passes) is an error rather than a panic in a timer.
func OnState[T tenant.State](f func(T) error) func(tenant.State) error {
	return func(st tenant.State) error {
		s, ok := st.(T)
		if !ok {
			return fmt.Errorf("event for a %T state run on %T", s, st)
		}
		return f(s)
	}
}

// CrossChecker is implemented by providers whose scenario section refers to
// what another provider's section holds (Somos users and CNAM records name
// Resp Orgs and numbers of the TFNRegistry section). It runs once every
// section is configured, with each provider's configured value by name, and
// reports problems in its own section.
type CrossChecker interface {
	CrossCheck(cfg any, sec scenario.Section, peers map[string]any) scenario.Problems
}
