// Package control is the simulator's /__sim control API: health, reset,
// clock, journal and request verification, tenants, state export/import,
// providers and their specs, scenarios, plus every provider's own levers. It
// is tenant-scoped exactly like provider routes (/t/{tenant}/__sim/... or
// X-Sim-Tenant).
package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/journal"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/timeline"
)

// Engine is what the control API drives; internal/app implements it.
type Engine interface {
	// Version is the build's version (a release tag or devel+commit).
	Version() string
	World(id string) (*tenant.World, error)
	Tenants() *tenant.Registry
	Infos() []provider.Info
	Routes(name string) []provider.Route
	SpecRaw(name string) ([]byte, bool)
	Export(w *tenant.World) ([]byte, error)
	Import(id string, data []byte) (*tenant.World, error)
	Scenario(id string) *scenario.Scenario
	// LoadTenantScenario parses a scenario and makes it one tenant's world.
	LoadTenantScenario(id string, file string, data []byte) (*scenario.Scenario, error)
	// MaxStateBytes bounds a state document sent to PUT /__sim/state.
	MaxStateBytes() int64
}

// imports lets one state document be read and imported at a time, so
// concurrent uploads cannot hold many times the size limit in memory.
var imports = make(chan struct{}, 1)

type idKey struct{}

// WithTenant returns ctx naming the tenant a control request is for.
func WithTenant(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, idKey{}, id)
}

type scopedKey struct{}

// WithScoped marks a control request made below a tenant's own path
// (/t/{tenant}/__sim/...): it may manage only that tenant. Listing and
// deleting other tenants is the job of the root /__sim.
func WithScoped(ctx context.Context) context.Context {
	return context.WithValue(ctx, scopedKey{}, true)
}

func scoped(r *http.Request) bool {
	v, _ := r.Context().Value(scopedKey{}).(bool)
	return v
}

func tenantID(r *http.Request) string {
	if id, ok := r.Context().Value(idKey{}).(string); ok {
		return id
	}
	return tenant.Default
}

// Handler is the control API router. Paths are below /__sim.
type Handler struct {
	e      Engine
	router *http.ServeMux
	// endpoints are "METHOD /__sim/path" in the order registered, for the
	// index; methods are the methods any route takes.
	endpoints []string
	methods   []string
}

// New builds the control API. extra are the providers' control routes
// (paths relative to /__sim) and any engine routes added by the app.
func New(e Engine, extra []provider.Route) *Handler {
	h := &Handler{e: e, router: http.NewServeMux()}
	h.handle(http.MethodGet, "", h.index)
	h.handle(http.MethodGet, "/", h.index)
	h.handle(http.MethodGet, "/health", h.health)
	h.handle(http.MethodPost, "/reset", h.reset)
	h.handle(http.MethodGet, "/clock", h.world(h.getClock))
	h.handle(http.MethodPost, "/clock/advance", h.world(h.advance))
	h.handle(http.MethodPost, "/clock/set", h.world(h.setClock))
	h.handle(http.MethodPost, "/clock/mode", h.world(h.setMode))
	h.handle(http.MethodGet, "/journal", h.world(h.journal))
	h.handle(http.MethodDelete, "/journal", h.world(h.clearJournal))
	h.handle(http.MethodPost, "/verify", h.world(h.verify))
	h.handle(http.MethodGet, "/timeline", h.world(h.timeline))
	h.handle(http.MethodGet, "/numbers/{number}", h.world(h.numberLife))
	h.handle(http.MethodGet, "/tenants", h.tenants)
	h.handle(http.MethodDelete, "/tenants/{id}", h.deleteTenant)
	h.handle(http.MethodGet, "/state", h.world(h.export))
	h.handle(http.MethodPut, "/state", h.importState)
	h.handle(http.MethodGet, "/providers", h.providers)
	h.handle(http.MethodGet, "/openapi/{provider}", h.openapi)
	h.handle(http.MethodGet, "/scenario", h.getScenario)
	h.handle(http.MethodPut, "/scenario", h.putScenario)
	for _, rt := range extra {
		hf := rt.Handler
		h.handle(rt.Method, rt.Path, h.world(func(w http.ResponseWriter, r *http.Request, _ *tenant.World) { hf(w, r) }))
	}
	return h
}

