//go:build browser

package web_test

// The dashboard driven like a user would drive it, in headless Chromium,
// against an in-process simulator. Run it with
//
//	go test -tags browser ./web/
//
// (or .ci/browser, which installs Debian's chromium first). A missing browser
// fails the test: with the tag set, the browser is a requirement.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

// chromiumPath finds the browser: $SIM_CHROMIUM, else Debian's chromium.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SIM_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found (looked for /usr/bin/chromium, chromium-browser and google-chrome on PATH; " +
		"install it with `apt-get install -y chromium` or run .ci/browser, or set SIM_CHROMIUM)")
	return ""
}

// browser starts a headless Chromium with a fresh profile and collects the
// page's script errors and console errors. The returned context bounds the
// whole test.
func browser(t *testing.T) (context.Context, *pageErrors) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })

	errs := &pageErrors{}
	// The first call starts the browser; it must not carry a timeout.
	require.NoError(t, chromedp.Listen(bctx, errs.listen), "starting Chromium")
	require.NoError(t, chromedp.Do(bctx, enableLog), "enabling the browser log")
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	t.Cleanup(cancel)
	return ctx, errs
}

// enableLog turns on the Log domain, where the browser reports Content
// Security Policy violations (anything the page tried to load from
// elsewhere) and failed loads.
func enableLog(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
	_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
	return chromedp.Void{}, err
}

type pageErrors struct {
	mu   sync.Mutex
	list []string
}

func (p *pageErrors) listen(ev any) {
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		p.add("script error: " + (&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value))
			}
			p.add("console.error: " + strings.Join(parts, " "))
		}
	case *cdplog.EventEntryAdded:
		// A control call refused with a 4xx (an endpoint this build lacks,
		// a scenario with problems) is shown by the page in place; any
		// other failed load is a fault of the page or the server.
		api := strings.Contains(e.Entry.URL, "/__sim/") && !strings.Contains(e.Entry.URL, "/__sim/ui/")
		if e.Entry.Level == cdplog.EntryLevelError && !(api && strings.Contains(e.Entry.Text, "status of 4")) {
			p.add("browser log: " + e.Entry.Text + " " + e.Entry.URL)
		}
	}
}

func (p *pageErrors) add(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, s)
}

func (p *pageErrors) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.list...)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// textOf is a script giving an element's trimmed text ("" when absent).
func textOf(sel string) string {
	return fmt.Sprintf(`((document.querySelector(%s) || {}).textContent || "").trim()`, jsString(sel))
}

// text reads an element's text, "" when it is not there.
func text(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](textOf(sel)))
	require.NoError(t, err)
	return out
}

// waitFor polls a script in the page until it is truthy; it reports whether
// that happened within the time given.
func waitFor(ctx context.Context, t *testing.T, expr string, within time.Duration) bool {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(within)))
	if err != nil && !errors.Is(err, chromedp.ErrPollingTimeout) {
		require.NoError(t, err)
	}
	return err == nil
}

func click(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel))), "clicking %s", sel)
}

func screenshot(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	dir := filepath.Join("testdata", "artifacts")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot: %s", path)
}

