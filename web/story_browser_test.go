//go:build browser

package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

// noOverflow is a script listing the elements wider than they show: every
// table container and the page itself must fit the viewport.
const noOverflow = `(() => {
  const bad = [];
  const check = (el, name) => { if (el.scrollWidth > el.clientWidth + 1) bad.push(name + " " + el.scrollWidth + ">" + el.clientWidth); };
  check(document.documentElement, "page");
  document.querySelectorAll(".scroll, ol.timeline, .cards, .detail").forEach((el, i) => {
    if (el.offsetParent !== null) check(el, (el.id || el.className) + "#" + i);
  });
  return bad.join("; ");
})()`

// send calls a provider API as a client would and fails the test on an
// error answer.
func send(t *testing.T, srv *simtest.Server, name, method, url, body string, auth func(*http.Request)) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	auth(req)
	resp, err := srv.Client.Do(req)
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Less(t, resp.StatusCode, 300, "%s %s: %s", method, url, data)
}

func checkNoOverflow(ctx context.Context, t *testing.T, where string) {
	t.Helper()
	bad, err := chromedp.Run(ctx, chromedp.Evaluate[string](noOverflow))
	require.NoError(t, err)
	assert.Empty(t, bad, "%s: elements wider than the viewport", where)
}

// The story views at the two widths a demo laptop and a desktop have: the
// timeline shows a flow in its order, a number's life joins three providers,
// secrets are masked, every presenter scene runs to its end, and nothing is
// wider than the page.
func TestBrowserStory(t *testing.T) {
	for _, width := range []int64{1024, 1440} {
		t.Run(fmt.Sprint(width), func(t *testing.T) { storyAt(t, width) })
	}
}

