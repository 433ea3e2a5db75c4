//go:build !browser

package web_test

import "testing"

// TestBrowser is the real-browser test's stand-in in plain runs: it needs
// Chromium, so it only runs with the browser build tag.
func TestBrowser(t *testing.T) {
	t.Skip("the dashboard's browser test needs Chromium (/usr/bin/chromium): run it with `go test -tags browser ./web/` or .ci/browser")
}
