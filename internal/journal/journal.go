// Package journal keeps a bounded, per-tenant record of the requests a tenant
// received and the responses it got.
package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Entry is one request and its response.
type Entry struct {
	ID uint64 `json:"id"`
	// Seq orders the entry with the tenant's timeline (timeline.Log.Mark,
	// taken when the request started).
	Seq          uint64            `json:"seq,omitempty"`
	Time         time.Time         `json:"time"` // tenant clock time
	Tenant       string            `json:"tenant"`
	Provider     string            `json:"provider"`
	Method       string            `json:"method"`
	Path         string            `json:"path"`
	Query        string            `json:"query,omitempty"`
	Route        string            `json:"route,omitempty"`
	Status       int               `json:"status"`
	DurationMS   float64           `json:"durationMs"`
	ReqHeaders   map[string]string `json:"requestHeaders,omitempty"`
	ReqHeadTrunc bool              `json:"requestHeadersTruncated,omitempty"`
	ReqBody      string            `json:"requestBody,omitempty"`
	RespBody     string            `json:"responseBody,omitempty"`
	ReqTruncated bool              `json:"requestBodyTruncated,omitempty"`
	RespTrunc    bool              `json:"responseBodyTruncated,omitempty"`
	Fault        string            `json:"fault,omitempty"` // the fault rule that fired, if any
	// Source says what answered when no emulated route did: "stub ID",
	// "proxy URL" or "proxy error".
	Source string `json:"source,omitempty"`

	// An entry added with AddRequest is finished when it is first read:
	// rawHeaders are the request's own headers, not yet copied, and
	// pending says the copy and the redaction of credentials are still to
	// be done. Neither is on the path of the request itself.
	rawHeaders http.Header
	pending    bool
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	Provider string
	Method   string
	Path     string // substring of the path
	Status   int
	Limit    int
}

func (f Filter) match(e *Entry) bool {
	return (f.Provider == "" || f.Provider == e.Provider) &&
		(f.Method == "" || strings.EqualFold(f.Method, e.Method)) &&
		(f.Path == "" || strings.Contains(e.Path, f.Path)) &&
		(f.Status == 0 || f.Status == e.Status)
}

// Journal keeps the last Size entries of a tenant, and at most MaxBytes of
// them (oldest dropped first), so neither many requests nor large ones make
// it a memory sink.
type Journal struct {
	mu sync.RWMutex
	// entries is oldest first; dropping from the front reslices, and the
	// append that outgrows the array copies only what is live.
	entries []Entry
	bytes   int // Size() summed over entries
	size    int
	seq     uint64
	// BodyLimit is how many bytes of each body are kept.
	BodyLimit int
	// HeaderLimit is how many bytes of each entry's request headers are
	// kept (0: no limit).
	HeaderLimit int
	// MaxBytes bounds the entries held, by Size (0: no limit). An entry
	// larger than MaxBytes on its own is still kept, alone.
	MaxBytes int
	// KeepSecrets turns redaction off (the --journal-secrets flag).
	KeepSecrets bool
}

// New returns a journal keeping size entries (at least 1).
func New(size, bodyLimit int) *Journal {
	if size < 1 {
		size = 1
	}
	return &Journal{size: size, BodyLimit: bodyLimit}
}

// Truncate cuts a body to the journal's limit, backing off to the start of
// a UTF-8 character so text bodies do not end in half a character.
func (j *Journal) Truncate(b []byte) (string, bool) {
	if j.BodyLimit > 0 && len(b) > j.BodyLimit {
		cut := j.BodyLimit
		for i := cut; i > 0 && i > j.BodyLimit-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				cut = i
				break
			}
		}
		return string(b[:cut]), true
	}
	return string(b), false
}

// entryOverhead approximates what an entry costs besides its strings.
const entryOverhead = 256

// Size is about how many bytes an entry holds.
func (e *Entry) Size() int {
	n := entryOverhead + len(e.Tenant) + len(e.Provider) + len(e.Method) + len(e.Path) + len(e.Query) +
		len(e.Route) + len(e.ReqBody) + len(e.RespBody) + len(e.Fault)
	for k, v := range e.ReqHeaders {
		n += len(k) + len(v) + 16
	}
	for k, vs := range e.rawHeaders {
		n += len(k) + 16
		for _, v := range vs {
			n += len(v) + 2
		}
	}
	return n
}

