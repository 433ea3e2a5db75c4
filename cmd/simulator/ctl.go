package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Exit codes of simulator ctl, for scripts.
const (
	exitRefused     = 1 // the simulator answered with an error, or a verification failed
	exitUsage       = 2 // bad command line
	exitUnreachable = 3 // no simulator answered at the URL
)

// exitError carries an exit code other than 1 out of run.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// exitCode is the process exit code for an error run returned.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

const ctlUsage = `usage: simulator ctl [--url URL] [--tenant T] [--token TOKEN] [--json] VERB ...

Drives a running simulator through its control API (/__sim).

  health                                  is it up
  tenants [list] | tenants delete ID...   live tenants
  clock [show] | clock advance DURATION | clock set RFC3339 | clock freeze | clock real
  reset [--frozen | --real]               the tenant back to its scenario
  journal [--provider P] [--method M] [--path SUBSTRING] [--status N] [--limit N] [--follow [--interval 1s]]
  faults [list]
  faults add --provider P --route "GET /cnams" (--status N [--body TEXT] | --latency 2s | --retry-after 30s |
             --reset | --malformed | --hang) [--times N] [--after N] [--probability F] [--until +10m]
             [--match-header "Name: value"] [--match-body TEXT]
  faults add --file FILE                  one rule or a list, JSON or YAML
  faults delete [ID]                      one rule, or all of them
  scenario [show] | scenario load FILE | scenario validate FILE
  state export [FILE] | state import FILE ("-" is stdin)
  callbacks [list] [--status S] [--tfn N] [--type T] [--cic C] [--limit N] | callbacks replay ID
  inbox [show] NAME | inbox clear NAME
  verify --path P [--method M] [--provider P] [--query k=v]... [--header "Name: value"]... [--body JSON]
         [--exactly N | --at-least N | --at-most N]

  fleet URL...                            every replica's tenants, asking each replica [SIM_FLEET=URL,URL]

Global flags (anywhere on the line; also from the environment):
  --url URL      the simulator [SIM_URL] (default http://127.0.0.1:8080)
  --tenant T     the tenant [SIM_TENANT] (default: the default tenant)
  --token TOKEN  the admin token [SIM_ADMIN_TOKEN]
  --json         print the simulator's JSON answers instead of text

Exit codes: 0 done, 1 the simulator refused (or a verification failed), 2 bad usage, 3 no simulator at the URL.
`

// ctl is a client of one simulator's control API.
type ctl struct {
	base, tenant, token string
	json                bool
	http                *http.Client
	stdout, stderr      io.Writer
	getenv              func(string) string
}

// flags returns a flag set with the global flags bound, so they may appear
// after the verb too.
func (c *ctl) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.base, "url", c.base, "simulator URL")
	fs.StringVar(&c.tenant, "tenant", c.tenant, "tenant")
	fs.StringVar(&c.token, "token", c.token, "admin token")
	fs.BoolVar(&c.json, "json", c.json, "print JSON")
	return fs
}

// parse parses flags anywhere among the arguments and returns the
// positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageErr("%s", strings.TrimSpace(ctlUsage))
			}
			return nil, usageErr("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func runCtl(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := &ctl{base: getenv("SIM_URL"), tenant: getenv("SIM_TENANT"), token: getenv("SIM_ADMIN_TOKEN"),
		http: &http.Client{Timeout: 60 * time.Second}, stdout: stdout, stderr: stderr, getenv: getenv}
	if c.base == "" {
		c.base = "http://127.0.0.1:8080"
	}
	// The verb is the first positional argument; global flags may precede it.
	fs := c.flags("ctl")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, ctlUsage)
			return nil
		}
		fmt.Fprint(stderr, ctlUsage)
		return usageErr("ctl: %v", err)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprint(stderr, ctlUsage)
		return usageErr("ctl: name a verb")
	}
	verb, rest := rest[0], rest[1:]
	f, ok := ctlVerbs[verb]
	if !ok {
		if verb == "help" {
			fmt.Fprint(stdout, ctlUsage)
			return nil
		}
		return usageErr("ctl: unknown verb %q (see simulator ctl help)", verb)
	}
	c.base = strings.TrimRight(c.base, "/")
	return f(ctx, c, rest)
}

// ctlVerbs maps each verb to its implementation (ctl_verbs.go).
var ctlVerbs map[string]func(context.Context, *ctl, []string) error

func init() {
	ctlVerbs = map[string]func(context.Context, *ctl, []string) error{
		"health": ctlHealth, "tenants": ctlTenants, "clock": ctlClock, "reset": ctlReset,
		"journal": ctlJournal, "faults": ctlFaults, "scenario": ctlScenario, "state": ctlState,
		"callbacks": ctlCallbacks, "inbox": ctlInbox, "verify": ctlVerify, "fleet": ctlFleet,
	}
}

// apiError is an answer with a non-2xx status.
type apiError struct {
	method, path string
	status       int
	body         []byte
}

func (e *apiError) Error() string {
	msg := strings.TrimSpace(string(e.body))
	var v struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(e.body, &v) == nil && v.Error != "" {
		msg = v.Error
	}
	return fmt.Sprintf("%s /__sim%s: %d: %s", e.method, e.path, e.status, msg)
}

// controlURL is the tenant's control root, or the server's when tenant-less
// (tenants are listed and deleted there).
func (c *ctl) controlURL(tenantScoped bool) string {
	if tenantScoped && c.tenant != "" {
		return c.base + "/t/" + url.PathEscape(c.tenant) + "/__sim"
	}
	return c.base + "/__sim"
}

// call sends a request below /__sim and returns the answer's body. body is
// sent as is when it is []byte, as JSON otherwise.
func (c *ctl) call(ctx context.Context, method, path string, body any, tenantScoped bool) ([]byte, error) {
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd, ctype = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, c.controlURL(tenantScoped)+path, rd)
	if err != nil {
		return nil, usageErr("ctl: %v", err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &exitError{code: exitUnreachable, err: fmt.Errorf("no simulator at %s: %v", c.base, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 512<<20))
	if err != nil {
		return nil, &exitError{code: exitUnreachable, err: fmt.Errorf("reading the answer: %v", err)}
	}
	if resp.StatusCode/100 != 2 {
		return data, &apiError{method: method, path: path, status: resp.StatusCode, body: data}
	}
	return data, nil
}

// do is call for the tenant, decoding a JSON answer into out (when not nil)
// and printing it as is with --json.
func (c *ctl) do(ctx context.Context, method, path string, body, out any) error {
	data, err := c.call(ctx, method, path, body, true)
	if err != nil {
		return err
	}
	return c.decode(data, out)
}

func (c *ctl) decode(data []byte, out any) error {
	if c.json {
		c.printJSON(data)
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("unexpected answer: %v: %s", err, data)
		}
	}
	return nil
}

func (c *ctl) printJSON(data []byte) {
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("{}")
	}
	_, _ = c.stdout.Write(bytes.TrimRight(data, "\n"))
	fmt.Fprintln(c.stdout)
}

// say prints a line of human output (nothing with --json).
func (c *ctl) say(format string, args ...any) {
	if !c.json {
		fmt.Fprintf(c.stdout, format+"\n", args...)
	}
}
