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
	Seq          uint64    `json:"seq,omitempty"`
	Time         time.Time `json:"time"` // tenant clock time
	Tenant       string    `json:"tenant"`
	Provider     string    `json:"provider"`
	Method       string    `json:"method"`
	Path         string    `json:"path"`
	Query        string    `json:"query,omitempty"`
	Route        string    `json:"route,omitempty"`
	Status       int       `json:"status"`
	DurationMS   float64   `json:"durationMs"`
	ReqHeaders   Header    `json:"requestHeaders,omitzero"`
	ReqHeadTrunc bool      `json:"requestHeadersTruncated,omitempty"`
	ReqBody      string    `json:"requestBody,omitempty"`
	RespBody     string    `json:"responseBody,omitempty"`
	ReqTruncated bool      `json:"requestBodyTruncated,omitempty"`
	RespTrunc    bool      `json:"responseBodyTruncated,omitempty"`
	Fault        string    `json:"fault,omitempty"` // the fault rule that fired, if any
	// Source says what answered when no emulated route did: "stub ID",
	// "proxy URL" or "proxy error".
	Source string `json:"source,omitempty"`

	// An entry added with AddRequest is finished when it is first read:
	// rawHeaders are the request's headers packed into one allocation (see
	// packHeaders), and pending says the copy into ReqHeaders and the
	// redaction of credentials are still to be done. Neither is on the path
	// of the request itself.
	rawHeaders []byte
	rawBytes   int // what Size counts for rawHeaders
	pending    bool
	size       int // Size() when added or finished
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
	// entries is a ring: the oldest of the n held is entries[start], the
	// next ones follow modulo len(entries). It grows (doubling, to at most
	// size) only when every slot is taken, so a full journal adds an entry
	// by overwriting the oldest and never copies the others.
	entries []Entry
	start   int
	n       int
	bytes   int // Size() summed over the entries held
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

	shared sharedBodies // see Share
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
	return n + e.ReqHeaders.size() + e.rawBytes
}

// headerBytes is what Headers counts against its limit when it cuts
// nothing, and the number of headers.
func headerBytes(h http.Header) (n, count int) {
	for k, vs := range h {
		n += len(k)
		for i, v := range vs {
			if i > 0 {
				n += len(", ")
			}
			n += len(v)
		}
	}
	return n, len(h)
}

// AddRequest adds e with the headers of the request it records. Copying
// the headers into a map (sorted, bounded by HeaderLimit) and redacting
// credentials from them, the query and both bodies (unless KeepSecrets) are
// left to the first read of the entry, so a request pays for neither: until
// then the entry holds the headers packed into one byte slice, which costs
// the garbage collector nothing to scan (holding h itself kept its map, slices
// and strings alive: with many busy tenants, most of what each collection had
// to mark). Headers over HeaderLimit are copied and cut at once, so an entry
// never holds more than the limit.
func (j *Journal) AddRequest(e Entry, h http.Header) uint64 {
	e.pending = true
	if n, count := headerBytes(h); j.HeaderLimit > 0 && n > j.HeaderLimit {
		e.ReqHeaders, e.ReqHeadTrunc = Headers(h, j.HeaderLimit, j.KeepSecrets)
	} else {
		e.rawHeaders, e.rawBytes = packHeaders(h, n), n+16*count // as Size counts a copied header
	}
	return j.Add(e)
}

// finishLocked does what AddRequest left to the first read. j.mu is held
// for writing.
func (j *Journal) finishLocked(e *Entry) {
	if !e.pending {
		return
	}
	before := e.size
	if e.rawHeaders != nil {
		e.ReqHeaders, e.ReqHeadTrunc = Headers(unpackHeaders(e.rawHeaders), j.HeaderLimit, j.KeepSecrets)
		e.rawHeaders, e.rawBytes = nil, 0
	}
	if !j.KeepSecrets {
		// After the body cut: a credential cut short is still recognised,
		// and at most BodyLimit bytes are scanned.
		e.Query = RedactQuery(e.Query)
		e.ReqBody = RedactBody(e.ReqBody)
		e.RespBody = RedactBody(e.RespBody)
	}
	e.pending = false
	e.size = e.Size()
	j.bytes += e.size - before
}

// Add appends an entry, dropping the oldest while over Size entries or
// MaxBytes, and returns its id.
func (j *Journal) Add(e Entry) uint64 {
	e.size = e.Size()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.ID = j.seq
	if j.n == j.size {
		j.dropOldestLocked()
	}
	if j.n == len(j.entries) {
		j.growLocked()
	}
	j.entries[(j.start+j.n)%len(j.entries)] = e
	j.n++
	j.bytes += e.size
	for j.MaxBytes > 0 && j.bytes > j.MaxBytes && j.n > 1 {
		j.dropOldestLocked()
	}
	return e.ID
}

// at is the i-th oldest entry held.
func (j *Journal) at(i int) *Entry { return &j.entries[(j.start+i)%len(j.entries)] }

func (j *Journal) dropOldestLocked() {
	e := j.at(0)
	j.bytes -= e.size
	*e = Entry{} // let its strings go
	j.start = (j.start + 1) % len(j.entries)
	j.n--
}

// growLocked doubles the ring (to at most size slots), oldest first.
func (j *Journal) growLocked() {
	c := min(max(2*len(j.entries), 8), j.size)
	grown := make([]Entry, c)
	for i := 0; i < j.n; i++ {
		grown[i] = *j.at(i)
	}
	j.entries, j.start = grown, 0
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
	return j.n
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
	for i := j.n - 1; i >= 0; i-- {
		e := j.at(i)
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
	j.entries, j.start, j.n = nil, 0, 0
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