// headerBytes is what Headers counts against its limit when it cuts
// nothing.
func headerBytes(h http.Header) int {
	n := 0
	for k, vs := range h {
		n += len(k)
		for i, v := range vs {
			if i > 0 {
				n += len(", ")
			}
			n += len(v)
		}
	}
	return n
}

// AddRequest adds e with the headers of the request it records. Copying
// the headers (sorted, bounded by HeaderLimit) and redacting credentials
// from them, the query and both bodies (unless KeepSecrets) are left to
// the first read of the entry, so a request pays for neither: the entry
// holds h itself until then, which the caller must not change afterwards.
// Headers over HeaderLimit are copied and cut at once, so an entry never
// holds more than the limit.
func (j *Journal) AddRequest(e Entry, h http.Header) uint64 {
	e.pending = true
	if j.HeaderLimit > 0 && headerBytes(h) > j.HeaderLimit {
		e.ReqHeaders, e.ReqHeadTrunc = Headers(h, j.HeaderLimit, j.KeepSecrets)
	} else {
		e.rawHeaders = h
	}
	return j.Add(e)
}

// finishLocked does what AddRequest left to the first read. j.mu is held
// for writing.
func (j *Journal) finishLocked(e *Entry) {
	if !e.pending {
		return
	}
	before := e.Size()
	if e.rawHeaders != nil {
		e.ReqHeaders, e.ReqHeadTrunc = Headers(e.rawHeaders, j.HeaderLimit, j.KeepSecrets)
		e.rawHeaders = nil
	}
	if !j.KeepSecrets {
		// After the body cut: a credential cut short is still recognised,
		// and at most BodyLimit bytes are scanned.
		e.Query = RedactQuery(e.Query)
		e.ReqBody = RedactBody(e.ReqBody)
		e.RespBody = RedactBody(e.RespBody)
	}
	e.pending = false
	j.bytes += e.Size() - before
}

// Add appends an entry, dropping the oldest while over Size entries or
// MaxBytes, and returns its id.
func (j *Journal) Add(e Entry) uint64 {
	n := e.Size()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.ID = j.seq
	j.entries = append(j.entries, e)
	j.bytes += n
	for len(j.entries) > j.size || j.MaxBytes > 0 && j.bytes > j.MaxBytes && len(j.entries) > 1 {
		j.bytes -= j.entries[0].Size()
		j.entries[0] = Entry{} // let its strings go
		j.entries = j.entries[1:]
	}
	return e.ID
}

// Bytes is about how many bytes the entries held take.
func (j *Journal) Bytes() int {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.bytes
}

// Len is the number of entries held.
func (j *Journal) Len() int {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return len(j.entries)
}

// List returns matching entries, newest first (Limit of them, when set).
func (j *Journal) List(f Filter) []Entry {
	es, _ := j.Page(f, 0)
	return es
}

// Page returns matching entries with an id below before (0: from the
// newest), newest first, at most f.Limit of them (0: all), and the id to
// pass as before for the next page (0 when there is none). The entries are
// copies; their strings are shared, not copied. Entries are finished (see
// AddRequest) as they are read, once, so the lock is taken for writing.
func (j *Journal) Page(f Filter, before uint64) ([]Entry, uint64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []Entry{}
	for i := len(j.entries) - 1; i >= 0; i-- {
		e := &j.entries[i]
		if before != 0 && e.ID >= before || !f.match(e) {
			continue
		}
		if f.Limit > 0 && len(out) == f.Limit {
			return out, out[len(out)-1].ID
		}
		j.finishLocked(e)
		out = append(out, *e)
	}
	return out, 0
}

// Clear drops every entry.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = nil
	j.bytes = 0
}

// MaskCredential keeps a credential header's scheme ("Bearer", "Basic")
// and masks the rest; a bare token is masked whole.
func MaskCredential(v string) string {
	if scheme, rest, ok := strings.Cut(v, " "); ok && len(scheme) < 16 {
		return scheme + " " + Mask(strings.TrimSpace(rest))
	}
	return Mask(v)
}

// Mask stands in for a secret in the journal: a marker with a short
// fingerprint, so two entries that carry the same token can be matched (a
// request that used the token an earlier answer gave) without the token.
func Mask(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "[redacted:" + hex.EncodeToString(sum[:4]) + "]"
}
