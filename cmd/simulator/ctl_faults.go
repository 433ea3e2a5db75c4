package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

func ctlFaults(ctx context.Context, c *ctl, args []string) error {
	fs := c.flags("faults")
	rule := map[string]any{}
	match := map[string]any{}
	str := func(name, key string, dst map[string]any) {
		fs.Func(name, key, func(v string) error { dst[key] = v; return nil })
	}
	num := func(name, key string) {
		fs.Func(name, key, func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("want an integer")
			}
			rule[key] = n
			return nil
		})
	}
	flagOn := func(name, key string) {
		fs.BoolFunc(name, key, func(v string) error {
			b, err := strconv.ParseBool(v)
			rule[key] = b
			return err
		})
	}
	str("provider", "provider", rule)
	str("route", "route", rule)
	str("body", "body", rule)
	str("latency", "latency", rule)
	str("retry-after", "retryAfter", rule)
	str("until", "until", rule)
	str("match-header", "header", match)
	str("match-body", "body", match)
	num("status", "status")
	num("times", "times")
	num("after", "after")
	flagOn("reset", "reset")
	flagOn("malformed", "malformed")
	flagOn("hang", "hang")
	fs.Func("probability", "probability", func(v string) error {
		f, err := strconv.ParseFloat(v, 64)
		rule["probability"] = f
		return err
	})
	file := fs.String("file", "", "rules from a JSON or YAML file")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	verb, rest, err := sub(pos, "list", "list", "add", "delete")
	if err != nil {
		return err
	}
	switch verb {
	case "add":
		if len(rest) > 0 {
			return usageErr("ctl faults add: unexpected %q (the rule is given with flags or --file)", rest[0])
		}
		if len(match) > 0 {
			rule["match"] = match
		}
		rules := []any{rule}
		if *file != "" {
			if len(rule) > 0 {
				return usageErr("ctl faults add: give the rule with flags or with --file, not both")
			}
			if rules, err = readRules(*file); err != nil {
				return err
			}
		} else if rule["provider"] == nil || rule["route"] == nil {
			return usageErr("ctl faults add: --provider and --route are required")
		}
		for _, r := range rules {
			data, err := c.call(ctx, http.MethodPost, "/faults", r, true)
			if err != nil {
				return err
			}
			var added struct{ ID, Provider, Route string }
			if err := c.decode(data, &added); err != nil {
				return err
			}
			c.say("added %s: %s %s", added.ID, added.Provider, added.Route)
		}
		return nil
	case "delete":
		if len(rest) > 1 {
			return usageErr("ctl faults delete: at most one rule id (none deletes every rule)")
		}
		path := "/faults"
		if len(rest) == 1 {
			path += "/" + url.PathEscape(rest[0])
		}
		if err := c.do(ctx, http.MethodDelete, path, nil, nil); err != nil {
			return err
		}
		if len(rest) == 1 {
			c.say("deleted %s", rest[0])
		} else {
			c.say("deleted every fault rule")
		}
		return nil
	}
	if len(rest) > 0 {
		return usageErr("ctl faults list: takes no arguments")
	}
	var out struct {
		Faults []map[string]any `json:"faults"`
	}
	if err := c.do(ctx, http.MethodGet, "/faults", nil, &out); err != nil || c.json {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPROVIDER\tROUTE\tACTION\tMATCHES\tFIRED")
	for _, f := range out.Faults {
		var matches, fired any = 0, 0
		if st, ok := f["stats"].(map[string]any); ok {
			matches, fired = st["matches"], st["fired"]
		}
		fmt.Fprintf(tw, "%v\t%v\t%v\t%s\t%v\t%v\n", f["id"], f["provider"], f["route"], faultAction(f), matches, fired)
	}
	return tw.Flush()
}

// faultAction summarises a rule's action for the table.
func faultAction(f map[string]any) string {
	for _, k := range []string{"latency", "retryAfter", "reset", "malformed", "hang", "status"} {
		if v, ok := f[k]; ok {
			b, _ := json.Marshal(v)
			return k + "=" + string(b)
		}
	}
	return ""
}

// readRules reads one rule or a list of rules from a JSON or YAML file
// (a scenario's faults: list works as it is).
func readRules(name string) ([]any, error) {
	data, err := readInput(name)
	if err != nil {
		return nil, err
	}
	v, err := yamlToJSON(data)
	if err != nil {
		return nil, usageErr("ctl faults add: %s: %v", name, err)
	}
	if m, ok := v.(map[string]any); ok {
		if list, ok := m["faults"].([]any); ok && len(m) == 1 {
			return list, nil
		}
		return []any{m}, nil
	}
	if list, ok := v.([]any); ok {
		return list, nil
	}
	return nil, usageErr("ctl faults add: %s: want a rule or a list of rules", name)
}

