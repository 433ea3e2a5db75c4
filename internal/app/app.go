// Package app builds the simulator's whole http.Handler: tenant resolution,
// the journal, faults, every provider mounted at its path, and the /__sim
// control API. It also wires providers that need each other's worlds.
package app

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/fault"
	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/stub"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/upstream"
)

// TenantHeader names the tenant of a request that has no /t/{tenant} prefix.
const TenantHeader = "X-Sim-Tenant"

// Config configures an App.
type Config struct {
	// Scenario is the world every tenant starts from.
	Scenario *scenario.Scenario
	// Providers to serve; nil means all of them (Providers()).
	Providers []provider.Provider
	Logger    *slog.Logger
	Version   string
	// MaxBody bounds request bodies (default 10 MiB).
	MaxBody int64
	// MaxTenants caps live tenants; to make room for a new one the least
	// recently used tenant idle for longer than TenantIdle is evicted, and
	// when none is, the new tenant gets a 503 (default 10,000; negative
	// means no cap).
	MaxTenants int
	// TenantIdle is how long a tenant must go unused before it may be
	// evicted (default 30 minutes).
	TenantIdle time.Duration
	// JournalSecrets keeps credentials, tokens and passwords in the journal
	// as sent; by default they are redacted.
	JournalSecrets bool
	// AdminToken, when set, is required (as a Bearer token) on /__sim.
	AdminToken string
	// MaxStateBytes bounds a state document imported through the control
	// API (default 64 MiB).
	MaxStateBytes int64
	// Replica names this process in the X-Sim-Replica header of every
	// answer, so people and tests behind a load balancer can see which
	// replica holds a tenant; empty sends no header.
	Replica string
	// Proxy forwards what the simulator does not answer to the real APIs
	// (--proxy); nil forwards nothing.
	Proxy *upstream.Proxy
	// ClockStart, when set, replaces the clock start of the scenario the
	// process serves (Scenario and every SetScenario), not of scenarios a
	// tenant loads for itself.
	ClockStart *scenario.ClockStart
}

// ReplicaHeader names the replica that answered (Config.Replica).
const ReplicaHeader = "X-Sim-Replica"

type mount struct {
	p       provider.Provider
	info    provider.Info
	spec    *oas.Lazy
	handler http.Handler
	routes  []provider.Route
	// emulates says whether a route answers the request's method and path.
	emulates func(*http.Request) bool
}

// loaded is a scenario together with each provider's decoded section.
type loaded struct {
	sc     *scenario.Scenario
	cfgs   map[string]any
	faults []fault.Rule
	events []plannedEvent
	stubs  []stub.Stub
}

// App is the simulator.
type App struct {
	cfg     Config
	log     *slog.Logger
	mounts  []*mount
	byName  map[string]*mount
	tenants *tenant.Registry
	control http.Handler
	metrics *requestMetrics

	mu      sync.RWMutex
	current *loaded
	// replica is the X-Sim-Replica value, built once (nil: no header).
	replica []string
	// processKey is drawn from crypto/rand when the app starts; tenants'
	// signing keys derive from it unless their scenario pins them.
	processKey []byte
}

// New builds the simulator from a scenario.
func New(cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Providers == nil {
		cfg.Providers = Providers()
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 10 << 20
	}
	if cfg.MaxStateBytes == 0 {
		cfg.MaxStateBytes = 64 << 20
	}
	if cfg.MaxTenants == 0 {
		cfg.MaxTenants = 10000
	}
	key, err := newProcessKey()
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: cfg.Logger, byName: map[string]*mount{}, processKey: key}
	if cfg.Replica != "" {
		a.replica = []string{cfg.Replica}
	}
	for _, p := range cfg.Providers {
		info := p.Info()
		m := &mount{p: p, info: info, spec: oas.NewLazy(p.OpenAPI()), routes: p.Routes()}
		m.handler = provider.Handler(p, m.spec, a.wrapRoute)
		m.emulates = emulates(info.Name, m.routes)
		a.mounts = append(a.mounts, m)
		a.byName[info.Name] = m
	}
	// Longest mount first, so "/a/b" wins over "/a".
	sort.SliceStable(a.mounts, func(i, j int) bool { return len(a.mounts[i].info.Mount) > len(a.mounts[j].info.Mount) })
	l, err := a.configure(a.overrideStart(cfg.Scenario))
	if err != nil {
		return nil, err
	}
	a.current = l
	a.tenants = tenant.NewRegistry(a.factory)
	if cfg.MaxTenants > 0 {
		a.tenants.Max = cfg.MaxTenants
	}
	a.tenants.Idle = cfg.TenantIdle
	a.metrics = newMetrics(a)
	a.control = a.newControl()
	return a, nil
}

// knownSections are the providers this project emulates. A scenario may hold
// their sections even when a build serves fewer providers (a section for a
// provider that is not served is ignored).
var knownSections = []string{"flowroute", "tnregistry", "somos", "call48", "tmobile"}

// ProviderNames lists the section names a scenario may use: the given
// providers' names plus the known sections.
func ProviderNames(ps []provider.Provider) []string {
	out := make([]string, 0, len(ps)+len(knownSections))
	seen := map[string]bool{}
	for _, p := range ps {
		out = append(out, p.Info().Name)
		seen[p.Info().Name] = true
	}
	for _, n := range knownSections {
		if !seen[n] {
			out = append(out, n)
		}
	}
	return out
}

