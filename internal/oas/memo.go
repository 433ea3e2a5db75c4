package oas

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// Bounds of a route's memo of requests that passed validation: clients send
// the same requests over and over (a page walk, a search, a login), and
// kin-openapi decodes and walks a body (building error values for every
// oneOf alternative that does not match) each time.
const (
	maxMemoBody  = 2 << 10  // a larger body is validated every time
	maxMemoBytes = 32 << 10 // per route; the memo starts over when full
)

// passMemo remembers what made a request pass a route's checks: its path
// (which holds the path parameters), query string, Content-Type, the
// operation's header parameters and its body.
type passMemo struct {
	mu    sync.Mutex
	keys  map[string]struct{}
	bytes int
}

var keyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// key builds r's memo key into *buf, reading r's body (and putting it back
// for the handler). It reports false when r is not one to remember: a body
// of unknown or large size.
func (p *Prepared) key(r *http.Request, buf *[]byte) bool {
	k := append((*buf)[:0], r.URL.Path...)
	k = append(append(k, 0), r.URL.RawQuery...)
	k = append(append(k, 0), r.Header.Get("Content-Type")...)
	for _, h := range p.headers {
		for _, v := range r.Header[h] {
			k = append(append(k, 0), v...)
		}
		k = append(k, 1)
	}
	k = append(k, 0)
	if r.Body != nil && r.Body != http.NoBody {
		if r.ContentLength < 0 || r.ContentLength > maxMemoBody {
			return false
		}
		n := len(k)
		k = append(k, make([]byte, r.ContentLength)...)
		read, err := io.ReadFull(r.Body, k[n:])
		body := bytes.Clone(k[n : n+read])
		if err != nil { // shorter than announced: hand on what there was, and the error
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	*buf = k
	return true
}

func (m *passMemo) has(key []byte) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.keys[string(key)] // no copy for a lookup
	return ok
}

func (m *passMemo) add(key []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil || m.bytes+len(key) > maxMemoBytes {
		m.keys, m.bytes = map[string]struct{}{}, 0
	}
	if _, ok := m.keys[string(key)]; !ok {
		m.keys[string(key)] = struct{}{}
		m.bytes += len(key)
	}
}
