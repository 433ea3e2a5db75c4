package app

import (
	"net/http"
	"strings"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/web"
)

// uiRoutes serve the dashboard below /__sim/ui.
func (a *App) uiRoutes() []provider.Route {
	return []provider.Route{
		{Method: http.MethodGet, Path: "/ui", Name: "the dashboard (redirects to /__sim/ui/)", Handler: serveUIRedirect},
		{Method: http.MethodGet, Path: "/ui/", Name: "the dashboard", Handler: serveUI},
		{Method: http.MethodGet, Path: "/ui/{file:.+}", Name: "the dashboard's assets", Handler: serveUI},
	}
}

// serveUIRedirect sends /ui to /ui/ with a relative Location, so a tenant
// prefix (/t/{tenant}) or a reverse proxy's prefix is kept and the page's
// relative asset URLs resolve below /ui/.
func serveUIRedirect(w http.ResponseWriter, r *http.Request) {
	loc := "ui/"
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusFound)
}

// uiCSP keeps the page to its own origin: no CDN, font or script from
// anywhere else can load, and it cannot be framed.
const uiCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

func serveUI(w http.ResponseWriter, r *http.Request) {
	name := provider.Vars(r)["file"]
	f := web.Lookup(name)
	if f == nil {
		provider.WriteControlError(w, http.StatusNotFound, "no dashboard file "+name)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("ETag", f.ETag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", uiCSP)
	// The page names its assets with ?v=<version>; such a URL never changes
	// meaning, so it may be cached for good. Anything else (the page itself,
	// an asset asked for without the version) is revalidated each time.
	if f.Name != "index.html" && r.URL.Query().Get("v") == web.Version() {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if etagMatch(r.Header.Get("If-None-Match"), f.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(f.Body)
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
