// Package webhook delivers the simulator's outbound HTTP calls (provider
// callbacks) durably and on the tenant's clock.
//
// A Queue belongs to one tenant. Every message is a Delivery with an id. The
// first attempt starts as soon as the message is queued; a non-2xx answer, a
// timeout or a connection error is retried with exponential backoff and
// jitter drawn from a seeded source, scheduled on the tenant clock, so
// advancing a frozen clock performs the retries that fall due. After the last
// attempt the delivery is dead: it stays listed and can be replayed.
//
// Deliveries that share a key (a toll-free number, say) and a receiver (the
// target URL's scheme and host) go out in order: a later one is not
// attempted before the earlier one is delivered or dead. A receiver that is
// down holds back only its own messages, never another receiver's.
//
// HTTP calls never run on the caller's goroutine: each attempt runs on its
// own goroutine with a timeout, so a slow receiver blocks neither the API nor
// other keys. Wait lets tests wait until every attempt that is due has
// finished.
package webhook

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/scenario"
)

// Statuses of a delivery.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusDead      = "dead"
)

// Options tune a queue. Zero fields take the defaults.
type Options struct {
	// Attempts is how many times a delivery is tried before it is dead
	// (default 8).
	Attempts int `yaml:"attempts" json:"attempts"`
	// Backoff is the wait before the second attempt; each later wait doubles
	// (default 30s, so 8 attempts span about an hour).
	Backoff scenario.Duration `yaml:"backoff" json:"backoff"`
	// MaxBackoff caps one wait (default 30m).
	MaxBackoff scenario.Duration `yaml:"maxBackoff" json:"maxBackoff"`
	// Jitter spreads each wait by up to ± this fraction (default 0.1; a
	// negative value turns jitter off).
	Jitter float64 `yaml:"jitter" json:"jitter"`
	// Timeout bounds one attempt in wall-clock time (default 10s).
	Timeout scenario.Duration `yaml:"timeout" json:"timeout"`
	// BodyLimit is how many bytes of a response body the attempt log keeps
	// (default 2048).
	BodyLimit int `yaml:"bodyLimit" json:"bodyLimit"`
	// Keep is how many finished (delivered or dead) deliveries are kept;
	// the oldest finished ones are dropped beyond it (default 5000).
	Keep int `yaml:"keep" json:"keep"`
}

// Defaults of Options.
const (
	DefaultAttempts   = 8
	DefaultBackoff    = 30 * time.Second
	DefaultMaxBackoff = 30 * time.Minute
	DefaultJitter     = 0.1
	DefaultTimeout    = 10 * time.Second
	DefaultBodyLimit  = 2048
	DefaultKeep       = 5000
)

// WithDefaults fills zero fields.
func (o Options) WithDefaults() Options {
	if o.Attempts == 0 {
		o.Attempts = DefaultAttempts
	}
	if o.Backoff == 0 {
		o.Backoff = scenario.Duration(DefaultBackoff)
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = scenario.Duration(DefaultMaxBackoff)
	}
	if o.Jitter == 0 {
		o.Jitter = DefaultJitter
	}
	if o.Jitter < 0 {
		o.Jitter = 0
	}
	if o.Timeout == 0 {
		o.Timeout = scenario.Duration(DefaultTimeout)
	}
	if o.BodyLimit == 0 {
		o.BodyLimit = DefaultBodyLimit
	}
	if o.Keep == 0 {
		o.Keep = DefaultKeep
	}
	return o
}

// Check reports the first invalid option, naming its field.
func (o Options) Check() (field string, err error) {
	switch {
	case o.Attempts < 0 || o.Attempts > 100:
		return "attempts", fmt.Errorf("must be between 1 and 100")
	case o.Backoff < 0:
		return "backoff", fmt.Errorf("must not be negative")
	case o.MaxBackoff < 0:
		return "maxBackoff", fmt.Errorf("must not be negative")
	case o.Jitter > 1:
		return "jitter", fmt.Errorf("must be at most 1")
	case o.Timeout < 0:
		return "timeout", fmt.Errorf("must not be negative")
	case o.BodyLimit < 0:
		return "bodyLimit", fmt.Errorf("must not be negative")
	case o.Keep < 0:
		return "keep", fmt.Errorf("must not be negative")
	}
	return "", nil
}

// Target is where a delivery goes and how its TLS is checked.
type Target struct {
	URL string `json:"url"`
	// CAFile is a PEM file of CA certificates trusted for this target
	// (besides nothing else: it replaces the system roots).
	CAFile string `json:"caFile,omitempty"`
	// InsecureSkipVerify turns certificate verification off.
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// Message is what a caller queues.
type Message struct {
	// Key orders deliveries: same key and receiver, first queued first
	// delivered.
	Key    string
	Target Target
	// Method defaults to POST.
	Method  string
	Headers map[string]string
	Body    []byte
	// Labels are searchable attributes shown with the delivery ("type",
	// "tfn", "cic"...).
	Labels map[string]string
}

// Delivery is one queued message with its attempt log.
type Delivery struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Target Target `json:"target"`
	Method string `json:"method"`
	// Headers are the request headers every attempt sends (besides the
	// per-attempt ones in the attempt log).
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body"`
	Labels  map[string]string `json:"labels,omitempty"`
	Status  string            `json:"status"`
	// CreatedAt is the clock time the message was queued.
	CreatedAt time.Time `json:"createdAt"`
	// NextAttemptAt is when the next attempt is due (pending only).
	NextAttemptAt *time.Time `json:"nextAttemptAt,omitempty"`
	DeliveredAt   *time.Time `json:"deliveredAt,omitempty"`
	DeadAt        *time.Time `json:"deadAt,omitempty"`
	// AttemptsLeft is how many attempts remain in the current round (a
	// replay starts a new round).
	AttemptsLeft int `json:"attemptsLeft"`
	// Replays counts replays.
	Replays int `json:"replays,omitempty"`
	// Fault is the delivery fault applied to this delivery, if any.
	Fault    *FaultEffect `json:"fault,omitempty"`
	Attempts []Attempt    `json:"attempts"`

	// Seq orders deliveries by creation; Queued orders them within a key
	// (a replay queues the delivery again).
	Seq    uint64 `json:"seq"`
	Queued uint64 `json:"queued"`
	// Dropped counts the attempts of this delivery the fault has dropped
	// (replays included).
	Dropped int `json:"dropped,omitempty"`
}