func storyAt(t *testing.T, width int64) {
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	ctx, errs := browser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)))
	shot := func(name string) { screenshot(ctx, t, fmt.Sprintf("%s-%d.png", name, width)) }

	// A flow driven through the APIs: a Flowroute record created, then read
	// by the id the answer gave; a Somos token, then a call made with it.
	basic := func(r *http.Request) { r.SetBasicAuth("demo-access-key", "demo-secret-key") }
	id := createCNAM(t, srv, "TIMELINE DEMO")
	send(t, srv, "flowroute", http.MethodGet, srv.URL("flowroute")+"/cnams/"+id, "", basic)
	tok := srv.SomosIDToken(t, "demo-refresh-admin")
	send(t, srv, "somos", http.MethodGet, srv.URL("somos")+"/cnam/8009900001", "", func(r *http.Request) { r.Header.Set("Authorization", tok) })
	srv.Advance(5 * time.Hour)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.ControlURL()+"/ui/#timeline")))
	flow := `#timeline li.tl-flow`
	require.True(t, waitFor(ctx, t, `document.querySelectorAll(`+jsString(flow)+`).length >= 2`, 10*time.Second),
		"the timeline groups the calls into flows: %q", text(ctx, t, "#timeline"))
	first := text(ctx, t, flow+` .flow-title`)
	assert.Equal(t, "flowroute: POST /v2/cnams → GET /cnams/"+id, first)
	calls, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#timeline li.tl-flow")[0].querySelectorAll(".tl-item code")).map((c) => c.textContent)`))
	require.NoError(t, err)
	assert.Equal(t, []string{"POST /v2/cnams", "GET /v2/cnams/" + id}, calls, "the flow's calls in the order they were made")
	order, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = Array.from(document.querySelectorAll("#timeline > li.tl-item")).map((li) => +li.dataset.seq); return s.every((v, i) => i === 0 || s[i-1] < v); })()`))
	require.NoError(t, err)
	assert.True(t, order, "the items outside flows are in the order they happened")
	tl := text(ctx, t, "#timeline")
	assert.Contains(t, tl, "clock advanced by 5h")
	assert.Contains(t, tl, `"TIMELINE DEMO" approved after the approval delay`, "a lifecycle step shows on the timeline")
	click(ctx, t, `#timeline li.tl-flow .tl-item`)
	assert.True(t, waitFor(ctx, t, textOf("#timeline-detail")+`.includes("TIMELINE DEMO")`, 5*time.Second), "an item opens its request and response")
	checkNoOverflow(ctx, t, "timeline")
	shot("timeline")

	// A number's life across providers, from a number typed in any spelling.
	click(ctx, t, `#tabbtn-number`)
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#number-query`), "+1 (800) 990-0001")))
	click(ctx, t, `#number-form button[type=submit]`)
	require.True(t, waitFor(ctx, t, `document.querySelectorAll("#number-view .card[data-provider]").length >= 3`, 10*time.Second),
		"the number view joins three providers: %q", text(ctx, t, "#number-view"))
	cards := text(ctx, t, "#number-view .cards")
	for _, p := range []string{"tnregistry", "somos", "flowroute"} {
		assert.Contains(t, cards, p)
	}
	assert.Contains(t, text(ctx, t, "#number-view"), "GET /cnam/8009900001", "the number's timeline holds the call about it")
	checkNoOverflow(ctx, t, "number")
	shot("number")

	// Secrets are masked until revealed; internals hide behind a toggle.
	click(ctx, t, `#tabbtn-state`)
	click(ctx, t, `#state-providers button[data-provider="flowroute"]`)
	require.True(t, waitFor(ctx, t, `document.querySelector("#state-view .secret .masked") !== null`, 10*time.Second), "a secret is masked")
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#state-view").innerText`))
	require.NoError(t, err)
	assert.NotContains(t, visible, "demo-secret-key", "the Flowroute secret key is not shown")
	assert.NotContains(t, visible, "Rng seed", "internals are hidden by default")
	click(ctx, t, `#state-view button.reveal`)
	visible, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#state-view").innerText`))
	require.NoError(t, err)
	assert.Contains(t, visible, "demo-", "Reveal shows the value")
	checkNoOverflow(ctx, t, "state")
	shot("state-flowroute")

	// Every tab fits the page at this width.
	for _, tab := range []string{"overview", "journal", "callbacks", "faults", "scenario"} {
		click(ctx, t, `#tabbtn-`+tab)
		time.Sleep(300 * time.Millisecond)
		checkNoOverflow(ctx, t, tab)
	}
	// The Callbacks table with a delivery in it (its target column used to
	// push the Replay buttons off the page).
	req, err := http.NewRequest(http.MethodPost, srv.ControlURL()+"/tnregistry/records/8339900238/changes", strings.NewReader(`{"change":"cic-addition","cic":"0222"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := srv.Client.Do(req); err == nil {
		resp.Body.Close()
	}
	click(ctx, t, `#tabbtn-callbacks`)
	if waitFor(ctx, t, `document.querySelector("#callbacks-table tbody tr[data-id]") !== null`, 10*time.Second) {
		checkNoOverflow(ctx, t, "callbacks with a delivery")
		shot("callbacks")
	}

	// Presenter mode: every scene runs to its end through the public APIs.
	click(ctx, t, `#presenter-toggle`)
	require.True(t, waitFor(ctx, t, `document.querySelector("html.presenter #presenter:not([hidden])") !== null`, 5*time.Second))
	scenes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#scenes button[data-scene]")).map((b) => b.dataset.scene)`))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(scenes), 3)
	for _, sc := range scenes {
		click(ctx, t, `#tabbtn-timeline`)
		click(ctx, t, `#scenes button[data-scene="`+sc+`"]`)
		btn := `document.querySelector('#scenes button[data-scene="` + sc + `"]')`
		done := waitFor(ctx, t, `["done", "failed"].includes(`+btn+`.dataset.state)`, 30*time.Second)
		require.True(t, done, "scene %s finished", sc)
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](btn+`.dataset.state`))
		require.NoError(t, err)
		assert.Equal(t, "done", state, "scene %s: %s", sc, text(ctx, t, "#scene-caption"))
		checkNoOverflow(ctx, t, "presenter "+sc)
		shot("scene-" + sc)
	}

	for _, e := range errs.all() {
		t.Errorf("the page reported: %s", e)
	}
}