func TestBrowser(t *testing.T) {
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	ctx, errs := browser(t)

	// The page loads for this tenant (through the /ui -> /ui/ redirect) and
	// lists every provider the simulator serves.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.ControlURL()+"/ui"),
		chromedp.WaitVisible(chromedp.CSS(`#providers-table tbody tr[data-provider]`)),
	))
	for _, info := range srv.App.Infos() {
		row := text(ctx, t, `#providers-table tr[data-provider="`+info.Name+`"]`)
		assert.Contains(t, row, info.Title, "provider %s is listed", info.Name)
		if len(srv.App.Routes(info.Name)) == 0 {
			assert.Contains(t, row, "No inbound API", "provider %s, which only calls out, shows its levers", info.Name)
			assert.NotContains(t, row, "/t/"+srv.Tenant+info.Mount, "provider %s offers no base URL that would answer 404", info.Name)
			continue
		}
		assert.Contains(t, row, "/t/"+srv.Tenant+info.Mount+info.BasePath, "provider %s shows this tenant's base URL", info.Name)
	}
	assert.Equal(t, "frozen", text(ctx, t, "#clock-mode"))
	startClock := text(ctx, t, "#clock-now")
	assert.Contains(t, startClock, "2026-01-05 09:00:00 UTC")
	screenshot(ctx, t, "overview.png")

	// A CNAM record created through the Flowroute API is pending ...
	id := createCNAM(t, srv, "DASHBOARD DEMO")
	row := `table[data-path="flowroute/cnams"] tr[data-id="` + id + `"]`
	status := row + ` td[data-col="status"]`
	click(ctx, t, `#tabbtn-state`)
	click(ctx, t, `#state-providers button[data-provider="flowroute"]`)
	require.True(t, waitFor(ctx, t, textOf(status)+` !== ""`, 10*time.Second),
		"the new CNAM record %s shows up in the Flowroute state browser", id)
	assert.Equal(t, "pending", text(ctx, t, status))
	assert.NotEmpty(t, text(ctx, t, row+` button[aria-label="Approve CNAM `+id+`"]`), "a pending record has an Approve button")
	// Mark the provider button: the polls below change the state, and the
	// button must survive them (a rebuilt button loses a click in progress).
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('#state-providers button[data-provider="flowroute"]').dataset.kept = "yes", true)`))
	require.NoError(t, err)

	// ... and the clock buttons move it to approved (the default scenario
	// decides after 4 hours).
	approved := false
	for i := 0; i < 8 && !approved; i++ {
		before := text(ctx, t, "#clock-now")
		click(ctx, t, `button[data-advance="1h"]`)
		require.True(t, waitFor(ctx, t, textOf("#clock-now")+" !== "+jsString(before), 5*time.Second),
			"the clock display follows the +1 h button")
		approved = waitFor(ctx, t, textOf(status)+` === "approved"`, 4*time.Second)
	}
	require.True(t, approved, "the CNAM record became approved after advancing the clock from the page (status %q)", text(ctx, t, status))
	assert.Empty(t, text(ctx, t, row+` button[aria-label="Approve CNAM `+id+`"]`), "an approved record has no Approve button")
	assert.Contains(t, text(ctx, t, "#clock-now"), "2026-01-05 1", "the clock shows the advanced time")
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#state-providers button[data-provider="flowroute"]').dataset.kept === "yes"`))
	require.NoError(t, err)
	assert.True(t, kept, "the state browser's provider buttons are not rebuilt by polls that change only the state")
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector(`+jsString(row)+`).scrollIntoView({block: "center"}), true)`))
	require.NoError(t, err)
	screenshot(ctx, t, "dashboard.png")

	// The journal shows the API call, with its bodies one click away.
	click(ctx, t, `#tabbtn-journal`)
	click(ctx, t, `#journal-table tbody tr[data-id]`)
	assert.True(t, waitFor(ctx, t, textOf("#journal-detail")+`.includes("DASHBOARD DEMO")`, 5*time.Second),
		"the journal detail shows the request body: %q", text(ctx, t, "#journal-detail"))
	assert.Contains(t, text(ctx, t, "#journal-table tbody"), "/v2/cnams")
	screenshot(ctx, t, "journal.png")

	// A TFNRegistry change queues a callback delivery that the Callbacks tab
	// lists, when this build has the change lever and the callbacks API.
	tnregistryChange(ctx, t, srv)

	// A fault rule added from the form is listed, then removed.
	click(ctx, t, `#tabbtn-faults`)
	require.True(t, waitFor(ctx, t, `document.querySelector("#fault-provider option[value=flowroute]") !== null`, 5*time.Second))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#fault-provider`), "flowroute"),
		chromedp.SendKeys(chromedp.CSS(`#fault-form input[name=route]`), "POST /v2/cnams"),
	))
	click(ctx, t, `#fault-form button[type=submit]`)
	require.True(t, waitFor(ctx, t, `document.querySelector("#faults-table tbody tr[data-id]") !== null`, 5*time.Second),
		"the new fault rule is listed (form error: %q)", text(ctx, t, "#fault-error"))
	rule := text(ctx, t, `#faults-table tbody tr[data-id]`)
	assert.Contains(t, rule, "POST /v2/cnams")
	assert.Contains(t, rule, "status 500")
	screenshot(ctx, t, "faults.png")
	click(ctx, t, `#faults-table tbody tr[data-id] button`)
	assert.True(t, waitFor(ctx, t, `document.querySelector("#faults-table tbody tr[data-id]") === null`, 5*time.Second), "the rule is removed")

	// A broken scenario is refused with its problems shown at their lines;
	// nothing changes.
	click(ctx, t, `#tabbtn-scenario`)
	broken := "version: 1\nname: broken\nflowroute:\n  approval:\n    after: soon\n"
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector("#scenario-yaml").value = `+jsString(broken)+`, true)`))
	require.NoError(t, err)
	click(ctx, t, `#scenario-form button[type=submit]`)
	require.True(t, waitFor(ctx, t, `document.querySelector("#scenario-problems ul.problems li") !== null`, 5*time.Second),
		"the problems are listed: %q", text(ctx, t, "#scenario-problems"))
	assert.Contains(t, text(ctx, t, "#scenario-problems ul.problems"), "line 5")
	assert.NotEmpty(t, text(ctx, t, "#scenario-problems #problem-line-5"), "line 5 is marked in the listing")
	assert.Contains(t, text(ctx, t, "#scenario-name"), "scenario default", "the tenant keeps its scenario")
	screenshot(ctx, t, "scenario.png")

	// The TFNRegistry state browser renders whatever that provider exports.
	click(ctx, t, `#tabbtn-state`)
	click(ctx, t, `#state-providers button[data-provider="tnregistry"]`)
	assert.True(t, waitFor(ctx, t, `document.querySelector("#state-view table") !== null`, 5*time.Second), "the TFNRegistry state has tables")
	screenshot(ctx, t, "state-tnregistry.png")

	for _, e := range errs.all() {
		t.Errorf("the page reported: %s", e)
	}
}

