package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/scenario"
)

// validate checks scenario files and prints every problem.
func validate(files []string, stdout, stderr io.Writer) error {
	if len(files) == 0 {
		return fmt.Errorf("validate: name at least one scenario file")
	}
	a, err := app.New(app.Config{Scenario: mustDefault()})
	if err != nil {
		return err
	}
	failed := false
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", f, err)
			failed = true
			continue
		}
		if _, err := a.ParseScenario(f, data, nil); err != nil {
			for _, p := range scenario.AsProblems(err) {
				if p.File == "" {
					p.File = f
				}
				fmt.Fprintln(stderr, p.String())
			}
			failed = true
			continue
		}
		fmt.Fprintf(stdout, "%s: ok\n", f)
	}
	if failed {
		return errSilent
	}
	return nil
}

func mustDefault() *scenario.Scenario {
	sc, err := loadScenario("")
	if err != nil {
		panic("embedded default scenario is invalid: " + err.Error())
	}
	return sc
}

// routes prints every provider route and control lever.
func routes(stdout io.Writer) error {
	a, err := app.New(app.Config{Scenario: mustDefault()})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tMETHOD\tPATH (main port)\tAUTH\tWHAT")
	for _, info := range a.Infos() {
		for _, rt := range a.Routes(info.Name) {
			auth := rt.Auth
			if auth == "" {
				auth = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s%s\t%s\t%s\n", info.Name, rt.Method, info.Mount, rt.Path, auth, rt.Name)
		}
	}
	for _, rt := range a.ControlRoutes() {
		fmt.Fprintf(tw, "control\t%s\t/__sim%s\t-\t%s\n", rt.Method, rt.Path, rt.Name)
	}
	return tw.Flush()
}

// healthcheck asks a running simulator for its health; the container's
// HEALTHCHECK uses it, so no shell or curl is needed in the image.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	addr := getenv("SIM_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr
	}
	u := fs.String("url", "http://"+addr+"/__sim/health", "health URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *u, nil)
	if err != nil {
		return err
	}
	if tok := getenv("SIM_ADMIN_TOKEN"); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s", resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
