// Package app builds the simulator's whole http.Handler: tenant resolution,
// the journal, faults, every provider mounted at its path, and the /__sim
// control API. It also wires providers that need each other's worlds.
package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
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
	metrics *metrics

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

// Handler serves everything on the main port.
func (a *App) Handler() http.Handler { return http.HandlerFunc(a.serve) }

// ProviderHandler serves one provider at the root paths of its real API (for
// a dedicated listener); tenants work there too.
func (a *App) ProviderHandler(name string) (http.Handler, error) {
	m, ok := a.byName[name]
	if !ok {
		return nil, fmt.Errorf("unknown provider %q (known: %s)", name, strings.Join(a.served(), ", "))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.stampReplica(w)
		defer a.recoverTo(w, r, m)
		id, path, ok := splitTenant(r)
		if !ok {
			m.p.WriteError(w, r, &provider.HTTPError{Status: http.StatusBadRequest, Message: "invalid tenant id"})
			return
		}
		if strings.HasPrefix(path, "/__sim") {
			a.serveControl(w, r, id, path)
			return
		}
		a.serveProvider(w, r, m, id, path)
	}), nil
}

// splitTenant finds the request's tenant: a /t/{tenant} path prefix, else
// the X-Sim-Tenant header, else "default". It returns the path without the
// prefix.
func splitTenant(r *http.Request) (id, path string, ok bool) {
	path = r.URL.Path
	if strings.HasPrefix(path, "/t/") {
		rest := path[len("/t/"):]
		id, path, _ = strings.Cut(rest, "/")
		path = "/" + path
		return id, path, tenant.ValidID(id)
	}
	if h := r.Header.Get(TenantHeader); h != "" {
		return h, path, tenant.ValidID(h)
	}
	return tenant.Default, path, true
}

// stampReplica names this replica on the answer; the header map key is
// already canonical, so this costs no allocation per request.
func (a *App) stampReplica(w http.ResponseWriter) {
	if a.replica != nil {
		w.Header()[ReplicaHeader] = a.replica
	}
}

func (a *App) serve(w http.ResponseWriter, r *http.Request) {
	a.stampReplica(w)
	defer a.recoverTo(w, r, nil)
	id, path, ok := splitTenant(r)
	if !ok {
		provider.WriteControlError(w, http.StatusBadRequest, "invalid tenant id: use 1-64 letters, digits, '.', '_' or '-'")
		return
	}
	if path == "/__sim" || strings.HasPrefix(path, "/__sim/") {
		a.serveControl(w, r, id, path)
		return
	}
	for _, m := range a.mounts {
		if path == m.info.Mount || strings.HasPrefix(path, m.info.Mount+"/") {
			a.serveProvider(w, r, m, id, strings.TrimPrefix(path, m.info.Mount))
			return
		}
	}
	if path == "/" {
		a.serveIndex(w, r)
		return
	}
	provider.WriteControlError(w, http.StatusNotFound, "no provider is mounted at "+path+"; see GET /__sim/providers")
}

// withPath returns a shallow copy of r routed at path (RequestURI untouched).
func withPath(r *http.Request, path string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path = path
	u.RawPath = ""
	r2.URL = &u
	return r2
}

