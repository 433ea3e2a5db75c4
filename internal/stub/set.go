package stub

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxStubs bounds the stubs one tenant holds, and MaxSetBytes the size of
// their definitions (bodies included) added through Add.
const (
	MaxStubs    = 1000
	MaxSetBytes = 16 << 20
)

// Request is what a stub matches on.
type Request struct {
	Provider string
	Method   string
	Path     string // the real API's path ("/v2/numbers/123")
	Query    url.Values
	Header   http.Header
	Body     []byte
	Now      time.Time // the tenant clock
	// Base is the URL prefix the client reached the provider's real paths
	// under ("http://localhost:8080/t/job/flowroute"), for {{base}}.
	Base string
	// Emulated says the provider has a route for this method and path.
	Emulated bool
	// Authorize checks the request's credentials for a stub's Auth scheme.
	Authorize func(scheme string) error
}

// Answer is a rendered stub response.
type Answer struct {
	StubID string
	// Err is set when the stub's Auth check failed: render it as the
	// provider's error; nothing else is set.
	Err error
	// Route is the stub's method and path template ("PATCH /v2/numbers/{id}").
	Route  string
	Status int
	Header http.Header
	Body   []byte
}

// Set is one tenant's stubs and the state they keep.
type Set struct {
	mu     sync.Mutex
	stubs  []*compiled
	hits   map[string]int    // answers given per stub id
	states map[string]string // state machine -> current state
	seq    uint64            // answers given by the set ({{seq}})
	nextID int
	bytes  int      // size of the stubs added through Add
	seed   [32]byte // for {{uuid}}
	// TimeFormat gives a provider's time layout for {{now}} (RFC 3339 when
	// it returns ""; UnixMillis for milliseconds since the epoch).
	TimeFormat func(provider string) string
}

// NewSet returns an empty set whose {{uuid}} values are drawn from seed, so
// a tenant's stubbed ids repeat from run to run like the rest of its world.
func NewSet(seed []byte) *Set {
	s := &Set{hits: map[string]int{}, states: map[string]string{}}
	s.seed = sha256.Sum256(seed)
	return s
}

// Check validates stubs without adding them; the error names the stub.
func Check(stubs []Stub) error {
	for i, st := range stubs {
		if _, err := compile(st); err != nil {
			return fmt.Errorf("[%d].%w", i, err)
		}
	}
	return nil
}

// Replace drops every stub and its state and installs stubs (a scenario's).
func (s *Set) Replace(stubs []Stub) error {
	cs := make([]*compiled, 0, len(stubs))
	for i, st := range stubs {
		c, err := compile(st)
		if err != nil {
			return fmt.Errorf("[%d].%w", i, err)
		}
		cs = append(cs, c)
	}
	if len(cs) > MaxStubs {
		return fmt.Errorf("more than %d stubs", MaxStubs)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stubs, s.hits, s.states, s.seq, s.nextID, s.bytes = nil, map[string]int{}, map[string]string{}, 0, 0, 0
	for _, c := range cs {
		s.addLocked(c, false)
	}
	return nil
}

// Add checks a stub and puts it ahead of the others (the newest stub wins),
// returning it with its id.
func (s *Set) Add(st Stub) (Stub, error) {
	c, err := compile(st)
	if err != nil {
		return Stub{}, err
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return Stub{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.stubs) >= MaxStubs {
		return Stub{}, fmt.Errorf("the tenant already holds %d stubs; delete some first", MaxStubs)
	}
	if s.bytes+len(raw) > MaxSetBytes {
		return Stub{}, fmt.Errorf("the tenant's stubs would exceed %d bytes; delete some first", MaxSetBytes)
	}
	s.bytes += len(raw)
	c.size = len(raw)
	for _, o := range s.stubs {
		if c.ID != "" && o.ID == c.ID {
			return Stub{}, fmt.Errorf("id: a stub %q exists already", c.ID)
		}
	}
	s.addLocked(c, true)
	return c.Stub, nil
}

func (s *Set) addLocked(c *compiled, front bool) {
	if c.ID == "" {
		for {
			s.nextID++
			id := "stub-" + strconv.Itoa(s.nextID)
			if !s.hasLocked(id) {
				c.ID = id
				break
			}
		}
	}
	if front {
		s.stubs = append([]*compiled{c}, s.stubs...)
	} else {
		s.stubs = append(s.stubs, c)
	}
}

func (s *Set) hasLocked(id string) bool {
	for _, c := range s.stubs {
		if c.ID == id {
			return true
		}
	}
	return false
}

// Listed is a stub with how often it answered.
type Listed struct {
	Stub
	Hits int `json:"hits"`
}

// List returns the stubs in matching order, with their hit counts, and the
// state machines' current states.
func (s *Set) List() ([]Listed, map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Listed, len(s.stubs))
	for i, c := range s.stubs {
		out[i] = Listed{Stub: c.Stub, Hits: s.hits[c.ID]}
	}
	states := make(map[string]string, len(s.states))
	for k, v := range s.states {
		states[k] = v
	}
	return out, states
}

// Len is the number of stubs.
func (s *Set) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.stubs)
}

