package somos

import (
	"fmt"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/timeline"
)

// authorizeEntity lets Admins and users of the owning entity act on a TFN;
// verb names the action in the 401 message ("provision", "read", ...).
func (s *Store) authorizeEntity(c *Caller, verb, tfn, entity string) error {
	if c.IsAdmin() || c.EntityID == entity {
		return nil
	}
	return notAuthorized("User is not authorized to %s CNAM information for TFN %s: it does not belong to the user's entity", verb, tfn)
}

// syncLocked refreshes a record's registry status and owner; it reports
// whether the owning entity changed (the index moved).
func (s *Store) syncLocked(r *Record) bool {
	status, ro, ok := s.lookup(r.TFN)
	if !ok {
		return false
	}
	r.TfnrStatus = status
	ro = strings.ToUpper(ro)
	if ro == r.RespOrgID {
		return false
	}
	r.RespOrgID = ro
	ent := entityOf(ro)
	if ent == r.EntityID {
		return false
	}
	s.indexRemove(keyOf(r))
	r.EntityID = ent
	s.indexInsert(keyOf(r))
	return true
}

func entryOf(r *Record) CNAMEntry {
	e := r.CNAMEntry
	e.AuthorizedCallers = e.AuthorizedCallers.normalized()
	e.AuthorizedCallers.List = append([]string{}, e.AuthorizedCallers.List...)
	e.AuthorizedCallers.Range = append([]CallerRange{}, e.AuthorizedCallers.Range...)
	e.AuthorizedCallers.Wildcard = append([]string{}, e.AuthorizedCallers.Wildcard...)
	e.Keywords = append([]string{}, e.Keywords...)
	return e
}

func applyInput(e *CNAMEntry, in *CNAMInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&e.CNAM, in.CNAM)
	set(&e.ExtCnam, in.ExtCnam)
	set(&e.StreetAddress, in.StreetAddress)
	set(&e.StreetAddress2, in.StreetAddress2)
	set(&e.City, in.City)
	set(&e.State, in.State)
	set(&e.Zip, in.Zip)
	set(&e.Country, in.Country)
	set(&e.URL, in.URL)
	set(&e.Logo, in.Logo)
	set(&e.Status, in.Status)
	if in.AuthorizedCallers != nil {
		e.AuthorizedCallers = in.AuthorizedCallers.normalized()
	}
	e.Keywords = keywordsOf(e)
}

func provisionable(status string) bool { return status == TFNWorking || status == TFNAssigned }

// Create provisions a CNAM record for a TFN.
func (s *Store) Create(c *Caller, in CNAMInput) (CNAMEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.createLocked(c, &in, "")
	if err != nil {
		return CNAMEntry{}, err
	}
	return entryOf(r), nil
}