// served lists the names of the providers this app serves.
func (a *App) served() []string {
	out := make([]string, len(a.cfg.Providers))
	for i, p := range a.cfg.Providers {
		out[i] = p.Info().Name
	}
	return out
}

// Names lists the section names this app's scenarios may use.
func (a *App) Names() []string { return ProviderNames(a.cfg.Providers) }

// ParseScenario parses a scenario for this app's providers and configures
// every provider section, so all problems are found before anything changes.
func (a *App) ParseScenario(file string, data []byte, read func(string) ([]byte, error)) (*scenario.Scenario, error) {
	sc, err := scenario.Parse(file, data, a.Names(), read)
	if err != nil {
		return nil, err
	}
	if _, err := a.configure(sc); err != nil {
		return nil, err
	}
	return sc, nil
}

func (a *App) configure(sc *scenario.Scenario) (*loaded, error) {
	l := &loaded{sc: sc, cfgs: map[string]any{}}
	var ps scenario.Problems
	for _, p := range a.cfg.Providers {
		name := p.Info().Name
		cfg, err := p.Configure(sc.Sections[name], sc)
		if err != nil {
			ps = append(ps, scenario.AsProblems(err)...)
			continue
		}
		l.cfgs[name] = cfg
	}
	if len(ps) == 0 {
		for _, p := range a.cfg.Providers {
			if cc, ok := p.(provider.CrossChecker); ok {
				name := p.Info().Name
				ps = append(ps, cc.CrossCheck(l.cfgs[name], sc.Sections[name], l.cfgs)...)
			}
		}
	}
	rules, fps := a.configureFaults(sc)
	l.faults = rules
	ps = append(ps, fps...)
	events, eps := a.parseEvents(sc)
	l.events = events
	ps = append(ps, eps...)
	stubs, sps := a.parseStubs(sc)
	l.stubs = stubs
	ps = append(ps, sps...)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return l, nil
}

// SetScenario makes sc the world of every tenant, resetting all of them.
func (a *App) SetScenario(sc *scenario.Scenario) error {
	l, err := a.configure(a.overrideStart(sc))
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.current = l
	a.mu.Unlock()
	a.tenants.DeleteAll()
	return nil
}

// tenantScenarioKey holds, on a world, the scenario PUT /__sim/scenario
// loaded into that tenant alone. It lives and goes with the world: a tenant
// deleted or evicted frees it and comes back on the served scenario (a map
// beside the registry once kept the scenarios of every deleted tenant).
const tenantScenarioKey = "engine.scenario"

// loadedFor is the scenario a tenant runs: its own, else the served one.
func (a *App) loadedFor(id string) *loaded {
	if w, ok := a.tenants.Lookup(id); ok {
		if l, ok := w.Extra(tenantScenarioKey).(*loaded); ok {
			return l
		}
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.current
}

// buildFor builds a tenant's world on the scenario it runs, keeping a
// tenant's own scenario across the rebuild (a reset, an import).
func (a *App) buildFor(id string, mode clock.Mode) (*tenant.World, error) {
	l := a.loadedFor(id)
	w, err := a.build(id, l, mode)
	if err != nil {
		return nil, err
	}
	a.mu.RLock()
	own := l != a.current
	a.mu.RUnlock()
	if own {
		w.SetExtra(tenantScenarioKey, l)
	}
	return w, nil
}

func (a *App) factory(id string, mode clock.Mode) (*tenant.World, error) {
	return a.buildFor(id, mode)
}

// build makes a tenant's world; a mode other than "" overrides the
// scenario's clock mode from the start.
func (a *App) build(id string, l *loaded, mode clock.Mode) (*tenant.World, error) {
	l, err := a.resolveStart(id, l)
	if err != nil {
		return nil, err
	}
	w := tenant.NewWorld(id, l.sc)
	w.Clock.SetPanicHandler(func(v any, stack []byte) {
		a.log.Error("panic in a tenant's clock timer; the tenant goes on", "tenant", id, "panic", fmt.Sprint(v), "stack", string(stack))
		w.RecordPanic("clock timer", v)
	})
	w.Journal.KeepSecrets = a.cfg.JournalSecrets
	if mode != "" {
		w.Clock.Restore(l.sc.Clock.Start, mode)
	}
	a.attachEngine(w, l)
	for _, p := range a.cfg.Providers {
		name := p.Info().Name
		env := provider.Env{
			World:  w,
			Clock:  w.Clock,
			Faker:  fake.New(l.sc.Seed, name),
			Secret: a.secret(l.sc, id, name),
			Seed:   l.sc.Seed,
			Start:  l.sc.Clock.Start,
			Logger: a.log.With("tenant", id, "provider", name),
		}
		st, err := p.NewState(env, l.cfgs[name])
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("tenant %s: %s: %w", id, name, err)
		}
		w.AddState(name, st)
	}
	a.scheduleEvents(w, l)
	return w, nil
}

// MaxStateBytes implements control.Engine.
func (a *App) MaxStateBytes() int64 { return a.cfg.MaxStateBytes }

// Tenants exposes the tenant registry.
func (a *App) Tenants() *tenant.Registry { return a.tenants }

// World returns (creating if needed) a tenant's world.
func (a *App) World(id string) (*tenant.World, error) { return a.tenants.Get(id) }

// Check builds the default tenant once, so a scenario that cannot produce a
// world fails at startup rather than on the first request.
func (a *App) Check() error {
	_, err := a.tenants.Get(tenant.Default)
	return err
}

// Close stops every tenant's clock.
func (a *App) Close() { a.tenants.DeleteAll() }