// Delete removes one stub; it reports whether it existed.
func (s *Set) Delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range s.stubs {
		if c.ID == id {
			s.stubs = append(s.stubs[:i:i], s.stubs[i+1:]...)
			delete(s.hits, id)
			s.bytes -= c.size
			return true
		}
	}
	return false
}

// Clear removes every stub and resets the state machines.
func (s *Set) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stubs, s.hits, s.states, s.bytes = nil, map[string]int{}, map[string]string{}, 0
}

// Answer finds the first stub that matches the request and renders its
// response, advancing its sequence and state machine. ok is false when no
// stub matches.
func (s *Set) Answer(req Request) (Answer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var body any
	bodyParsed := false
	for _, c := range s.stubs {
		if c.Provider != req.Provider || c.Method != req.Method || (req.Emulated && !c.Override) {
			continue
		}
		m := c.re.FindStringSubmatch(req.Path)
		if m == nil || !matchValues(c.Query, func(k string) (string, bool) {
			v, ok := req.Query[k]
			if !ok || len(v) == 0 {
				return "", ok
			}
			return v[0], true
		}) || !matchValues(c.Headers, func(k string) (string, bool) {
			v := req.Header.Values(k)
			if len(v) == 0 {
				return "", false
			}
			return strings.Join(v, ", "), true
		}) {
			continue
		}
		if c.State != nil && c.State.Is != "" && s.stateLocked(c.State.Name) != c.State.Is {
			continue
		}
		if !bodyParsed {
			bodyParsed = true
			if len(req.Body) > 0 {
				_ = json.Unmarshal(req.Body, &body) // a body that is not JSON matches no body matcher
			}
		}
		if c.Body != nil && !contains(body, c.Body) {
			continue
		}
		if c.Auth != "" {
			if req.Authorize == nil {
				return Answer{StubID: c.ID, Err: fmt.Errorf("stub %s needs credentials that cannot be checked here", c.ID)}, true
			}
			if err := req.Authorize(c.Auth); err != nil {
				return Answer{StubID: c.ID, Route: c.Method + " " + c.Path, Err: err}, true
			}
		}
		vars := make(map[string]string, len(c.names))
		for i, n := range c.names {
			vars[n] = m[c.re.SubexpIndex(fmt.Sprintf("v%d", i))]
		}
		n := s.hits[c.ID]
		s.hits[c.ID] = n + 1
		s.seq++
		if c.State != nil && c.State.Set != "" {
			s.states[c.State.Name] = c.State.Set
		}
		p := c.responses[min(n, len(c.responses)-1)]
		ctx := &tplCtx{req: req, vars: vars, body: body, seq: s.seq, uuid: s.uuid(s.seq), now: s.formatNow(req)}
		a := render(c.ID, p, ctx)
		a.Route = c.Method + " " + c.Path
		return a, true
	}
	return Answer{}, false
}

func (s *Set) stateLocked(name string) string {
	if v, ok := s.states[name]; ok {
		return v
	}
	return StartState
}

// UnixMillis is the TimeFormat of providers that write times as
// milliseconds since the epoch; {{now}} alone in a JSON string is then a
// number.
const UnixMillis = "unix-ms"

func (s *Set) formatNow(req Request) any {
	layout := ""
	if s.TimeFormat != nil {
		layout = s.TimeFormat(req.Provider)
	}
	switch layout {
	case UnixMillis:
		return req.Now.UnixMilli()
	case "":
		layout = time.RFC3339
	}
	return req.Now.UTC().Format(layout)
}

// uuid derives a version-4-shaped UUID from the set's seed and a counter.
func (s *Set) uuid(n uint64) string {
	var in [40]byte
	copy(in[:], s.seed[:])
	binary.BigEndian.PutUint64(in[32:], n)
	b := sha256.Sum256(in[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func matchValues(want map[string]string, get func(string) (string, bool)) bool {
	for k, v := range want {
		got, ok := get(k)
		if !ok || (v != "*" && got != v) {
			return false
		}
	}
	return true
}

// contains reports whether got holds want: objects hold every key of want
// with a value that holds want's; anything else must be equal.
func contains(got, want any) bool {
	wm, ok := want.(map[string]any)
	if !ok {
		return reflect.DeepEqual(got, want)
	}
	gm, ok := got.(map[string]any)
	if !ok {
		return false
	}
	for k, wv := range wm {
		gv, ok := gm[k]
		if !ok || !contains(gv, wv) {
			return false
		}
	}
	return true
}