// handle registers f for method on /__sim+path, whose {name} segments are
// route variables (read with provider.Vars); a last segment {name:.+} takes
// the rest of the path. Other methods on the path are answered 405 in the
// control API's shape.
func (h *Handler) handle(method, path string, f http.HandlerFunc) {
	full := "/__sim" + path
	h.endpoints = append(h.endpoints, method+" "+full)
	pattern, names := servePattern(full)
	if len(names) > 0 {
		inner := f
		f = func(w http.ResponseWriter, r *http.Request) {
			vars := make(map[string]string, len(names))
			for _, n := range names {
				vars[n] = r.PathValue(n)
			}
			inner(w, provider.WithVars(r, vars))
		}
	}
	h.router.HandleFunc(method+" "+pattern, f)
	if !slices.Contains(h.methods, method) {
		h.methods = append(h.methods, method)
	}
}

// servePattern turns a route template into an http.ServeMux pattern, and
// lists its variables: {name} is one segment, a last {name:.+} the rest of
// the path, and a trailing slash the path itself (not everything below it).
func servePattern(path string) (string, []string) {
	segs := strings.Split(path, "/")
	var names []string
	for i, seg := range segs {
		name, isVar := strings.CutPrefix(seg, "{")
		if !isVar {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		if n, re, ok := strings.Cut(name, ":"); ok {
			if re != ".+" || i != len(segs)-1 {
				panic("control: route " + path + ": only a last {name:.+} may carry a pattern")
			}
			name, segs[i] = n, "{"+n+"...}"
		}
		names = append(names, name)
	}
	pattern := strings.Join(segs, "/")
	if strings.HasSuffix(pattern, "/") {
		pattern += "{$}"
	}
	return pattern, names
}

// ServeHTTP routes r; a path no route has is a 404, and one that routes
// have for other methods a 405, both in the control API's error shape.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.router.Handler(r); pattern != "" {
		h.router.ServeHTTP(w, r)
		return
	}
	for _, m := range h.methods {
		if m == r.Method {
			continue
		}
		other := *r
		other.Method = m
		if _, pattern := h.router.Handler(&other); pattern != "" {
			provider.WriteControlError(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
			return
		}
	}
	provider.WriteControlError(w, http.StatusNotFound, "unknown control path "+r.URL.Path+"; see GET /__sim")
}

// world resolves (creating if needed) the request's tenant world.
func (h *Handler) world(f func(http.ResponseWriter, *http.Request, *tenant.World)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		wd, err := h.e.World(tenantID(r))
		var full *tenant.FullError
		if errors.As(err, &full) {
			w.Header().Set("Retry-After", "60")
			provider.WriteControlError(w, http.StatusServiceUnavailable, err.Error())
			return
		}
		if err != nil {
			provider.WriteControlError(w, http.StatusBadRequest, err.Error())
			return
		}
		wd.Clock.Fire()
		f(w, r.WithContext(tenant.With(r.Context(), wd)), wd)
	}
}

func (h *Handler) index(w http.ResponseWriter, r *http.Request) {
	provider.WriteJSON(w, http.StatusOK, map[string]any{"tenant": tenantID(r), "endpoints": h.endpoints})
}

func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	provider.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": h.e.Version()})
}

// reset rebuilds the tenant from its scenario. An optional body
// {"mode": "frozen"} (or "real") restarts the clock in that mode exactly at
// the scenario's start.
func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Mode string `json:"mode"`
	}
	if r.ContentLength != 0 && !provider.DecodeControl(w, r, &req) {
		return
	}
	var mode clock.Mode
	if req.Mode != "" {
		m, err := clock.ParseMode(req.Mode)
		if err != nil {
			provider.WriteControlError(w, http.StatusBadRequest, "mode: want real or frozen")
			return
		}
		mode = m
	}
	id := tenantID(r)
	wd, err := h.e.Tenants().Reset(id, mode)
	if err != nil {
		provider.WriteControlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	wd.Timeline.Add(timeline.Item{Time: wd.Clock.Now(), Kind: timeline.KindTenant, Summary: "tenant reset to scenario " + wd.Scenario.Name})
	provider.WriteJSON(w, http.StatusOK, map[string]any{"tenant": id, "scenario": wd.Scenario.Name, "now": wd.Clock.Now(), "mode": wd.Clock.Mode()})
}

type clockView struct {
	Now     time.Time  `json:"now"`
	Mode    clock.Mode `json:"mode"`
	Pending int        `json:"pendingTimers"`
}

func viewClock(wd *tenant.World) clockView {
	return clockView{Now: wd.Clock.Now(), Mode: wd.Clock.Mode(), Pending: wd.Clock.Pending()}
}

func (h *Handler) getClock(w http.ResponseWriter, r *http.Request, wd *tenant.World) {
	provider.WriteJSON(w, http.StatusOK, viewClock(wd))
}

