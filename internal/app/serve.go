package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/tenant"
)

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
	rec := newRecorder(w, world.Journal)
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
