package app

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"

	"github.com/telecomsim/simulator/internal/journal"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/tenant"
)

// recorder passes a response through while keeping its status and the first
// bytes of its body for the journal.
type recorder struct {
	http.ResponseWriter
	status int
	limit  int
	body   []byte
	trunc  bool
}

func newRecorder(w http.ResponseWriter, limit int) *recorder {
	return &recorder{ResponseWriter: w, limit: limit}
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if room := r.limit - len(r.body); room > 0 {
		if len(b) > room {
			r.body = append(r.body, b[:room]...)
			r.trunc = true
		} else {
			r.body = append(r.body, b...)
		}
	} else if len(b) > 0 {
		r.trunc = true
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack lets a fault reset the connection.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("connection cannot be hijacked")
	}
	return h.Hijack()
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// journalHeaders lists request headers worth keeping (credentials masked).
func journalHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := strings.Join(h[k], ", ")
		switch strings.ToLower(k) {
		case "authorization", "x-authorization", "cookie":
			if len(v) > 12 {
				v = v[:12] + "…"
			}
		}
		out[k] = v
	}
	return out
}

func journalEntry(w *tenant.World, prov string, r *http.Request, path string, body []byte, rec *recorder, m *provider.Match) journal.Entry {
	e := journal.Entry{
		Time:       w.Clock.Now(),
		Tenant:     w.ID,
		Provider:   prov,
		Method:     r.Method,
		Path:       path,
		Query:      r.URL.RawQuery,
		Status:     rec.status,
		ReqHeaders: journalHeaders(r.Header),
		RespTrunc:  rec.trunc,
	}
	if e.Status == 0 {
		e.Status = http.StatusOK
	}
	if m != nil && m.Route != nil {
		e.Route = m.Route.Method + " " + m.Route.Path
	}
	e.ReqBody, e.ReqTruncated = w.Journal.Truncate(body)
	e.RespBody = string(rec.body)
	return e
}