func (h *Handler) advance(w http.ResponseWriter, r *http.Request, wd *tenant.World) {
	var req struct {
		By string `json:"by"`
	}
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	d, err := scenario.ParseDuration(req.By)
	if err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, "by: "+err.Error())
		return
	}
	from := wd.Clock.Now()
	seq := wd.Timeline.Mark()
	if _, err := wd.Clock.Advance(d); err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, "by: "+err.Error())
		return
	}
	noteClock(wd, seq, from, "clock advanced by "+req.By)
	wd.Settle()
	provider.WriteJSON(w, http.StatusOK, viewClock(wd))
}

func (h *Handler) setClock(w http.ResponseWriter, r *http.Request, wd *tenant.World) {
	var req struct {
		Now time.Time `json:"now"`
	}
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	from := wd.Clock.Now()
	seq := wd.Timeline.Mark()
	if _, err := wd.Clock.Set(req.Now); err != nil {
		status := http.StatusConflict
		if errors.Is(err, clock.ErrOutOfRange) {
			status = http.StatusBadRequest
		}
		provider.WriteControlError(w, status, err.Error())
		return
	}
	noteClock(wd, seq, from, "clock set to "+req.Now.UTC().Format(time.RFC3339))
	wd.Settle()
	provider.WriteJSON(w, http.StatusOK, viewClock(wd))
}

func (h *Handler) setMode(w http.ResponseWriter, r *http.Request, wd *tenant.World) {
	var req struct {
		Mode string `json:"mode"`
	}
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	m, err := clock.ParseMode(req.Mode)
	if err != nil || req.Mode == "" {
		provider.WriteControlError(w, http.StatusBadRequest, "mode: want real or frozen")
		return
	}
	if wd.Clock.Mode() != m {
		wd.Clock.SetMode(m)
		wd.Timeline.Add(timeline.Item{Time: wd.Clock.Now(), Kind: timeline.KindClock, Summary: "clock " + map[clock.Mode]string{clock.Frozen: "frozen", clock.Real: "running in real time"}[m]})
	}
	provider.WriteJSON(w, http.StatusOK, viewClock(wd))
}

// journalPage bounds one page of GET /__sim/journal.
const journalPage = 1000

// journal answers a page of the tenant's journal, newest first:
// ?limit=N (at most journalPage, the default) and ?before=ID to go on from
// the "next" of the previous page. Entries are encoded one at a time
// straight to the client, so reading never builds a copy of the journal.
func (h *Handler) journal(w http.ResponseWriter, r *http.Request, wd *tenant.World) {
	q := r.URL.Query()
	f := journal.Filter{Provider: q.Get("provider"), Method: q.Get("method"), Path: q.Get("path")}
	var before int
	for name, dst := range map[string]*int{"status": &f.Status, "limit": &f.Limit, "before": &before} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				provider.WriteControlError(w, http.StatusBadRequest, name+": want a non-negative integer")
				return
			}
			*dst = n
		}
	}
	if f.Limit == 0 || f.Limit > journalPage {
		f.Limit = journalPage
	}
	entries, next := wd.Journal.Page(f, uint64(before))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	// The same layout as every other answer (provider.WriteJSON), one entry
	// at a time: only one entry's encoding is ever buffered.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	_, _ = io.WriteString(w, "{\n  \"entries\": [")
	for i := range entries {
		buf.Reset()
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n    ")
		if err := enc.Encode(&entries[i]); err != nil {
			return
		}
		buf.Truncate(buf.Len() - 1)  // the encoder's newline
		entries[i] = journal.Entry{} // done with it
		if _, err := w.Write(buf.Bytes()); err != nil {
			return // the client went away
		}
	}
	if len(entries) > 0 {
		_, _ = io.WriteString(w, "\n  ")
	}
	_, _ = io.WriteString(w, "]")
	if next != 0 {
		_, _ = io.WriteString(w, ",\n  \"next\": "+strconv.FormatUint(next, 10))
	}
	_, _ = io.WriteString(w, "\n}\n")
}

func (h *Handler) clearJournal(w http.ResponseWriter, r *http.Request, wd *tenant.World) {
	wd.Journal.Clear()
	w.WriteHeader(http.StatusNoContent)
}

type tenantView struct {
	ID       string    `json:"id"`
	Scenario string    `json:"scenario"`
	Now      time.Time `json:"now"`
	Mode     string    `json:"mode"`
	Journal  int       `json:"journalEntries"`
	LastUsed time.Time `json:"lastUsed"`
	// Panics counts panics recovered in the tenant's own work (a timer, a
	// delivery); LastPanic says where and what the last one was.
	Panics    int64  `json:"panics,omitempty"`
	LastPanic string `json:"lastPanic,omitempty"`
}

