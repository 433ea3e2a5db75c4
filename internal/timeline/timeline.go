// Package timeline holds a tenant's story apart from its API calls (the
// journal holds those): clock jumps, resets, scenario events, the providers'
// lifecycle steps (a CNAM approved, a port-in moving on, a bulk file
// processed) and callbacks sent. The control API merges it with the journal
// into one clock-ordered view.
//
// A shared sequence orders everything that happened in a tenant, journal
// entries included: a request takes its sequence number when it starts, so
// the steps it causes come after it even on a frozen clock, where every
// item has the same time.
package timeline

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Kinds of items.
const (
	KindClock     = "clock"     // the clock was advanced, set or changed mode
	KindEvent     = "event"     // a scenario event ran
	KindLifecycle = "lifecycle" // a provider's record changed state on its own
	KindCallback  = "callback"  // an outbound delivery attempt
	KindTenant    = "tenant"    // the tenant was created, reset or imported
)

// Limits on one item and on a tenant's whole timeline.
const (
	MaxItems       = 2000
	MaxBytes       = 1 << 20
	MaxSummary     = 300
	MaxDetailValue = 2048
)

// Item is one thing that happened.
type Item struct {
	Seq      uint64    `json:"seq"`
	Time     time.Time `json:"time"` // tenant clock
	Kind     string    `json:"kind"`
	Provider string    `json:"provider,omitempty"`
	Summary  string    `json:"summary"`
	// Numbers are the phone numbers the item concerns, as ten digits for
	// North American numbers (Normalize), so a number's life can find it.
	Numbers []string `json:"numbers,omitempty"`
	// Detail holds what a person may want to open: a payload, a target.
	Detail map[string]string `json:"detail,omitempty"`
}

func (it *Item) size() int {
	n := 64 + len(it.Kind) + len(it.Provider) + len(it.Summary)
	for _, s := range it.Numbers {
		n += len(s)
	}
	for k, v := range it.Detail {
		n += len(k) + len(v)
	}
	return n
}

// Log is a tenant's timeline: a ring bounded by item count and bytes.
type Log struct {
	seq   atomic.Uint64
	mu    sync.Mutex
	items []Item // oldest first
	bytes int
}

// New returns an empty timeline.
func New() *Log { return &Log{} }

// Mark takes the next sequence number, for a journal entry that starts now.
func (l *Log) Mark() uint64 { return l.seq.Add(1) }

// Add records an item, cutting long text, and drops the oldest items while
// the timeline is over its bounds. It returns the item's sequence number:
// it.Seq when set (from a Mark taken when the thing began, so that what it
// caused sorts after it), else the next one.
//
// A nil Log drops the item, so a store built without a tenant (in a unit
// test) need not check.
func (l *Log) Add(it Item) uint64 {
	if l == nil {
		return 0
	}
	if it.Seq == 0 {
		it.Seq = l.Mark()
	}
	it.Summary = cut(it.Summary, MaxSummary)
	for k, v := range it.Detail {
		it.Detail[k] = cut(v, MaxDetailValue)
	}
	n := it.size()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, it)
	l.bytes += n
	drop := 0
	for len(l.items)-drop > MaxItems || (l.bytes > MaxBytes && drop < len(l.items)-1) {
		l.bytes -= l.items[drop].size()
		drop++
	}
	if drop > 0 {
		l.items = append(l.items[:0:0], l.items[drop:]...)
	}
	return it.Seq
}

// Items returns a copy of the items in the order they happened (by Seq).
// That can differ from the order they were added: a callback attempt
// running on a worker may be added before the item that queued it, which
// took its Seq first.
func (l *Log) Items() []Item {
	l.mu.Lock()
	out := append([]Item(nil), l.items...)
	l.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// Len is the number of items held.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.items)
}

func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// Normalize turns a phone number in any usual spelling (+1 800 555 0100,
// 1-800-555-0100, 8005550100, 18005550100) into its digits, without the
// North American country code 1 when eleven digits start with it. It
// returns "" for text that is not a phone number (fewer than 7 or more
// than 15 digits, or letters).
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' || r == '-' || r == ' ' || r == '(' || r == ')' || r == '.':
		default:
			return ""
		}
	}
	d := b.String()
	if len(d) < 7 || len(d) > 15 {
		return ""
	}
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d
}
