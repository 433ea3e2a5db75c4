package app

import (
	"bufio"
	"fmt"
	"io"
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
	j      *journal.Journal // whose Share keeps a body written whole
	// body is built as a string so the journal takes it without another copy.
	body strings.Builder
	// kept is a body written whole by WriteString: strings do not change,
	// so the journal keeps it as it is.
	kept  string
	trunc bool
}

func newRecorder(w http.ResponseWriter, j *journal.Journal) *recorder {
	return &recorder{ResponseWriter: w, limit: j.BodyLimit, j: j}
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write keeps a body written in one piece through the journal's Share, so
// a body answered again is not copied again.
func (r *recorder) Write(b []byte) (int, error) {
	if r.body.Len() == 0 && r.kept == "" && len(b) <= r.limit && len(b) > 0 {
		if r.status == 0 {
			r.status = http.StatusOK
		}
		r.kept = r.j.Share(b)
	} else if n := r.room(len(b)); n > 0 {
		r.body.Write(b[:n])
	}
	return r.ResponseWriter.Write(b)
}

// WriteString keeps a body written in one piece without copying it:
// strings do not change.
func (r *recorder) WriteString(s string) (int, error) {
	if r.body.Len() == 0 && r.kept == "" && len(s) <= r.limit {
		if r.status == 0 {
			r.status = http.StatusOK
		}
		r.kept = s
	} else if n := r.room(len(s)); n > 0 {
		r.body.WriteString(s[:n])
	}
	return io.WriteString(r.ResponseWriter, s)
}

// bodyString is the body kept for the journal.
func (r *recorder) bodyString() string {
	if r.kept != "" {
		return r.kept
	}
	return r.body.String()
}

// room says how many of the next n bytes written the journal keeps, and
// readies the body for them.
func (r *recorder) room(n int) int {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.kept != "" { // a write after WriteString
		r.body.WriteString(r.kept)
		r.kept = ""
	}
	room := r.limit - r.body.Len()
	if n > room {
		r.trunc = r.trunc || n > 0
		n = max(room, 0)
	}
	if n > 0 && r.body.Len() == 0 {
		r.body.Grow(n) // most responses are one Write
	}
	return n
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
	e.RespBody = rec.bodyString()
	// The request's headers and the redaction of credentials are added by
	// Journal.AddRequest, which leaves both to the entry's first read.
	return e
}