func (a *App) serveProvider(w http.ResponseWriter, r *http.Request, m *mount, id, path string) {
	world, created, err := a.tenants.Acquire(id)
	if err != nil {
		var full *tenant.FullError
		if errors.As(err, &full) {
			a.log.Warn("new tenant refused: registry full", "tenant", id, "max", full.Max)
			w.Header().Set("Retry-After", "60")
			m.p.WriteError(w, r, &provider.HTTPError{Status: http.StatusServiceUnavailable, Message: full.Error()})
			return
		}
		a.log.Error("tenant", "tenant", id, "err", err)
		m.p.WriteError(w, r, &provider.HTTPError{Status: http.StatusInternalServerError, Message: "tenant could not be created"})
		return
	}
	world.Clock.Fire()
	seq := world.Timeline.Mark()
	start := clock.Wall()
	routed := path
	if routed == "" {
		routed = "/"
	}
	r2, match := provider.Routed(r, world, routed)
	defer a.recoverTo(w, r2, m) // a provider's panic answers in its own shape

	// Read the body once (bounded) so it can be journaled, matched by fault
	// rules and validated, and still be read by the handler.
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				m.p.WriteError(w, r2, &provider.HTTPError{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("request body larger than %d bytes", a.cfg.MaxBody)})
			} else {
				m.p.WriteError(w, r2, &provider.HTTPError{Status: http.StatusBadRequest, Message: "could not read request body"})
			}
			return
		}
		read, ctype := lenientBody(r.Header.Get("Content-Type"), body)
		if ctype != "" {
			r2.Header = r2.Header.Clone() // the journal keeps what the client sent
			r2.Header.Set("Content-Type", ctype)
		}
		r2.Body = io.NopCloser(bytes.NewReader(read))
		r2.ContentLength = int64(len(read))
		match.Body = body
	}
	rec := newRecorder(w, world.Journal.BodyLimit)
	if !a.serveBeyond(rec, r2, m, world, body, match) {
		m.handler.ServeHTTP(rec, r2)
	}

	e := journalEntry(world, m.info.Name, r, path, body, rec, match)
	e.DurationMS = float64(clock.Wall().Sub(start).Microseconds()) / 1000
	e.Seq = seq
	e.Fault = match.Fault
	// The request that brought its tenant into being proved no credentials
	// and got nowhere: it leaves nothing behind, so anonymous traffic cannot
	// fill the registry and evict real tenants. (Release keeps the world if
	// another request used it meanwhile.)
	// A stub or the upstream proxy answering (Source) is a configured use, kept.
	released := created && !match.Authenticated && match.Source == "" && (e.Status >= 400 || match.Refused) && a.tenants.Release(world)
	if !released {
		world.Journal.AddRequest(e, r.Header)
	}
	a.metrics.observe(m.info.Name, match, e.Status, e.DurationMS/1000)
	if a.log.Enabled(r.Context(), slog.LevelDebug) { // the arguments cost allocations even when dropped
		a.log.Debug("request", "tenant", id, "provider", m.info.Name, "method", r.Method, "path", path, "status", rec.status, "ms", e.DurationMS)
	}
}

func (a *App) serveIndex(w http.ResponseWriter, r *http.Request) {
	// A browser gets the dashboard (keeping any /t/{tenant} prefix); API
	// clients get the JSON description below.
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.Contains(r.Header.Get("Accept"), "text/html") {
		http.Redirect(w, r, strings.TrimSuffix(r.URL.Path, "/")+"/__sim/ui/", http.StatusFound)
		return
	}
	type prov struct {
		Name  string `json:"name"`
		Title string `json:"title"`
		URL   string `json:"url"`
	}
	var ps []prov
	for _, p := range a.cfg.Providers {
		info := p.Info()
		ps = append(ps, prov{info.Name, info.Title, info.Mount + info.BasePath})
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{
		"name":       "telecom provider simulator",
		"version":    a.cfg.Version,
		"providers":  ps,
		"control":    "/__sim",
		"dashboard":  "/__sim/ui",
		"tenantHint": "prefix any path with /t/{tenant} or send " + TenantHeader,
	})
}

func (a *App) recoverTo(w http.ResponseWriter, r *http.Request, m *mount) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	a.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
	if m != nil {
		m.p.WriteError(w, r, &provider.HTTPError{Status: http.StatusInternalServerError, Message: "internal server error"})
		return
	}
	provider.WriteControlError(w, http.StatusInternalServerError, "internal server error")
}

