package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// fleetTenant is one live tenant as a replica lists it.
type fleetTenant struct {
	ID       string    `json:"id"`
	Scenario string    `json:"scenario"`
	Now      time.Time `json:"now"`
	Mode     string    `json:"mode"`
	Journal  int       `json:"journalEntries"`
	LastUsed time.Time `json:"lastUsed"`
}

// fleetReplica is what one replica answered.
type fleetReplica struct {
	URL     string        `json:"url"`
	Replica string        `json:"replica,omitempty"` // its X-Sim-Replica
	Tenants []fleetTenant `json:"tenants"`
	Error   string        `json:"error,omitempty"`
}

// ctlFleet lists the tenants of every replica, asking each one directly:
// behind a load balancer each replica knows only its own tenants.
//
//	simulator ctl fleet URL...            (or SIM_FLEET=URL,URL,...)
func ctlFleet(ctx context.Context, c *ctl, args []string) error {
	urls, err := parse(c.flags("fleet"), args)
	if err != nil {
		return err
	}
	if len(urls) == 0 {
		for _, u := range strings.Split(c.getenv("SIM_FLEET"), ",") {
			if u = strings.TrimSpace(u); u != "" {
				urls = append(urls, u)
			}
		}
	}
	if len(urls) == 0 {
		return usageErr("ctl fleet: name each replica's URL (or set SIM_FLEET), e.g. http://sim-0.sim-headless:8080")
	}
	out := make([]fleetReplica, len(urls))
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = c.replicaTenants(ctx, strings.TrimRight(u, "/"))
		}()
	}
	wg.Wait()
	failed := 0
	for _, r := range out {
		if r.Error != "" {
			failed++
		}
	}
	if c.json {
		data, _ := json.Marshal(map[string]any{"replicas": out})
		c.printJSON(data)
	} else {
		printFleet(c.stdout, out)
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("ctl fleet: %d of %d replicas did not answer", failed, len(out))}
	}
	return nil
}

func (c *ctl) replicaTenants(ctx context.Context, base string) fleetReplica {
	r := fleetReplica{URL: base, Tenants: []fleetTenant{}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/__sim/tenants", nil)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer resp.Body.Close()
	r.Replica = resp.Header.Get("X-Sim-Replica")
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		r.Error = err.Error()
		return r
	}
	if resp.StatusCode != http.StatusOK {
		r.Error = fmt.Sprintf("%d: %s", resp.StatusCode, strings.TrimSpace(string(data)))
		return r
	}
	var body struct {
		Tenants []fleetTenant `json:"tenants"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		r.Error = "unexpected answer: " + err.Error()
		return r
	}
	sort.Slice(body.Tenants, func(i, j int) bool { return body.Tenants[i].ID < body.Tenants[j].ID })
	r.Tenants = body.Tenants
	return r
}

func printFleet(w io.Writer, replicas []fleetReplica) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REPLICA\tTENANT\tSCENARIO\tCLOCK\tMODE\tJOURNAL\tLAST USED")
	total := 0
	for _, r := range replicas {
		name := r.Replica
		if name == "" {
			name = r.URL
		}
		if r.Error != "" {
			fmt.Fprintf(tw, "%s\t(no answer: %s)\t\t\t\t\t\n", name, r.Error)
			continue
		}
		for _, t := range r.Tenants {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", name, t.ID, t.Scenario, t.Now.Format(time.RFC3339), t.Mode, t.Journal, t.LastUsed.Format(time.RFC3339))
		}
		total += len(r.Tenants)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "%d tenants on %d replicas\n", total, len(replicas))
}
