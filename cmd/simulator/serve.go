package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/safe"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

type listenFlag []string

func (l *listenFlag) String() string     { return strings.Join(*l, ",") }
func (l *listenFlag) Set(v string) error { *l = append(*l, v); return nil }

type server struct {
	name string
	srv  *http.Server
	ln   net.Listener
}

type serveOptions struct {
	addr       string
	scenario   string
	listen     listenFlag
	logLevel   string
	logFormat  string
	clockStart string
	adminToken string
	maxTenants int
	tenantIdle time.Duration
	// journalSecrets keeps credentials in the journal (local debugging).
	journalSecrets bool
	watch          bool
	stateFile      string
	stateInterval  time.Duration
	stateReset     bool
	replica        string
	proxy          proxyOptions
}

func parseServe(args []string, getenv func(string) string, stderr io.Writer) (*serveOptions, error) {
	o := &serveOptions{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&o.addr, "addr", env("SIM_ADDR", ":8080"), "main listen address")
	fs.StringVar(&o.scenario, "scenario", env("SIM_SCENARIO", ""), "scenario file")
	fs.Var(&o.listen, "listen", "NAME=ADDR: serve one provider alone")
	fs.StringVar(&o.logLevel, "log-level", env("SIM_LOG_LEVEL", "info"), "log level")
	fs.StringVar(&o.logFormat, "log-format", env("SIM_LOG_FORMAT", "text"), "text or json")
	fs.StringVar(&o.clockStart, "clock-start", env("SIM_CLOCK_START", ""), "clock start: RFC 3339, now or now-2h")
	fs.StringVar(&o.adminToken, "admin-token", env("SIM_ADMIN_TOKEN", ""), "admin token for /__sim")
	fs.BoolVar(&o.watch, "watch", env("SIM_WATCH", "") == "true" || env("SIM_WATCH", "") == "1", "reload the scenario file when it changes")
	fs.StringVar(&o.stateFile, "state-file", env("SIM_STATE_FILE", ""), "save every tenant periodically and on shutdown, and restore at start")
	interval, err := time.ParseDuration(env("SIM_STATE_INTERVAL", "30s"))
	if err != nil {
		return nil, fmt.Errorf("SIM_STATE_INTERVAL: %w", err)
	}
	fs.DurationVar(&o.stateInterval, "state-interval", interval, "how often --state-file is saved (0: only on shutdown)")
	fs.BoolVar(&o.stateReset, "state-reset", env("SIM_STATE_RESET", "") == "1" || env("SIM_STATE_RESET", "") == "true", "move an unreadable --state-file aside and start fresh")
	fs.StringVar(&o.replica, "replica-name", env("SIM_REPLICA_NAME", hostname()), "name sent in X-Sim-Replica on every answer")
	o.proxy.register(fs, env)
	maxT, err := strconv.Atoi(env("SIM_MAX_TENANTS", "10000"))
	if err != nil {
		return nil, fmt.Errorf("SIM_MAX_TENANTS: %w", err)
	}
	fs.IntVar(&o.maxTenants, "max-tenants", maxT, "cap on live tenants")
	idle, err := time.ParseDuration(env("SIM_TENANT_IDLE", tenant.DefaultIdle.String()))
	if err != nil || idle <= 0 {
		return nil, fmt.Errorf("SIM_TENANT_IDLE: want a positive duration such as 30m")
	}
	fs.DurationVar(&o.tenantIdle, "tenant-idle", idle, "how long a tenant must be unused before it may be evicted")
	fs.BoolVar(&o.journalSecrets, "journal-secrets", env("SIM_JOURNAL_SECRETS", "") == "true" || env("SIM_JOURNAL_SECRETS", "") == "1", "keep credentials in the journal")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	o.proxy.fromEnv(getenv)
	if o.tenantIdle <= 0 {
		return nil, fmt.Errorf("--tenant-idle: want a positive duration such as 30m")
	}
	if o.watch && o.scenario == "" {
		return nil, fmt.Errorf("--watch needs --scenario FILE (the embedded default cannot change)")
	}
	if len(o.listen) == 0 {
		for _, l := range strings.Split(getenv("SIM_LISTEN"), ",") {
			if l = strings.TrimSpace(l); l != "" {
				o.listen = append(o.listen, l)
			}
		}
	}
	return o, nil
}

// hostname is the default replica name: a StatefulSet pod's host name is
// its stable name (sim-0, sim-1, ...).
func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}

func newLogger(level, format string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %q is not debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is not text or json", format)
}

// clockStart reads --clock-start; nil when it is not given.
func (o *serveOptions) clockStartOverride() (*scenario.ClockStart, error) {
	if o.clockStart == "" {
		return nil, nil
	}
	cs, err := scenario.ParseClockStart(o.clockStart)
	if err != nil {
		return nil, fmt.Errorf("--clock-start: %w", err)
	}
	return &cs, nil
}

