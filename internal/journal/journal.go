// Package journal keeps a bounded, per-tenant record of the requests a tenant
// received and the responses it got.
package journal

import (
	"crypto/sha256"
	"encoding/hex"
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
	ReqBody      string            `json:"requestBody,omitempty"`
	RespBody     string            `json:"responseBody,omitempty"`
	ReqTruncated bool              `json:"requestBodyTruncated,omitempty"`
	RespTrunc    bool              `json:"responseBodyTruncated,omitempty"`
	Fault        string            `json:"fault,omitempty"` // the fault rule that fired, if any
	// Source says what answered when no emulated route did: "stub ID",
	// "proxy URL" or "proxy error".
	Source string `json:"source,omitempty"`
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

// Journal is a ring of the last Size entries.
type Journal struct {
	mu sync.RWMutex
	// entries grows up to size as entries arrive, so an idle tenant does not
	// hold a full ring of empty entries; then it wraps.
	entries []Entry
	size    int
	next    int // where the next entry goes
	seq     uint64
	// BodyLimit is how many bytes of each body are kept.
	BodyLimit int
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

// Add appends an entry, dropping the oldest when full, and returns its id.
func (j *Journal) Add(e Entry) uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.ID = j.seq
	if len(j.entries) < j.size {
		j.entries = append(j.entries, e)
	} else {
		j.entries[j.next] = e
	}
	j.next++
	if j.next == j.size {
		j.next = 0
	}
	return e.ID
}

// Len is the number of entries held.
func (j *Journal) Len() int {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return len(j.entries)
}

// List returns matching entries, newest first.
func (j *Journal) List(f Filter) []Entry {
	j.mu.RLock()
	defer j.mu.RUnlock()
	out := []Entry{}
	for i := range len(j.entries) {
		idx := j.next - 1 - i
		if idx < 0 {
			idx += len(j.entries)
		}
		e := &j.entries[idx]
		if f.match(e) {
			out = append(out, *e)
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
		}
	}
	return out
}

// Clear drops every entry.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = nil
	j.next = 0
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