func (h *Handler) tenants(w http.ResponseWriter, r *http.Request) {
	out := []tenantView{}
	for _, wd := range h.e.Tenants().All() {
		if scoped(r) && wd.ID != tenantID(r) {
			continue // a tenant's own control path sees only that tenant
		}
		n, last := wd.Panics()
		out = append(out, tenantView{ID: wd.ID, Scenario: wd.Scenario.Name, Now: wd.Clock.Now(), Mode: string(wd.Clock.Mode()), Journal: wd.Journal.Len(), LastUsed: wd.LastUsed(), Panics: n, LastPanic: last})
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"tenants": out})
}

func (h *Handler) deleteTenant(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if scoped(r) && id != tenantID(r) {
		provider.WriteControlError(w, http.StatusForbidden, "/t/"+tenantID(r)+"/__sim manages only tenant "+tenantID(r)+"; delete other tenants through the root /__sim/tenants/"+id)
		return
	}
	if !h.e.Tenants().Delete(id) {
		provider.WriteControlError(w, http.StatusNotFound, "no tenant "+id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) export(w http.ResponseWriter, r *http.Request, wd *tenant.World) {
	b, err := h.e.Export(wd)
	if err != nil {
		provider.WriteControlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// importState replaces the tenant's world with a state document. The body
// is read up to MaxStateBytes (413 past it); a document with problems is 422
// with each problem's JSON path, and the tenant keeps its world.
func (h *Handler) importState(w http.ResponseWriter, r *http.Request) {
	select {
	case imports <- struct{}{}:
		defer func() {
			// Collect this document's garbage before the next one is read,
			// so concurrent uploads peak at one import's memory, not several.
			runtime.GC()
			<-imports
		}()
	case <-r.Context().Done():
		return
	}
	limit := h.e.MaxStateBytes()
	var buf bytes.Buffer
	if n := r.ContentLength; n > 0 && n <= limit {
		buf.Grow(int(n) + 1) // one allocation instead of doubling up to the size
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	data := buf.Bytes()
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			provider.WriteControlError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("state document larger than %d bytes (--max-state-bytes)", limit))
			return
		}
		provider.WriteControlError(w, http.StatusBadRequest, "could not read body")
		return
	}
	wd, err := h.e.Import(tenantID(r), data)
	var ps tenant.Problems
	if errors.As(err, &ps) {
		provider.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": ps.Error(), "problems": ps})
		return
	}
	if err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"tenant": wd.ID, "now": wd.Clock.Now()})
}

type providerView struct {
	provider.Info
	URL     string `json:"url"`
	Routes  int    `json:"routes"`
	SpecURL string `json:"specUrl"`
	Docs    string `json:"docs"`
	DocsURL string `json:"docsUrl"`
}

func (h *Handler) providers(w http.ResponseWriter, r *http.Request) {
	out := []providerView{}
	for _, info := range h.e.Infos() {
		out = append(out, providerView{
			Info:    info,
			URL:     info.Mount + info.BasePath,
			Routes:  len(h.e.Routes(info.Name)),
			SpecURL: "/__sim/openapi/" + info.Name,
			Docs:    "docs/" + info.Name + ".md",
			DocsURL: "/__sim/docs/" + info.Name + ".md",
		})
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"providers": out})
}

func (h *Handler) openapi(w http.ResponseWriter, r *http.Request) {
	raw, ok := h.e.SpecRaw(r.PathValue("provider"))
	if !ok {
		provider.WriteControlError(w, http.StatusNotFound, "no provider "+r.PathValue("provider"))
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(raw)
}

func (h *Handler) getScenario(w http.ResponseWriter, r *http.Request) {
	sc := h.e.Scenario(tenantID(r))
	provider.WriteJSON(w, http.StatusOK, map[string]any{
		"name": sc.Name, "description": sc.Description, "file": sc.File, "version": sc.Version,
		"seed": sc.Seed, "clock": sc.Clock, "source": sc.Source,
	})
}

// putScenario loads a YAML scenario into this tenant only.
func (h *Handler) putScenario(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, "could not read body")
		return
	}
	id := tenantID(r)
	sc, err := h.e.LoadTenantScenario(id, "request", data)
	if err != nil {
		provider.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "invalid scenario", "problems": scenario.AsProblems(err)})
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"tenant": id, "scenario": sc.Name})
}

// noteClock records a clock jump on the timeline, ordered before the
// events it fired (seq was taken before the jump).
func noteClock(wd *tenant.World, seq uint64, from time.Time, summary string) {
	wd.Timeline.Add(timeline.Item{Seq: seq, Time: from, Kind: timeline.KindClock, Summary: summary,
		Detail: map[string]string{"from": from.UTC().Format(time.RFC3339), "to": wd.Clock.Now().UTC().Format(time.RFC3339)}})
}
