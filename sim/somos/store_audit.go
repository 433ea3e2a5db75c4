package somos

import (
	"sort"
	"strings"
)

// auditLocked appends an event. Creation dates are unique (a later event in
// the same millisecond gets the next one), as the (userName, createdDate)
// key of the audit table requires.
func (s *Store) auditLocked(user, eventType string, r *Record, fileID string) {
	ms := s.nowMs()
	if ms <= s.lastAudit {
		ms = s.lastAudit + 1
	}
	s.lastAudit = ms
	e := entryOf(r)
	s.audit = append(s.audit, &AuditEvent{
		UserName: user, CreatedDate: ms, EventType: eventType, TFN: r.TFN,
		EntityID: r.EntityID, RespOrgID: r.RespOrgID, FileID: fileID, CNAMEntry: &e,
	})
}

// AuditKey is the /audit/search LastEvaluatedKey.
type AuditKey struct {
	UserName    string `json:"userName"`
	CreatedDate int64  `json:"createdDate"`
}

// AuditQuery is an /audit/search request; every filter is optional.
type AuditQuery struct {
	EntityID  string
	Limit     int
	User      string
	EventType string
	TFN       string
	After     *AuditKey
}

// AuditPage is an /audit/search response.
type AuditPage struct {
	Items            []AuditEvent `json:"Items"`
	Count            int          `json:"Count"`
	ScannedCount     int          `json:"ScannedCount"`
	LastEvaluatedKey *AuditKey    `json:"LastEvaluatedKey,omitempty"`
}

var eventTypes = []string{EventCreate, EventUpdate, EventDelete, EventUpload}

// SearchAudit returns matching events, newest first.
func (s *Store) SearchAudit(c *Caller, q AuditQuery) (AuditPage, error) {
	ent, err := scopeEntity(c, q.EntityID, "search the audit trail")
	if err != nil {
		return AuditPage{}, err
	}
	evType := ""
	if q.EventType != "" {
		for _, t := range eventTypes {
			if strings.EqualFold(t, q.EventType) {
				evType = t
			}
		}
		if evType == "" {
			return AuditPage{}, badRequest("eventType %q must be one of %s", q.EventType, strings.Join(eventTypes, ", "))
		}
	}
	// tfn is only a filter: one that is no toll-free number (the document's
	// own sample sends "1234567890") matches nothing, an empty page.
	limit := clampLimit(q.Limit)
	s.mu.Lock()
	defer s.mu.Unlock()
	i := len(s.audit) - 1
	if q.After != nil {
		i = sort.Search(len(s.audit), func(j int) bool { return s.audit[j].CreatedDate >= q.After.CreatedDate }) - 1
	}
	// The entity is the key of the query (events of other entities are never
	// read, so they do not count in ScannedCount); the other filters are
	// filter expressions on what was read.
	match := func(e *AuditEvent) bool {
		return (q.User == "" || strings.EqualFold(e.UserName, q.User)) &&
			(evType == "" || e.EventType == evType) &&
			(q.TFN == "" || e.TFN == q.TFN)
	}
	page := AuditPage{Items: []AuditEvent{}}
	for ; i >= 0; i-- {
		e := s.audit[i]
		if ent != "" && e.EntityID != ent {
			continue
		}
		if !match(e) {
			page.ScannedCount++
			continue
		}
		if len(page.Items) == limit {
			last := page.Items[limit-1]
			page.LastEvaluatedKey = &AuditKey{UserName: last.UserName, CreatedDate: last.CreatedDate}
			break
		}
		page.ScannedCount++
		cp := *e
		ce := *e.CNAMEntry
		cp.CNAMEntry = &ce
		page.Items = append(page.Items, cp)
	}
	page.Count = len(page.Items)
	return page, nil
}
