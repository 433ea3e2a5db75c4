package app

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
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
	// body is built as a string so the journal takes it without another copy.
	body  strings.Builder
	trunc bool
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
	if room := r.limit - r.body.Len(); room > 0 {
		keep := b
		if len(b) > room {
			keep = b[:room]
			r.trunc = true
		}
		if r.body.Len() == 0 {
			r.body.Grow(len(keep)) // most responses are one Write
		}
		r.body.Write(keep)
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

func journalEntry(w *tenant.World, prov string, r *http.Request, path string, body []byte, rec *recorder, m *provider.Match) journal.Entry {
	e := journal.Entry{
		Time:      w.Clock.Now(),
		Tenant:    w.ID,
		Provider:  prov,
		Method:    r.Method,
		Path:      path,
		Query:     r.URL.RawQuery,
		Status:    rec.status,
		RespTrunc: rec.trunc,
	}
	if e.Status == 0 {
		e.Status = http.StatusOK
	}
	if m != nil {
		e.Route = m.Route
		e.Source = m.Source
	}
	e.ReqBody, e.ReqTruncated = w.Journal.Truncate(body)
	e.RespBody = rec.body.String()
	// The request's headers and the redaction of credentials are added by
	// Journal.AddRequest, which leaves both to the entry's first read.
	return e
}