func ctlCallbacks(ctx context.Context, c *ctl, args []string) error {
	fs := c.flags("callbacks")
	q := url.Values{}
	for _, name := range []string{"status", "tfn", "type", "cic", "respOrg", "change", "limit"} {
		fs.Func(name, "filter: "+name, func(v string) error { q.Set(name, v); return nil })
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	verb, rest, err := sub(pos, "list", "list", "replay")
	if err != nil {
		return err
	}
	if verb == "replay" {
		if err := wantArgs("callbacks replay", rest, 1, "one callback id such as uns-000001"); err != nil {
			return err
		}
		var d struct{ ID, Status string }
		if err := c.do(ctx, http.MethodPost, "/callbacks/"+url.PathEscape(rest[0])+"/replay", nil, &d); err != nil {
			return err
		}
		c.say("replaying %s (%s)", d.ID, d.Status)
		return nil
	}
	if len(rest) > 0 {
		return usageErr("ctl callbacks: unexpected %q (filters are flags)", rest[0])
	}
	var out struct {
		Callbacks []struct {
			ID, Status string
			Target     struct{ URL string }
			Labels     map[string]string
			CreatedAt  time.Time
			Attempts   []json.RawMessage
		}
	}
	if err := c.do(ctx, http.MethodGet, "/callbacks?"+q.Encode(), nil, &out); err != nil || c.json {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tCREATED\tATTEMPTS\tURL\tLABELS")
	for _, d := range out.Callbacks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.Status, d.CreatedAt.Format(time.RFC3339), len(d.Attempts), d.Target.URL, sortedMap(d.Labels))
	}
	return tw.Flush()
}

func ctlInbox(ctx context.Context, c *ctl, args []string) error {
	pos, err := parse(c.flags("inbox"), args)
	if err != nil {
		return err
	}
	verb := "show"
	if len(pos) > 0 && (pos[0] == "show" || pos[0] == "clear") {
		verb, pos = pos[0], pos[1:]
	}
	if err := wantArgs("inbox "+verb, pos, 1, "one inbox name"); err != nil {
		return err
	}
	path := "/inbox/" + url.PathEscape(pos[0])
	if verb == "clear" {
		if err := c.do(ctx, http.MethodDelete, path, nil, nil); err != nil {
			return err
		}
		c.say("inbox %s emptied", pos[0])
		return nil
	}
	var out struct {
		Messages []struct {
			ID         int
			Type       string
			ReceivedAt time.Time
			Body       json.RawMessage
		}
	}
	if err := c.do(ctx, http.MethodGet, path, nil, &out); err != nil || c.json {
		return err
	}
	for _, m := range out.Messages {
		fmt.Fprintf(c.stdout, "%d  %s  %s  %s\n", m.ID, m.ReceivedAt.Format(time.RFC3339), m.Type, compact(m.Body))
	}
	if len(out.Messages) == 0 {
		c.say("inbox %s is empty", pos[0])
	}
	return nil
}

// multi is a repeatable flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ", ") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func ctlVerify(ctx context.Context, c *ctl, args []string) error {
	fs := c.flags("verify")
	var queries, headers multi
	method := fs.String("method", "", "request method")
	path := fs.String("path", "", "route template, path or glob")
	prov := fs.String("provider", "", "provider")
	body := fs.String("body", "", "JSON subset of the body (or a JSON string the body must contain)")
	fs.Var(&queries, "query", "NAME=VALUE (repeatable)")
	fs.Var(&headers, "header", `"Name: value" (repeatable)`)
	counts := map[string]*int{}
	for _, name := range []string{"exactly", "at-least", "at-most"} {
		fs.Func(name, "count", func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("want a non-negative integer")
			}
			counts[name] = &n
			return nil
		})
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *path == "" {
		return usageErr("ctl verify: want --path and optional filters, no arguments")
	}
	req := map[string]any{"path": *path}
	if *method != "" {
		req["method"] = *method
	}
	if *prov != "" {
		req["provider"] = *prov
	}
	if len(queries) > 0 {
		q := map[string]string{}
		for _, kv := range queries {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return usageErr("ctl verify: --query %q: want NAME=VALUE", kv)
			}
			q[k] = v
		}
		req["query"] = q
	}
	if len(headers) > 0 {
		h := map[string]string{}
		for _, kv := range headers {
			k, v, ok := strings.Cut(kv, ":")
			if !ok {
				return usageErr(`ctl verify: --header %q: want "Name: value"`, kv)
			}
			h[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		req["headers"] = h
	}
	if *body != "" {
		if !json.Valid([]byte(*body)) {
			return usageErr(`ctl verify: --body must be JSON, e.g. '{"value":"ACME"}' or '"some text"'`)
		}
		req["body"] = json.RawMessage(*body)
	}
	if len(counts) > 0 {
		cnt := map[string]int{}
		for name, key := range map[string]string{"exactly": "exactly", "at-least": "atLeast", "at-most": "atMost"} {
			if n := counts[name]; n != nil {
				cnt[key] = *n
			}
		}
		req["count"] = cnt
	}
	var res struct {
		OK       bool   `json:"ok"`
		Count    int    `json:"count"`
		Expected string `json:"expected"`
		Message  string `json:"message"`
	}
	if err := c.do(ctx, http.MethodPost, "/verify", req, &res); err != nil {
		return err
	}
	if !res.OK {
		if !c.json {
			fmt.Fprintln(c.stderr, res.Message)
		}
		return &exitError{code: exitRefused, err: errSilent}
	}
	c.say("ok: %d matching request(s), expected %s", res.Count, res.Expected)
	return nil
}
