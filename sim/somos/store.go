package somos

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/timeline"
)

// Registry is what TFN Identity needs from the TFNRegistry: a number's
// status and controlling Resp Org.
type Registry interface {
	Lookup(tfn string) (status, respOrg string, ok bool)
}

// settings are the timings a scenario can tune.
type settings struct {
	TokenTTL     time.Duration
	RefreshTTL   time.Duration
	PartnerDelay time.Duration
	BulkDelay    time.Duration
}

// Fixed by the document.
const (
	uploadURLTTL   = 5 * time.Minute
	downloadURLTTL = time.Minute
	maxUploadBytes = 10 << 20
	defaultPage    = 10
	maxPage        = 1000
)

// Store is one tenant's TFN Identity state. Every method is safe for
// concurrent use; timer callbacks take the lock themselves.
type Store struct {
	mu  sync.Mutex
	clk clock.Clock
	// story is the tenant's timeline: bulk files and partner propagation
	// go there (nil in store tests).
	story *timeline.Log
	reg   func() Registry
	set   settings

	secret    []byte
	lastID    verifiedToken // see verifyIDLocked
	seq       uint64
	lastAudit int64

	users       map[string]*User // by lower-case email
	refresh     map[string]*RefreshToken
	records     map[string]*Record
	index       []ikey // every record, sorted by (entity, cnam, tfn)
	audit       []*AuditEvent
	files       map[string]*BulkFile
	uploads     map[string]*Upload
	downloads   map[string]*Download
	partnerFail map[string]int // tfn -> failures left; -1 every time
}

func newStore(clk clock.Clock, reg func() Registry, set settings, secret []byte) *Store {
	s := &Store{clk: clk, reg: reg, set: set, secret: secret}
	s.resetMaps()
	return s
}

func (s *Store) resetMaps() {
	s.users = map[string]*User{}
	s.refresh = map[string]*RefreshToken{}
	s.records = map[string]*Record{}
	s.index = nil
	s.audit = nil
	s.files = map[string]*BulkFile{}
	s.uploads = map[string]*Upload{}
	s.downloads = map[string]*Download{}
	s.partnerFail = map[string]int{}
}

func (s *Store) now() time.Time { return s.clk.Now() }
func (s *Store) nowMs() int64   { return s.clk.Now().UnixMilli() }

// nextBytes returns 32 deterministic pseudo-random bytes (the tenant secret
// and a counter), so ids are reproducible and survive export/import.
func (s *Store) nextBytes() []byte {
	s.seq++
	m := hmac.New(sha256.New, s.secret)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], s.seq)
	m.Write(b[:])
	return m.Sum(nil)
}