func (s *Store) createLocked(c *Caller, in *CNAMInput, fileID string) (*Record, error) {
	if err := validateInput(in, true); err != nil {
		return nil, err
	}
	tfn := *in.TFN
	status, ro, ok := s.lookup(tfn)
	if !ok {
		return nil, badRequest("TFN %s is not in valid state to be provisioned. Must be in WORKING or ASSIGNED status (not found in TFNRegistry)", tfn)
	}
	ro = strings.ToUpper(ro)
	ent := entityOf(ro)
	if err := s.authorizeEntity(c, "provision", tfn, ent); err != nil {
		return nil, err
	}
	if _, exists := s.records[tfn]; exists {
		return nil, badRequest("A record for the given TFN %s already exists", tfn)
	}
	if !provisionable(status) {
		return nil, badRequest("TFN %s is not in valid state to be provisioned. Must be in WORKING or ASSIGNED status (TFNRegistry status is %s)", tfn, status)
	}
	now := s.nowMs()
	r := &Record{CNAMEntry: CNAMEntry{
		TFN: tfn, Status: StatusActive, CreatedDate: now, CreatedBy: c.Email,
		LastModifiedDate: now, LastModifiedBy: c.Email,
		EntityID: ent, RespOrgID: ro, TfnrStatus: status,
	}}
	applyInput(&r.CNAMEntry, in)
	s.records[tfn] = r
	s.indexInsert(keyOf(r))
	s.startPartnerLocked(r)
	s.auditLocked(c.Email, pick(fileID != "", EventUpload, EventCreate), r, fileID)
	return r, nil
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func (s *Store) findLocked(c *Caller, verb, tfn string) (*Record, error) {
	if err := checkTFN(tfn); err != nil {
		return nil, err
	}
	r, ok := s.records[tfn]
	if !ok {
		// A number of another entity is refused whether or not it has a
		// record, so a 404 never tells a user what other entities hold.
		if _, ro, known := s.lookup(tfn); known {
			if err := s.authorizeEntity(c, verb, tfn, entityOf(ro)); err != nil {
				return nil, err
			}
		}
		return nil, notFound("CNAM record not found for TFN %s", tfn)
	}
	s.syncLocked(r)
	if err := s.authorizeEntity(c, verb, tfn, r.EntityID); err != nil {
		return nil, err
	}
	return r, nil
}

// Get returns a TFN's CNAM record.
func (s *Store) Get(c *Caller, tfn string) (CNAMEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.findLocked(c, "read", tfn)
	if err != nil {
		return CNAMEntry{}, err
	}
	return entryOf(r), nil
}

// Update changes the given fields of a record and bumps its version.
func (s *Store) Update(c *Caller, tfn string, in CNAMInput) (CNAMEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.updateLocked(c, tfn, &in, "")
	if err != nil {
		return CNAMEntry{}, err
	}
	return entryOf(r), nil
}

func (s *Store) updateLocked(c *Caller, tfn string, in *CNAMInput, fileID string) (*Record, error) {
	if in.TFN != nil && strings.TrimSpace(*in.TFN) != "" && strings.TrimSpace(*in.TFN) != tfn {
		return nil, badRequest("tfn in the body (%s) does not match the TFN in the path (%s)", strings.TrimSpace(*in.TFN), tfn)
	}
	in.TFN = nil
	if err := validateInput(in, false); err != nil {
		return nil, err
	}
	r, err := s.findLocked(c, "update", tfn)
	if err != nil {
		return nil, err
	}
	if !provisionable(r.TfnrStatus) {
		return nil, badRequest("TFN %s is not in valid state to be provisioned. Must be in WORKING or ASSIGNED status (TFNRegistry status is %s)", tfn, r.TfnrStatus)
	}
	old := keyOf(r)
	applyInput(&r.CNAMEntry, in)
	if keyOf(r) != old {
		s.indexRemove(old)
		s.indexInsert(keyOf(r))
	}
	r.Version++
	r.LastModifiedDate, r.LastModifiedBy = s.nowMs(), c.Email
	s.startPartnerLocked(r)
	s.auditLocked(c.Email, pick(fileID != "", EventUpload, EventUpdate), r, fileID)
	return r, nil
}

// Delete removes a record and returns it as it was.
func (s *Store) Delete(c *Caller, tfn string) (CNAMEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.deleteLocked(c, tfn, "")
	if err != nil {
		return CNAMEntry{}, err
	}
	return entryOf(r), nil
}

func (s *Store) deleteLocked(c *Caller, tfn, fileID string) (*Record, error) {
	r, err := s.findLocked(c, "delete", tfn)
	if err != nil {
		return nil, err
	}
	delete(s.records, tfn)
	s.indexRemove(keyOf(r))
	s.auditLocked(c.Email, pick(fileID != "", EventUpload, EventDelete), r, fileID)
	return r, nil
}

// ---- partner propagation ----------------------------------------------

func (s *Store) startPartnerLocked(r *Record) {
	now := s.now()
	due := now.Add(s.set.PartnerDelay).UnixMilli()
	r.PartnerUpdateStatus = PartnerPending
	r.PartnerUpdateDate = now.UnixMilli()
	r.PartnerDue = due
	s.armPartnerLocked(r.TFN, due)
}

func (s *Store) armPartnerLocked(tfn string, due int64) {
	s.clk.At(time.UnixMilli(due).UTC(), func() { s.completePartner(tfn, due) })
}

func (s *Store) completePartner(tfn string, due int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[tfn]
	if !ok || r.PartnerUpdateStatus != PartnerPending || r.PartnerDue != due {
		return
	}
	status := PartnerSuccess
	if n, fail := s.partnerFail[tfn]; fail {
		status = PartnerFailed
		if n > 0 {
			if n == 1 {
				delete(s.partnerFail, tfn)
			} else {
				s.partnerFail[tfn] = n - 1
			}
		}
	}
	r.PartnerUpdateStatus = status
	r.PartnerUpdateDate = s.nowMs()
	r.PartnerDue = 0
	s.story.Add(timeline.Item{Time: s.now(), Kind: timeline.KindLifecycle, Provider: "somos",
		Summary: fmt.Sprintf("CNAM %q of %s reached the partners: %s", r.CNAM, tfn, status), Numbers: []string{tfn},
		Detail: map[string]string{"tfn": tfn, "cnam": r.CNAM, "partnerUpdateStatus": string(status)}})
}

// FailPartner makes the partner propagation of a TFN fail: the next times
// propagations, or every one when times is 0. A pending propagation is
// affected too.
func (s *Store) FailPartner(tfn string, times int) error {
	if err := checkTFN(tfn); err != nil {
		return err
	}
	if times < 0 {
		return badRequest("times must not be negative")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if times == 0 {
		s.partnerFail[tfn] = -1
	} else {
		s.partnerFail[tfn] = times
	}
	return nil
}

// ClearPartnerFailure lets the TFN's propagations succeed again.
func (s *Store) ClearPartnerFailure(tfn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.partnerFail, tfn)
}

// ---- listing -------------------------------------------------------------

// ListKey is the /cnam/list LastEvaluatedKey.
type ListKey struct {
	CNAM     string `json:"cnam"`
	TFN      string `json:"tfn"`
	EntityID string `json:"entityID"`
}

// ListQuery is a /cnam/list request.
type ListQuery struct {
	Limit    int
	EntityID string
	After    *ListKey
}

// ListPage is a /cnam/list response.
type ListPage struct {
	Items            []CNAMEntry `json:"Items"`
	Count            int         `json:"Count"`
	ScannedCount     int         `json:"ScannedCount"`
	LastEvaluatedKey *ListKey    `json:"LastEvaluatedKey,omitempty"`
}

func clampLimit(n int) int {
	if n <= 0 {
		return defaultPage
	}
	return min(n, maxPage)
}

// List pages through records ordered by entity, CNAM and TFN, like a query
// on an entity/CNAM index (or a scan for an Admin who names no entity). A
// page costs O(Limit log n).
func (s *Store) List(c *Caller, q ListQuery) (ListPage, error) {
	ent, err := scopeEntity(c, q.EntityID, "list CNAM entries")
	if err != nil {
		return ListPage{}, err
	}
	limit := clampLimit(q.Limit)
	s.mu.Lock()
	defer s.mu.Unlock()
	items, last := s.listLocked(nil, ent, limit, q.After)
	page := ListPage{Items: make([]CNAMEntry, 0, len(items))}
	if last != nil {
		page.LastEvaluatedKey = &ListKey{CNAM: last.CNAM, TFN: last.TFN, EntityID: last.EntityID}
	}
	for _, r := range items {
		page.Items = append(page.Items, entryOf(r))
	}
	page.Count = len(page.Items)
	page.ScannedCount = page.Count
	return page, nil
}

// AppendList appends List's page to dst as the provider's answers are
// encoded (see appendListPage): rendered from the records under the
// store's lock, so they are not copied first.
func (s *Store) AppendList(dst []byte, c *Caller, q ListQuery) ([]byte, error) {
	ent, err := scopeEntity(c, q.EntityID, "list CNAM entries")
	if err != nil {
		return dst, err
	}
	limit := clampLimit(q.Limit)
	var buf [64]*Record
	s.mu.Lock()
	defer s.mu.Unlock()
	items, last := s.listLocked(buf[:0], ent, limit, q.After)
	return appendListPage(dst, items, last), nil
}

// listLocked collects a page's records into window (reused) and, when more
// follow, the last of them (the page's LastEvaluatedKey).
func (s *Store) listLocked(window []*Record, ent string, limit int, after *ListKey) ([]*Record, *Record) {
	for attempt := 0; ; attempt++ {
		start := 0
		switch {
		case after != nil:
			k := ikey{strings.ToUpper(after.EntityID), after.CNAM, after.TFN}
			if ent != "" {
				k.entity = ent
			}
			start = s.upperBound(k)
		case ent != "":
			start = s.lowerBound(ikey{entity: ent})
		}
		window = window[:0]
		for i := start; i < len(s.index) && len(window) <= limit; i++ {
			if ent != "" && s.index[i].entity != ent {
				break
			}
			window = append(window, s.records[s.index[i].tfn])
		}
		moved := false
		for _, r := range window {
			if s.syncLocked(r) {
				moved = true
			}
		}
		if !moved || attempt > 8 {
			break
		}
	}
	if len(window) <= limit {
		return window, nil
	}
	return window[:limit], window[limit-1]
}

// Len is the number of CNAM records.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records)
}
