// Command simulator runs the telecom provider simulator: Somos TFN Identity,
// Somos TFNRegistry (with UNS callbacks), Call48 API v4, Flowroute API v2 and
// T-Mobile Your Number Anywhere, emulated with real state on a virtual clock.
//
//	simulator [serve] [--addr :8080] [--scenario FILE] [--listen NAME=ADDR]... [--log-level info]
//	simulator validate FILE...
//	simulator routes
//	simulator version
//	simulator healthcheck [--url http://127.0.0.1:8080/__sim/health]
//	simulator ctl [--url URL] [--tenant T] [--token TOKEN] [--json] VERB ...
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/telecomsim/simulator/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errSilent) {
			fmt.Fprintln(os.Stderr, "simulator:", err)
		}
		os.Exit(exitCode(err))
	}
}

// errSilent is returned when the problem was already printed.
var errSilent = fmt.Errorf("failed")

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		if wantsHelp(args) {
			fmt.Fprint(stdout, usage)
			return nil
		}
		return serve(ctx, args, getenv, stdout, stderr)
	case "validate":
		return validate(args, stdout, stderr)
	case "routes":
		return routes(args, stdout)
	case "schema":
		a, err := app.New(app.Config{Scenario: mustDefault()})
		if err != nil {
			return err
		}
		b, err := a.Schema()
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	case "version":
		fmt.Fprintln(stdout, "simulator", buildVersion())
		return nil
	case "healthcheck":
		return healthcheck(ctx, args, getenv, stdout)
	case "ctl":
		return runCtl(ctx, args, getenv, stdout, stderr)
	case "stubs":
		return stubsCmd(args, stdout, stderr)
	case "conform":
		return conformCmd(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// wantsHelp reports whether the flags ask for help (before any "--").
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

const usage = `usage:
  simulator [serve] [flags]      run the simulator (default command)
  simulator validate FILE...     check scenario files; prints file:line:col: field: problem
  simulator routes               list every route of every provider
  simulator schema               print the JSON Schema of scenario files
  simulator version              print the version
  simulator healthcheck          exit 0 when a running simulator answers /__sim/health
  simulator ctl VERB ...         drive a running simulator (clock, journal, faults, verify...; ctl help)
  simulator stubs FILE.har       print a scenario whose stubs play a recording back
  simulator conform FILE.har     replay a recording and report where the simulator drifts from it

serve flags (each also read from the environment variable in brackets):
  --addr ADDR          main listen address [SIM_ADDR] (default :8080)
  --scenario FILE      scenario file [SIM_SCENARIO] (default: the embedded default scenario)
  --listen NAME=ADDR   serve one provider alone at its real root paths; repeatable
                       [SIM_LISTEN, comma-separated], e.g. flowroute=127.0.0.1:9002
  --log-level LEVEL    debug, info, warn or error [SIM_LOG_LEVEL] (default info)
  --log-format FORMAT  text or json (one JSON object a line) [SIM_LOG_FORMAT] (default text)
  --clock-start START  where tenant clocks start: RFC 3339, now, or now-2h [SIM_CLOCK_START]
                       (default: the scenario's clock.start; the default scenario's is 2026-01-05T09:00:00Z)
  --admin-token TOKEN  require "Authorization: Bearer TOKEN" on /__sim [SIM_ADMIN_TOKEN]
  --max-tenants N      cap on live tenants [SIM_MAX_TENANTS] (default 10000); a new tenant evicts the least
                       recently used one idle for longer than --tenant-idle, else it gets a 503
  --tenant-idle D      how long a tenant must be unused before it may be evicted [SIM_TENANT_IDLE] (default 30m)
  --journal-secrets    keep credentials, tokens and passwords in the journal unredacted, for local
                       debugging [SIM_JOURNAL_SECRETS=1]
  --watch              reload --scenario FILE when it or an included file changes; a bad one keeps the old [SIM_WATCH=1]
  --state-file FILE    save every tenant (clock, state, pending callbacks) on shutdown, restore at start [SIM_STATE_FILE]
  --replica-name NAME  sent as X-Sim-Replica on every answer [SIM_REPLICA_NAME] (default: the host name)
  --proxy NAME=URL     forward what NAME does not emulate (and no stub answers) to the real API at URL;
                       repeatable [SIM_PROXY, comma-separated], e.g. flowroute=https://api.flowroute.com
  --proxy-mode MODE    missing (default) or all: forward every request of a proxied provider [SIM_PROXY_MODE]
  --proxy-timeout D    how long an upstream exchange may take (default 30s)
  --record FILE        write every proxied exchange to a HAR 1.2 file, secrets redacted [SIM_RECORD]
  --record-secrets     keep credentials in the HAR file [SIM_RECORD_SECRETS=1]
`