func (s *Store) newUUID() string {
	b := s.nextBytes()[:16]
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (s *Store) newHex() string { return hex.EncodeToString(s.nextBytes()) }

func (s *Store) lookup(tfn string) (status, respOrg string, ok bool) {
	if s.reg == nil {
		return "", "", false
	}
	r := s.reg()
	if r == nil {
		return "", "", false
	}
	return r.Lookup(tfn)
}

func entityOf(respOrg string) string {
	if len(respOrg) < 2 {
		return strings.ToUpper(respOrg)
	}
	return strings.ToUpper(respOrg[:2])
}

// ---- the sorted index --------------------------------------------------

type ikey struct{ entity, cnam, tfn string }

func (a ikey) less(b ikey) bool {
	if a.entity != b.entity {
		return a.entity < b.entity
	}
	if a.cnam != b.cnam {
		return a.cnam < b.cnam
	}
	return a.tfn < b.tfn
}

func keyOf(r *Record) ikey { return ikey{r.EntityID, r.CNAM, r.TFN} }

// lowerBound is the first position whose key is >= k.
func (s *Store) lowerBound(k ikey) int {
	return sort.Search(len(s.index), func(i int) bool { return !s.index[i].less(k) })
}

// upperBound is the first position whose key is > k.
func (s *Store) upperBound(k ikey) int {
	return sort.Search(len(s.index), func(i int) bool { return k.less(s.index[i]) })
}

func (s *Store) indexInsert(k ikey) {
	i := s.lowerBound(k)
	s.index = append(s.index, ikey{})
	copy(s.index[i+1:], s.index[i:])
	s.index[i] = k
}

func (s *Store) indexRemove(k ikey) {
	i := s.lowerBound(k)
	if i < len(s.index) && s.index[i] == k {
		s.index = append(s.index[:i], s.index[i+1:]...)
	}
}

// ---- export / import ----------------------------------------------------

type snapshot struct {
	Secret          string          `json:"secret"`
	Seq             uint64          `json:"seq"`
	LastAudit       int64           `json:"lastAudit"`
	Users           []*User         `json:"users"`
	RefreshTokens   []*RefreshToken `json:"refreshTokens"`
	Records         []*Record       `json:"records"`
	Audit           []*AuditEvent   `json:"audit"`
	Files           []*BulkFile     `json:"files"`
	Uploads         []*Upload       `json:"uploads"`
	Downloads       []*Download     `json:"downloads"`
	PartnerFailures map[string]int  `json:"partnerFailures"`
}

// Export returns the state as JSON (encoded under the lock, so it is a
// consistent snapshot).
func (s *Store) Export() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := snapshot{
		Secret:          base64.StdEncoding.EncodeToString(s.secret),
		Seq:             s.seq,
		LastAudit:       s.lastAudit,
		Users:           sortedValues(s.users, func(u *User) string { return strings.ToLower(u.Email) }),
		RefreshTokens:   sortedValues(s.refresh, func(t *RefreshToken) string { return t.Token }),
		Records:         sortedValues(s.records, func(r *Record) string { return r.TFN }),
		Audit:           append([]*AuditEvent{}, s.audit...),
		Files:           sortedValues(s.files, func(f *BulkFile) string { return f.FileID }),
		Uploads:         sortedValues(s.uploads, func(u *Upload) string { return u.Token }),
		Downloads:       sortedValues(s.downloads, func(d *Download) string { return d.Token }),
		PartnerFailures: s.partnerFail,
	}
	b, err := json.Marshal(snap)
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	return json.RawMessage(b)
}

func sortedValues[T any](m map[string]T, key func(T) string) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}

// Import replaces the state with an Export snapshot and re-arms the timers
// it implies (pending partner propagation, unprocessed uploads).
func (s *Store) Import(data json.RawMessage) error {
	var snap snapshot
	if err := tenant.DecodeState(data, &snap); err != nil {
		return err
	}
	if ps := snap.check(); len(ps) > 0 {
		return ps
	}
	secret, err := base64.StdEncoding.DecodeString(snap.Secret)
	if err != nil || len(secret) == 0 {
		return tenant.Problems{{Path: "secret", Message: "want the base64 signing secret"}}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetMaps()
	s.secret, s.seq, s.lastAudit = secret, snap.Seq, snap.LastAudit
	s.lastID = verifiedToken{} // verified with the secret replaced
	for _, u := range snap.Users {
		s.users[strings.ToLower(u.Email)] = u
	}
	for _, t := range snap.RefreshTokens {
		s.refresh[t.Token] = t
	}
	for _, r := range snap.Records {
		s.records[r.TFN] = r
		s.index = append(s.index, keyOf(r))
	}
	sort.Slice(s.index, func(i, j int) bool { return s.index[i].less(s.index[j]) })
	s.audit = snap.Audit
	sort.SliceStable(s.audit, func(i, j int) bool { return s.audit[i].CreatedDate < s.audit[j].CreatedDate })
	for _, f := range snap.Files {
		s.files[f.FileID] = f
	}
	for _, u := range snap.Uploads {
		s.uploads[u.Token] = u
	}
	for _, d := range snap.Downloads {
		s.downloads[d.Token] = d
	}
	for k, v := range snap.PartnerFailures {
		s.partnerFail[k] = v
	}
	for _, r := range snap.Records {
		if r.PartnerUpdateStatus == PartnerPending && r.PartnerDue != 0 {
			s.armPartnerLocked(r.TFN, r.PartnerDue)
		}
	}
	for _, f := range snap.Files {
		if (f.Status == FileUploaded || f.Status == FileProcessing) && f.ProcessDue != 0 {
			s.armProcessLocked(f.FileID, f.ProcessDue)
		}
	}
	return nil
}
