package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/har"
	"github.com/telecomsim/simulator/internal/upstream"
)

// proxyOptions are serve's recording-proxy flags.
type proxyOptions struct {
	targets listenFlag // NAME=URL, repeatable like --listen
	mode    string
	record  string
	secrets bool
	timeout time.Duration
	// tls configures upstream connections (tests trust their own server).
	tls *tls.Config
}

func (o *proxyOptions) register(fs *flag.FlagSet, env func(name, def string) string) {
	fs.Var(&o.targets, "proxy", "NAME=URL: forward what NAME does not emulate to the real API at URL; repeatable")
	fs.StringVar(&o.mode, "proxy-mode", env("SIM_PROXY_MODE", "missing"), "missing (routes not emulated) or all")
	fs.StringVar(&o.record, "record", env("SIM_RECORD", ""), "write every proxied exchange to this HAR file")
	fs.BoolVar(&o.secrets, "record-secrets", env("SIM_RECORD_SECRETS", "") == "1" || env("SIM_RECORD_SECRETS", "") == "true", "keep credentials in the HAR file")
	fs.DurationVar(&o.timeout, "proxy-timeout", 30*time.Second, "how long an upstream exchange may take")
}

// fromEnv reads SIM_PROXY (comma-separated) when no --proxy flag was given.
func (o *proxyOptions) fromEnv(getenv func(string) string) {
	if len(o.targets) > 0 {
		return
	}
	for _, p := range strings.Split(getenv("SIM_PROXY"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			o.targets = append(o.targets, p)
		}
	}
}

// build makes the proxy, or nil when no --proxy is given.
func (o *proxyOptions) build(log *slog.Logger) (*upstream.Proxy, error) {
	if len(o.targets) == 0 {
		if o.record != "" {
			return nil, fmt.Errorf("--record needs at least one --proxy NAME=URL (only proxied exchanges are recorded)")
		}
		return nil, nil
	}
	mode, err := upstream.ParseMode(o.mode)
	if err != nil {
		return nil, fmt.Errorf("--proxy-mode: %w", err)
	}
	targets := map[string]string{}
	for _, t := range o.targets {
		name, u, ok := strings.Cut(t, "=")
		if !ok {
			return nil, fmt.Errorf("--proxy %q: want NAME=URL, e.g. flowroute=https://api.flowroute.com", t)
		}
		targets[name] = u
	}
	if log == nil {
		log = slog.Default()
	}
	cfg := upstream.Config{Targets: targets, Mode: mode, Timeout: o.timeout, TLS: o.tls}
	if o.record != "" {
		w, err := har.NewWriter(o.record, version, o.secrets)
		if err != nil {
			return nil, fmt.Errorf("--record: %w", err)
		}
		cfg.Recorder = w
		cfg.OnRecordError = func(err error) { log.Error("recording", "file", o.record, "err", err) }
	}
	return upstream.New(cfg, basePathOf)
}

func basePathOf(name string) (string, bool) {
	for _, p := range app.Providers() {
		if p.Info().Name == name {
			return p.Info().BasePath, true
		}
	}
	return "", false
}