// exportDoc is a tenant's whole world as JSON.
type exportDoc struct {
	Version   int                        `json:"version"`
	Tenant    string                     `json:"tenant"`
	Scenario  string                     `json:"scenario"`
	Clock     clockDoc                   `json:"clock"`
	Engine    json.RawMessage            `json:"engine,omitempty"`
	Providers map[string]json.RawMessage `json:"providers"`
}

type clockDoc struct {
	Now  time.Time  `json:"now"`
	Mode clock.Mode `json:"mode"`
}

// Export encodes a tenant's whole world.
func (a *App) Export(w *tenant.World) ([]byte, error) {
	doc := exportDoc{
		Version:   StateVersion,
		Tenant:    w.ID,
		Scenario:  w.Scenario.Name,
		Clock:     clockDoc{Now: w.Clock.Now(), Mode: w.Clock.Mode()},
		Providers: map[string]json.RawMessage{},
	}
	eng, err := json.Marshal(a.exportEngine(w))
	if err != nil {
		return nil, err
	}
	doc.Engine = eng
	for _, name := range w.Names() {
		b, err := json.Marshal(w.State(name).Export())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		doc.Providers[name] = b
	}
	return json.MarshalIndent(doc, "", "  ")
}

// StateVersion is the version of the state documents this build writes and
// reads.
const StateVersion = 1

// Import replaces a tenant's world with an export. The document is checked
// whole first: its version, its required fields, the clock, and every
// provider's section (strictly decoded, cross-references resolved). A
// document with problems is refused with all of them (tenant.Problems) and
// the tenant keeps its world.
func (a *App) Import(id string, data []byte) (*tenant.World, error) {
	if !tenant.ValidID(id) { // a state file names its tenants
		return nil, fmt.Errorf("invalid tenant id %q", id)
	}
	var doc exportDoc
	if err := tenant.DecodeState(data, &doc); err != nil {
		return nil, err
	}
	var ps tenant.Problems
	switch {
	case doc.Version == 0:
		ps.Add("version", "required: this build reads version %d", StateVersion)
	case doc.Version != StateVersion:
		ps.Add("version", "version %d is not one this build reads (it reads %d)", doc.Version, StateVersion)
	}
	switch {
	case doc.Clock.Now.IsZero():
		ps.Add("clock.now", "required")
	case doc.Clock.Now.Year() > clock.MaxYear:
		ps.Add("clock.now", "past the year %d", clock.MaxYear)
	}
	if doc.Clock.Mode == "" {
		doc.Clock.Mode = clock.Frozen
	} else if _, err := clock.ParseMode(string(doc.Clock.Mode)); err != nil {
		ps.Add("clock.mode", "want real or frozen")
	}
	if len(ps) > 0 {
		return nil, ps
	}
	w, err := a.buildFor(id, "")
	if err != nil {
		return nil, err
	}
	w.Clock.Clear()
	w.Clock.Restore(doc.Clock.Now, doc.Clock.Mode)
	if err := a.importEngine(w, doc.Engine); err != nil {
		ps = append(ps, tenant.AsProblems(err).Under("engine")...)
	}
	for _, name := range w.Names() {
		if raw, ok := doc.Providers[name]; ok {
			if err := w.State(name).Import(raw); err != nil {
				ps = append(ps, tenant.AsProblems(err).Under("providers."+name)...)
			}
		}
	}
	for _, name := range sortedNames(doc.Providers) {
		if w.State(name) == nil {
			ps.Add("providers."+name, "no provider of that name is served")
		}
	}
	if len(ps) > 0 {
		w.Close()
		return nil, ps
	}
	if err := a.tenants.Put(w); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func sortedNames(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Check builds the default tenant once, so a scenario that cannot produce a
// world fails at startup rather than on the first request.
func (a *App) Check() error {
	_, err := a.tenants.Get(tenant.Default)
	return err
}

// Close stops every tenant's clock.
func (a *App) Close() { a.tenants.DeleteAll() }
