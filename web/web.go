// Package web holds the dashboard served at /__sim/ui: plain HTML, CSS and
// JavaScript embedded in the binary, with no build step and nothing fetched
// from elsewhere. The page talks only to the public /__sim control API.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"
)

//go:embed assets
var embedded embed.FS

// Assets is the dashboard's files, rooted at the directory that holds
// index.html.
var Assets fs.FS = mustSub(embedded, "assets")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// File is one asset ready to serve.
type File struct {
	Name        string
	Body        []byte
	ContentType string
	// ETag is a strong validator derived from the content.
	ETag string
}

// versionToken is replaced in index.html by Version, so the page asks for
// assets by a URL that changes whenever any asset changes and the browser
// can cache them for good.
const versionToken = "__ASSETS_VERSION__"

// assets are the files ready to serve and their version, read on first use:
// most runs never open the dashboard, and need neither the copies nor the
// hashing at startup.
type assets struct {
	version string
	files   map[string]*File
}

var loaded = sync.OnceValue(load)

// Version identifies this build's assets (a hash of all of them).
func Version() string { return loaded().version }

func load() assets {
	h := sha256.New()
	var names []string
	_ = fs.WalkDir(Assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, p)
		return nil
	})
	raw := map[string][]byte{}
	for _, n := range names {
		b, err := fs.ReadFile(Assets, n)
		if err != nil {
			panic(err)
		}
		raw[n] = b
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
	}
	a := assets{version: hex.EncodeToString(h.Sum(nil))[:16], files: map[string]*File{}}
	for n, b := range raw {
		if n == "index.html" {
			b = []byte(strings.ReplaceAll(string(b), versionToken, a.version))
		}
		sum := sha256.Sum256(b)
		a.files[n] = &File{Name: n, Body: b, ContentType: ContentType(n), ETag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	return a
}

// Lookup returns the named asset ("index.html", "app.js"), or nil.
func Lookup(name string) *File {
	if name == "" {
		name = "index.html"
	}
	if !fs.ValidPath(name) {
		return nil
	}
	return loaded().files[name]
}

// Names lists every asset.
func Names() []string {
	files := loaded().files
	out := make([]string, 0, len(files))
	for n := range files {
		out = append(out, n)
	}
	return out
}

var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".json": "application/json",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
}

// ContentType is the media type an asset is served with, independent of the
// host's MIME tables.
func ContentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