// Attempt is one try of a delivery.
type Attempt struct {
	N int `json:"n"`
	// Time is the clock time the attempt was made.
	Time           time.Time         `json:"time"`
	URL            string            `json:"url"`
	RequestHeaders map[string]string `json:"requestHeaders"`
	RequestBody    string            `json:"requestBody"`
	// Status is the receiver's HTTP status (0 when none was received).
	Status            int    `json:"status,omitempty"`
	ResponseBody      string `json:"responseBody,omitempty"`
	ResponseTruncated bool   `json:"responseTruncated,omitempty"`
	Error             string `json:"error,omitempty"`
	// DurationMS is the wall-clock time the call took.
	DurationMS float64 `json:"durationMs"`
	// Fault names the delivery fault that shaped this attempt: "drop" (not
	// sent), "duplicate" (a second copy sent after success).
	Fault string `json:"fault,omitempty"`
	// OK reports whether the attempt counted as delivered (2xx).
	OK bool `json:"ok"`
}

// Fault makes deliveries misbehave so receivers can test their resilience.
type Fault struct {
	ID string `json:"id" yaml:"-"`
	// Match restricts the fault to targets whose URL contains it ("" = any).
	Match string `json:"match,omitempty" yaml:"match"`
	// Key restricts it to deliveries with this key (a TFN), "" = any.
	Key string `json:"key,omitempty" yaml:"key"`
	// Delay holds each delivery this long on the clock before its first
	// attempt.
	Delay scenario.Duration `json:"delay,omitempty" yaml:"delay"`
	// Duplicate sends a successfully delivered message a second time.
	Duplicate bool `json:"duplicate,omitempty" yaml:"duplicate"`
	// DropFirst drops (does not send, counts as failed) the first N
	// attempts of each delivery.
	DropFirst int `json:"dropFirst,omitempty" yaml:"dropFirst"`
	// Times is how many deliveries the fault applies to (0 = all).
	Times int `json:"times,omitempty" yaml:"times"`
	// Used counts deliveries it was applied to.
	Used int `json:"used" yaml:"-"`
}

// FaultEffect is what a fault does to one delivery.
type FaultEffect struct {
	FaultID   string            `json:"faultId"`
	Delay     scenario.Duration `json:"delay,omitempty"`
	Duplicate bool              `json:"duplicate,omitempty"`
	DropFirst int               `json:"dropFirst,omitempty"`
}

// Filter selects deliveries; zero fields match all.
type Filter struct {
	Status string
	Key    string
	// Labels must all match.
	Labels map[string]string
	Limit  int
}

func (f Filter) match(d *Delivery) bool {
	if f.Status != "" && d.Status != f.Status {
		return false
	}
	if f.Key != "" && d.Key != f.Key {
		return false
	}
	for k, v := range f.Labels {
		if d.Labels[k] != v {
			return false
		}
	}
	return true
}

// Snapshot is a queue's exported state.
type Snapshot struct {
	Seq        uint64     `json:"seq"`
	FaultSeq   uint64     `json:"faultSeq"`
	Rand       []byte     `json:"rand"`
	Faults     []Fault    `json:"faults"`
	Deliveries []Delivery `json:"deliveries"`
}

// lane is the ordering queue a delivery waits in: its key and its
// receiver (scheme and host of the target URL, so the UNS-SNA and UNS-RCH
// messages a receiver gets for a number stay in order).
func (d *Delivery) lane() string {
	if u, err := url.Parse(d.Target.URL); err == nil {
		return d.Key + "\x00" + strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
	}
	return d.Key + "\x00" + d.Target.URL
}

// clone deep-copies a delivery for callers.
func (d *Delivery) clone() Delivery {
	c := *d
	c.Headers = copyMap(d.Headers)
	c.Labels = copyMap(d.Labels)
	if d.Fault != nil {
		f := *d.Fault
		c.Fault = &f
	}
	c.Attempts = make([]Attempt, len(d.Attempts))
	for i, a := range d.Attempts {
		a.RequestHeaders = copyMap(a.RequestHeaders)
		c.Attempts[i] = a
	}
	c.NextAttemptAt = copyTime(d.NextAttemptAt)
	c.DeliveredAt = copyTime(d.DeliveredAt)
	c.DeadAt = copyTime(d.DeadAt)
	return c
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := *t
	return &v
}