// loadScenario reads the scenario file, or the embedded default, and the
// files it read (none for the default) for --watch to follow.
func loadScenario(path string) (*scenario.Scenario, watchedFiles, error) {
	if path == "" {
		sc, err := app.DefaultScenario()
		return sc, nil, err
	}
	return parseWatched(path, app.ProviderNames(app.Providers()))
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseServe(args, getenv, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(o.logLevel, o.logFormat, stderr)
	if err != nil {
		return err
	}
	cs, err := o.clockStartOverride()
	if err != nil {
		return err
	}
	sc, files, err := loadScenario(o.scenario)
	if err != nil {
		return err
	}
	px, err := o.proxy.build(log)
	if err != nil {
		return err
	}
	a, err := app.New(app.Config{Scenario: sc, Logger: log, Version: buildVersion(), ClockStart: cs, AdminToken: o.adminToken, MaxTenants: o.maxTenants,
		TenantIdle: o.tenantIdle, JournalSecrets: o.journalSecrets, Replica: o.replica, Proxy: px})
	if err != nil {
		return err
	}
	if o.stateFile != "" {
		if err := restoreState(a, o.stateFile, o.stateReset, log); err != nil {
			return fmt.Errorf("--state-file: %w", err)
		}
	}

	// Requests' contexts end when shutdown starts, so handlers that wait on
	// them (a hang fault, a long poll) let shutdown finish.
	baseCtx, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	newServer := func(name, addr string, h http.Handler) (*server, error) {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("listen %s: %w", addr, err)
		}
		return &server{name: name, ln: ln, srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       60 * time.Second,
			WriteTimeout:      120 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    1 << 20,
			BaseContext:       func(net.Listener) context.Context { return baseCtx },
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		}}, nil
	}
	var servers []*server
	closeAll := func() {
		for _, s := range servers {
			_ = s.ln.Close()
		}
	}
	main, err := newServer("main", o.addr, a.Handler())
	if err != nil {
		return err
	}
	servers = append(servers, main)
	for _, l := range o.listen {
		name, addr, ok := strings.Cut(l, "=")
		if !ok {
			closeAll()
			return fmt.Errorf("--listen %q: want NAME=ADDR, e.g. flowroute=127.0.0.1:9002", l)
		}
		h, err := a.ProviderHandler(name)
		if err != nil {
			closeAll()
			return fmt.Errorf("--listen %q: %w", l, err)
		}
		s, err := newServer(name, addr, h)
		if err != nil {
			closeAll()
			return err
		}
		servers = append(servers, s)
	}
	banner(stdout, a, a.Scenario("default"), main.ln.Addr(), servers[1:])
	// Build the default tenant now (after the banner, which its lifecycle
	// logs would otherwise precede), so a scenario that cannot produce a
	// world fails at startup rather than on the first request.
	if err := a.Check(); err != nil {
		closeAll()
		return err
	}
	a.Warm(baseCtx, app.WarmDelay)

	if o.watch {
		safe.Go(log, "scenario watcher", nil, func() { watchScenario(baseCtx, a, o.scenario, files, time.Second, log) })
	}
	stopSaving := func() {}
	if o.stateFile != "" && o.stateInterval > 0 {
		saveCtx, cancelSave := context.WithCancel(baseCtx)
		saving := make(chan struct{})
		safe.Go(log, "state file saver", nil, func() {
			defer close(saving)
			for clock.Sleep(saveCtx, o.stateInterval) == nil {
				_ = persist(a, o.stateFile, log)
			}
		})
		stopSaving = func() { cancelSave(); <-saving }
	}
	errc := make(chan error, len(servers))
	for _, s := range servers {
		go func() {
			if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s listener: %w", s.name, err)
			}
		}()
	}
	select {
	case <-ctx.Done():
		log.Info("shutting down: waiting for in-flight requests")
	case err := <-errc:
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() {
		// Give ordinary in-flight requests a moment, then release waiters.
		_ = clock.Sleep(sctx, 2*time.Second)
		cancelBase()
	}()
	for _, s := range servers {
		if err := s.srv.Shutdown(sctx); err != nil {
			log.Warn("shutdown", "listener", s.name, "err", err)
		}
	}
	if o.stateFile != "" {
		stopSaving()
		if err := persist(a, o.stateFile, log); err != nil {
			return fmt.Errorf("--state-file: %w", err)
		}
		log.Info("saved tenants", "file", o.stateFile)
	}
	a.Close()
	log.Info("stopped")
	return nil
}

func hostURL(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// banner tells, in a few lines, where everything is.
func banner(w io.Writer, a *app.App, sc *scenario.Scenario, addr net.Addr, own []*server) {
	base := hostURL(addr)
	fmt.Fprintf(w, "telecom provider simulator %s on %s (scenario %q, clock %s from %s)\n",
		buildVersion(), base, sc.Name, sc.Clock.Mode, sc.Clock.Start.Format(time.RFC3339))
	ownAddr := map[string]string{}
	for _, s := range own {
		ownAddr[s.name] = hostURL(s.ln.Addr())
	}
	for _, info := range a.Infos() {
		line := fmt.Sprintf("  %-11s %s%s%s", info.Name, base, info.Mount, info.BasePath)
		if len(a.Routes(info.Name)) == 0 {
			// No inbound API (TFNRegistry only calls out): show its levers.
			line = fmt.Sprintf("  %-11s no inbound API; levers at %s/__sim/%s", info.Name, base, info.Name)
		}
		if u, ok := ownAddr[info.Name]; ok {
			line += fmt.Sprintf("  and %s%s", u, info.BasePath)
		}
		fmt.Fprintln(w, line)
		for _, c := range a.Credentials("default", info.Name) {
			keys := make([]string, 0, len(c.Values))
			for k := range c.Values {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = k + "=" + c.Values[k]
			}
			fmt.Fprintf(w, "      %s: %s\n", c.Label, strings.Join(parts, " "))
		}
	}
	fmt.Fprintf(w, "  control     %s/__sim (dashboard %s/__sim/ui); tenants: prefix paths with /t/{tenant} or send X-Sim-Tenant\n", base, base)
}
