package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/scenario"
	"go.yaml.in/yaml/v3"
)

// sub splits positionals into a sub-verb (def when none) and its arguments.
func sub(pos []string, def string, known ...string) (string, []string, error) {
	if len(pos) == 0 {
		return def, nil, nil
	}
	for _, k := range known {
		if pos[0] == k {
			return k, pos[1:], nil
		}
	}
	return "", nil, usageErr("ctl: unknown sub-command %q (want %s)", pos[0], strings.Join(known, ", "))
}

func wantArgs(verb string, args []string, n int, what string) error {
	if len(args) != n {
		return usageErr("ctl %s: want %s", verb, what)
	}
	return nil
}

func ctlHealth(ctx context.Context, c *ctl, args []string) error {
	if _, err := parse(c.flags("health"), args); err != nil {
		return err
	}
	var h struct{ Status string }
	if err := c.do(ctx, http.MethodGet, "/health", nil, &h); err != nil {
		return err
	}
	c.say("%s", h.Status)
	return nil
}

func ctlTenants(ctx context.Context, c *ctl, args []string) error {
	pos, err := parse(c.flags("tenants"), args)
	if err != nil {
		return err
	}
	verb, rest, err := sub(pos, "list", "list", "delete")
	if err != nil {
		return err
	}
	if verb == "delete" {
		if len(rest) == 0 {
			return usageErr("ctl tenants delete: name at least one tenant")
		}
		for _, id := range rest {
			if _, err := c.call(ctx, http.MethodDelete, "/tenants/"+url.PathEscape(id), nil, false); err != nil {
				return err
			}
			c.say("deleted tenant %s", id)
		}
		return nil
	}
	data, err := c.call(ctx, http.MethodGet, "/tenants", nil, false)
	if err != nil {
		return err
	}
	var out struct {
		Tenants []struct {
			ID, Scenario, Mode string
			Now, LastUsed      time.Time
			Journal            int `json:"journalEntries"`
		}
	}
	if err := c.decode(data, &out); err != nil || c.json {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tSCENARIO\tCLOCK\tMODE\tJOURNAL\tLAST USED")
	for _, t := range out.Tenants {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", t.ID, t.Scenario, t.Now.Format(time.RFC3339), t.Mode, t.Journal, t.LastUsed.Format(time.RFC3339))
	}
	return tw.Flush()
}

type ctlClockView struct {
	Now     time.Time `json:"now"`
	Mode    string    `json:"mode"`
	Pending int       `json:"pendingTimers"`
}

func ctlClock(ctx context.Context, c *ctl, args []string) error {
	pos, err := parse(c.flags("clock"), args)
	if err != nil {
		return err
	}
	verb, rest, err := sub(pos, "show", "show", "advance", "set", "freeze", "real")
	if err != nil {
		return err
	}
	method, path := http.MethodPost, ""
	var body any
	switch verb {
	case "show":
		method, path = http.MethodGet, "/clock"
	case "advance":
		if err := wantArgs("clock advance", rest, 1, "a duration such as 4h, 90m or 2d"); err != nil {
			return err
		}
		path, body = "/clock/advance", map[string]string{"by": rest[0]}
	case "set":
		if err := wantArgs("clock set", rest, 1, "an RFC 3339 time such as 2026-01-02T15:04:05Z"); err != nil {
			return err
		}
		path, body = "/clock/set", map[string]string{"now": rest[0]}
	case "freeze", "real":
		mode := map[string]string{"freeze": "frozen", "real": "real"}[verb]
		path, body = "/clock/mode", map[string]string{"mode": mode}
	}
	if (verb == "show" || verb == "freeze" || verb == "real") && len(rest) > 0 {
		return usageErr("ctl clock %s: takes no arguments", verb)
	}
	var v ctlClockView
	if err := c.do(ctx, method, path, body, &v); err != nil {
		return err
	}
	c.say("%s %s (%d pending timers)", v.Now.Format(time.RFC3339Nano), v.Mode, v.Pending)
	return nil
}

func ctlReset(ctx context.Context, c *ctl, args []string) error {
	fs := c.flags("reset")
	frozen := fs.Bool("frozen", false, "restart the clock frozen at the scenario start")
	real := fs.Bool("real", false, "restart the clock in real mode")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *frozen && *real {
		return usageErr("ctl reset: takes at most one of --frozen and --real")
	}
	var body any
	if *frozen {
		body = map[string]string{"mode": "frozen"}
	} else if *real {
		body = map[string]string{"mode": "real"}
	}
	var v struct {
		Tenant, Scenario, Mode string
		Now                    time.Time
	}
	if err := c.do(ctx, http.MethodPost, "/reset", body, &v); err != nil {
		return err
	}
	c.say("tenant %s reset to scenario %q; clock %s %s", v.Tenant, v.Scenario, v.Now.Format(time.RFC3339), v.Mode)
	return nil
}

// ctlEntry is the part of a journal entry the text output shows.
type ctlEntry struct {
	ID       uint64    `json:"id"`
	Time     time.Time `json:"time"`
	Provider string    `json:"provider"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Query    string    `json:"query"`
	Status   int       `json:"status"`
	Fault    string    `json:"fault"`
}

func (e ctlEntry) line() string {
	p := e.Path
	if e.Query != "" {
		p += "?" + e.Query
	}
	s := fmt.Sprintf("%s  %-10s %-6s %s -> %d", e.Time.Format(time.RFC3339), e.Provider, e.Method, p, e.Status)
	if e.Fault != "" {
		s += "  (fault " + e.Fault + ")"
	}
	return s
}

func ctlJournal(ctx context.Context, c *ctl, args []string) error {
	fs := c.flags("journal")
	q := url.Values{}
	for _, name := range []string{"provider", "method", "path", "status", "limit"} {
		fs.Func(name, "filter: "+name, func(v string) error { q.Set(name, v); return nil })
	}
	follow := fs.Bool("follow", false, "keep printing new entries until interrupted")
	every := fs.Duration("interval", time.Second, "how often --follow polls")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("ctl journal: unexpected %q (filters are flags: --provider, --method, --path, --status, --limit)", pos[0])
	}
	if *follow && *every <= 0 {
		return usageErr("ctl journal: --interval must be positive")
	}
	var last uint64
	for first := true; ; first = false {
		qs := q
		if !first {
			qs = cloneValues(q)
			qs.Del("limit") // every new entry, however many
		}
		data, err := c.call(ctx, http.MethodGet, "/journal?"+qs.Encode(), nil, true)
		if err != nil {
			if *follow && ctx.Err() != nil {
				return nil
			}
			return err
		}
		if !*follow && c.json {
			c.printJSON(data)
			return nil
		}
		var out struct {
			Entries []json.RawMessage `json:"entries"`
		}
		if err := json.Unmarshal(data, &out); err != nil {
			return fmt.Errorf("unexpected answer: %v", err)
		}
		last = c.printEntries(out.Entries, last, first)
		if !*follow {
			return nil
		}
		if clock.Sleep(ctx, *every) != nil {
			return nil
		}
	}
}

// printEntries prints entries (newest first) newer than last, oldest
// first, and returns the newest id seen. A journal that was cleared or reset
// starts its ids again, so ids below last count as new then.
func (c *ctl) printEntries(raw []json.RawMessage, last uint64, first bool) uint64 {
	entries := make([]ctlEntry, len(raw))
	for i, r := range raw {
		_ = json.Unmarshal(r, &entries[i])
	}
	if len(entries) > 0 && entries[0].ID < last {
		last = 0
	}
	newest := last
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if !first && e.ID <= last {
			continue
		}
		if c.json {
			_, _ = c.stdout.Write(append(compact(raw[i]), '\n'))
		} else {
			fmt.Fprintln(c.stdout, e.line())
		}
		if e.ID > newest {
			newest = e.ID
		}
	}
	return newest
}

func compact(b []byte) []byte {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return b
	}
	out, _ := json.Marshal(v)
	return out
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// readInput reads a file, or stdin for "-".
func readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(os.Stdin, 256<<20))
	}
	return os.ReadFile(name)
}

func ctlScenario(ctx context.Context, c *ctl, args []string) error {
	pos, err := parse(c.flags("scenario"), args)
	if err != nil {
		return err
	}
	verb, rest, err := sub(pos, "show", "show", "load", "validate")
	if err != nil {
		return err
	}
	if verb == "show" {
		var sc struct {
			Name, Description, File string
			Version                 int
			Clock                   struct {
				Start time.Time
				Mode  string
			}
		}
		if err := c.do(ctx, http.MethodGet, "/scenario", nil, &sc); err != nil {
			return err
		}
		c.say("%s (version %d, file %s): clock %s from %s", sc.Name, sc.Version, sc.File, sc.Clock.Mode, sc.Clock.Start.Format(time.RFC3339))
		if sc.Description != "" {
			c.say("%s", strings.TrimSpace(sc.Description))
		}
		return nil
	}
	if err := wantArgs("scenario "+verb, rest, 1, "one scenario file"); err != nil {
		return err
	}
	data, err := readInput(rest[0])
	if err != nil {
		return err
	}
	saved := c.tenant
	if verb == "validate" {
		// Loaded into a throwaway tenant of its own, removed afterwards.
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		c.tenant = "ctl-validate-" + hex.EncodeToString(b)
		defer func() {
			_, _ = c.call(context.WithoutCancel(ctx), http.MethodDelete, "/tenants/"+c.tenant, nil, false)
			c.tenant = saved
		}()
	}
	answer, err := c.call(ctx, http.MethodPut, "/scenario", data, true)
	if ae, ok := err.(*apiError); ok && ae.status == http.StatusUnprocessableEntity {
		return c.problems(rest[0], answer)
	}
	if err != nil {
		return err
	}
	if c.json {
		c.printJSON(answer)
		return nil
	}
	if verb == "validate" {
		c.say("%s: ok", rest[0])
	} else {
		c.say("%s: loaded into tenant %s", rest[0], tenantName(saved))
	}
	return nil
}

func tenantName(t string) string {
	if t == "" {
		return "default"
	}
	return t
}

// problems prints a refused scenario's problems as file:line:col: path:
// message and fails.
func (c *ctl) problems(file string, answer []byte) error {
	var out struct {
		Problems []scenario.Problem `json:"problems"`
	}
	if c.json {
		c.printJSON(answer)
	} else if json.Unmarshal(answer, &out) == nil {
		for _, p := range out.Problems {
			if p.File == "" || p.File == "request" {
				p.File = file
			}
			fmt.Fprintln(c.stderr, p.String())
		}
	}
	return &exitError{code: exitRefused, err: errSilent}
}

func ctlState(ctx context.Context, c *ctl, args []string) error {
	pos, err := parse(c.flags("state"), args)
	if err != nil {
		return err
	}
	verb, rest, err := sub(pos, "", "export", "import")
	if err != nil || verb == "" {
		return usageErr("ctl state: want export [FILE] or import FILE")
	}
	if verb == "export" {
		if len(rest) > 1 {
			return usageErr("ctl state export: at most one file")
		}
		data, err := c.call(ctx, http.MethodGet, "/state", nil, true)
		if err != nil {
			return err
		}
		if len(rest) == 0 || rest[0] == "-" {
			_, err = c.stdout.Write(data)
			return err
		}
		if err := os.WriteFile(rest[0], data, 0o644); err != nil {
			return err
		}
		c.say("tenant %s exported to %s (%d bytes)", tenantName(c.tenant), rest[0], len(data))
		return nil
	}
	if err := wantArgs("state import", rest, 1, "one state file (\"-\" for stdin)"); err != nil {
		return err
	}
	data, err := readInput(rest[0])
	if err != nil {
		return err
	}
	var v struct {
		Tenant string    `json:"tenant"`
		Now    time.Time `json:"now"`
	}
	if err := c.do(ctx, http.MethodPut, "/state", data, &v); err != nil {
		return err
	}
	c.say("tenant %s imported from %s; clock %s", v.Tenant, rest[0], v.Now.Format(time.RFC3339))
	return nil
}

func sortedMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, " ")
}

// yamlToJSON reads a JSON or YAML document (YAML is a superset of JSON)
// into a value json.Marshal accepts.
func yamlToJSON(data []byte) (any, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return v, nil
}
