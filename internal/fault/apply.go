package fault

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
)

// Render writes the provider's error response for a status (body is nil
// when the rule gives none; Apply writes explicit bodies itself).
type Render func(w http.ResponseWriter, r *http.Request, status int, body []byte)

// Apply decides which rules fire for req (see Decide) and carries them out.
//
// Latency sleeps on the wall clock (it simulates the network) and then
// returns handled=false so the request proceeds, unless a terminal rule also
// fired. If the client gives up during the delay, Apply returns handled=true
// having written nothing. Every other action writes (or withholds) the
// response itself and returns handled=true; after a reset or a hang the
// connection is gone and the caller must not write.
//
// render writes the provider's error shape for a status when the rule has no
// body; a rule's body is written verbatim. fired is the terminal rule that
// fired, else the latency rule, else nil.
func (s *Set) Apply(w http.ResponseWriter, r *http.Request, req Request, now time.Time, render func(w http.ResponseWriter, r *http.Request, status int, body []byte)) (fired *Rule, handled bool) {
	d := s.Decide(req, now)
	fired = d.Fired()
	if fired == nil {
		return nil, false
	}
	if d.Latency != nil && d.Delay > 0 {
		if err := clock.Sleep(r.Context(), d.Delay); err != nil {
			return fired, true
		}
	}
	if d.Rule == nil {
		return fired, false
	}
	Perform(w, r, *d.Rule, req, render)
	return fired, true
}

// Perform carries out a terminal rule's action on the response. It is
// exported for callers that want to decide and act separately.
func Perform(w http.ResponseWriter, r *http.Request, rule Rule, req Request, render Render) {
	switch {
	case rule.Reset:
		resetConn(w)
	case rule.Hang:
		hang(w, r)
	case rule.Malformed:
		writeMalformed(w, r, rule, req)
	case rule.RetryAfter != nil:
		secs := int64(math.Ceil(rule.RetryAfter.D().Seconds()))
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 0), 10))
		writeStatus(w, r, http.StatusTooManyRequests, rule.Body, render)
	case rule.Status != 0:
		writeStatus(w, r, rule.Status, rule.Body, render)
	}
}

func writeStatus(w http.ResponseWriter, r *http.Request, status int, body *string, render Render) {
	if body == nil && render != nil {
		render(w, r, status, nil)
		return
	}
	var b []byte
	if body != nil {
		b = []byte(*body)
	} else {
		b, _ = json.Marshal(map[string]any{"status": status, "message": http.StatusText(status)})
	}
	writeRaw(w, status, b)
}

// writeRaw writes b as is, with a content type guessed from it.
func writeRaw(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Del("Content-Length")
	switch {
	case len(b) == 0:
		h.Del("Content-Type")
	case json.Valid(b):
		h.Set("Content-Type", "application/json")
	default:
		h.Set("Content-Type", http.DetectContentType(b))
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// resetConn closes the client connection abruptly: on a hijackable TCP
// connection with SO_LINGER 0, so the peer gets a RST ("connection reset by
// peer"). Where the connection cannot be hijacked (HTTP/2), the handler
// aborts, which resets the stream.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc := tcpConn(conn); tc != nil {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func tcpConn(c net.Conn) *net.TCPConn {
	for range 4 {
		switch v := c.(type) {
		case *net.TCPConn:
			return v
		case interface{ NetConn() net.Conn }:
			c = v.NetConn()
		default:
			return nil
		}
	}
	return nil
}

// hang holds the request until the client disconnects or the request's
// context ends, then drops the connection without a response.
func hang(w http.ResponseWriter, r *http.Request) {
	// Reading the body to its end lets the server notice a client that goes
	// away (net/http watches the connection only once the body is consumed).
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 64<<20))
	}
	<-r.Context().Done()
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

// writeMalformed answers with a body cut short so it no longer parses: the
// real response when req.Next is set, else the rule's body, else a
// synthetic JSON fragment.
func writeMalformed(w http.ResponseWriter, r *http.Request, rule Rule, req Request) {
	status := http.StatusOK
	var body []byte
	switch {
	case rule.Body != nil:
		body = []byte(*rule.Body)
	case req.Next != nil:
		rec := &recorder{header: http.Header{}}
		req.Next.ServeHTTP(rec, r)
		if rec.status != 0 {
			status = rec.status
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		body = rec.body.Bytes()
	}
	if rule.Status != 0 {
		status = rule.Status
	}
	out := Garble(body)
	h := w.Header()
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// Garble returns body cut short so it is no longer valid JSON: the first
// half, with a dangling fragment added when the half still parses (or when
// body is empty).
func Garble(body []byte) []byte {
	cut := append([]byte(nil), body[:len(body)/2]...)
	if len(cut) == 0 || json.Valid(cut) {
		cut = append(cut, []byte(`{"data":[{"id":"`)...)
	}
	return cut
}

// recorder captures a handler's response for writeMalformed.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