func createCNAM(t *testing.T, srv *simtest.Server, value string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"value": value})
	req, err := http.NewRequest(http.MethodPost, srv.URL("flowroute")+"/cnams", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/vnd.api+json")
	creds := srv.Credentials("flowroute")
	require.NotEmpty(t, creds, "the default scenario has Flowroute credentials")
	req.SetBasicAuth(creds[0].Values["accessKey"], creds[0].Values["secretKey"])
	resp, data := srv.Do(t, "flowroute", req)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", data)
	var doc struct {
		Data struct {
			ID json.RawMessage `json:"id"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	return strings.Trim(string(doc.Data.ID), `"`)
}

// endpoints lists the control API's routes ("POST /__sim/...").
func endpoints(t *testing.T, srv *simtest.Server) map[string]bool {
	t.Helper()
	var idx struct {
		Endpoints []string `json:"endpoints"`
	}
	srv.Control(http.MethodGet, "/", nil, http.StatusOK, &idx)
	out := map[string]bool{}
	for _, e := range idx.Endpoints {
		out[e] = true
	}
	return out
}

func tnregistryChange(ctx context.Context, t *testing.T, srv *simtest.Server) {
	t.Helper()
	eps := endpoints(t, srv)
	change := "POST /__sim/tnregistry/records/{tfn}/changes"
	if !eps[change] || !eps["GET /__sim/callbacks"] {
		t.Logf("skipping the TFNRegistry callback step: this build lacks %q or GET /__sim/callbacks", change)
		click(ctx, t, `#tabbtn-callbacks`)
		if !eps["GET /__sim/callbacks"] {
			assert.True(t, waitFor(ctx, t, textOf("#callbacks-missing")+`.includes("not available")`, 5*time.Second),
				"the Callbacks tab says callbacks are not available")
		}
		return
	}
	const tfn = "8339900238"
	req, err := http.NewRequest(http.MethodPost, srv.ControlURL()+"/tnregistry/records/"+tfn+"/changes",
		strings.NewReader(`{"change":"cic-addition","cic":"0222"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client.Do(req)
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Less(t, resp.StatusCode, 300, "POST %s: %s", change, data)

	click(ctx, t, `#tabbtn-callbacks`)
	require.True(t, waitFor(ctx, t, `document.querySelector("#callbacks-table tbody tr[data-id]") !== null`, 15*time.Second),
		"a delivery shows up in the Callbacks tab after the TFNRegistry change")
	assert.Contains(t, text(ctx, t, "#callbacks-table tbody"), tfn)
	screenshot(ctx, t, "callbacks.png")
}
