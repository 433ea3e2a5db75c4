package web

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContentType(t *testing.T) {
	tests := []struct{ name, want string }{
		{"index.html", "text/html; charset=utf-8"},
		{"app.css", "text/css; charset=utf-8"},
		{"app.js", "text/javascript; charset=utf-8"},
		{"favicon.svg", "image/svg+xml"},
		{"APP.JS", "text/javascript; charset=utf-8"},
		{"data.bin-unknown-ext", "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ContentType(tt.name))
		})
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name  string
		found string // the asset's name, "" when none
	}{
		{"", "index.html"},
		{"index.html", "index.html"},
		{"app.js", "app.js"},
		{"app.css", "app.css"},
		{"favicon.svg", "favicon.svg"},
		{"missing.js", ""},
		{"../web.go", ""},
		{"/app.js", ""},
		{"./app.js", ""},
		{"assets/app.js", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Lookup(tt.name)
			if tt.found == "" {
				assert.Nil(t, f)
				return
			}
			require.NotNil(t, f)
			assert.Equal(t, tt.found, f.Name)
			assert.NotEmpty(t, f.Body)
			assert.Regexp(t, `^"[0-9a-f]{16}"$`, f.ETag)
			assert.Equal(t, ContentType(f.Name), f.ContentType)
		})
	}
}

// The page names its assets with the build's version so they can be cached
// for good, and every asset it names exists.
func TestIndexReferencesVersionedAssets(t *testing.T) {
	idx := Lookup("index.html")
	require.NotNil(t, idx)
	body := string(idx.Body)
	assert.NotContains(t, body, versionToken, "the version placeholder is filled in")
	assert.Regexp(t, `^[0-9a-f]{16}$`, Version())
	refs := regexp.MustCompile(`(?:src|href)="([^"#:]+)"`).FindAllStringSubmatch(body, -1)
	require.NotEmpty(t, refs)
	for _, m := range refs {
		name, query, _ := strings.Cut(m[1], "?")
		assert.NotNil(t, Lookup(name), "index.html refers to %s", m[1])
		assert.Equal(t, "v="+Version(), query, "%s is versioned", m[1])
	}
}

// Nothing is fetched from another host: the dashboard works offline.
func TestAssetsAreSelfContained(t *testing.T) {
	external := regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(\s*['"]?(?:https?:)?//`)
	for _, n := range Names() {
		f := Lookup(n)
		require.NotNil(t, f)
		body := string(f.Body)
		if n == "favicon.svg" {
			// The SVG namespace is an identifier, not a fetch.
			body = strings.ReplaceAll(body, "http://www.w3.org/2000/svg", "")
		}
		assert.Empty(t, external.FindAllString(body, -1), "%s refers to another host", n)
	}
}

// Every element the script looks up by id exists in the page.
func TestScriptIDsExist(t *testing.T) {
	js := string(Lookup("app.js").Body)
	html := string(Lookup("index.html").Body)
	ids := regexp.MustCompile(`\$\('#([A-Za-z0-9-]*[A-Za-z0-9])'`).FindAllStringSubmatch(js, -1)
	require.NotEmpty(t, ids)
	dynamic := map[string]bool{"lever-result": true} // built by the script itself
	for _, m := range ids {
		if dynamic[m[1]] {
			continue
		}
		assert.True(t, strings.Contains(html, `id="`+m[1]+`"`), "app.js looks up #%s, which index.html lacks", m[1])
	}
}
