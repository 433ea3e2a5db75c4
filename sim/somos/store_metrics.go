package somos

import (
	"sort"
	"strings"
)

// EntitySummary is one entity's line of /metrics/list.
type EntitySummary struct {
	EntityID            string         `json:"entityID"`
	RespOrgIDs          []string       `json:"respOrgIDs"`
	TotalCNAM           int            `json:"totalCnam"`
	Status              map[string]int `json:"status"`
	PartnerUpdateStatus map[string]int `json:"partnerUpdateStatus"`
	TfnrStatus          map[string]int `json:"tfnrStatus"`
	Files               map[string]int `json:"files"`
	Users               int            `json:"users"`
	LastModifiedDate    int64          `json:"lastModifiedDate,omitempty"`
}

// MetricsKey is the /metrics/list LastEvaluatedKey.
type MetricsKey struct {
	EntityID string `json:"entityID"`
}

// MetricsPage is a /metrics/list response.
type MetricsPage struct {
	Items            []EntitySummary `json:"Items"`
	Count            int             `json:"Count"`
	ScannedCount     int             `json:"ScannedCount"`
	LastEvaluatedKey *MetricsKey     `json:"LastEvaluatedKey,omitempty"`
}

// Metrics summarises CNAM records and files per entity, ordered by entity.
func (s *Store) Metrics(c *Caller, limit int, entityID string, after *MetricsKey) (MetricsPage, error) {
	ent, err := scopeEntity(c, entityID, "read metrics")
	if err != nil {
		return MetricsPage{}, err
	}
	limit = clampLimit(limit)
	s.mu.Lock()
	defer s.mu.Unlock()
	set := map[string]bool{}
	if ent != "" {
		set[ent] = true
	} else {
		for _, u := range s.users {
			if u.EntityID != "" {
				set[u.EntityID] = true
			}
		}
		for _, k := range s.index {
			set[k.entity] = true
		}
		for _, f := range s.files {
			if f.EntityID != "" {
				set[f.EntityID] = true
			}
		}
	}
	ents := make([]string, 0, len(set))
	for e := range set {
		if after == nil || e > strings.ToUpper(after.EntityID) {
			ents = append(ents, e)
		}
	}
	sort.Strings(ents)
	page := MetricsPage{Items: []EntitySummary{}}
	for i, e := range ents {
		if i == limit {
			page.LastEvaluatedKey = &MetricsKey{EntityID: ents[i-1]}
			break
		}
		page.Items = append(page.Items, s.summaryLocked(e))
	}
	page.Count = len(page.Items)
	page.ScannedCount = page.Count
	return page, nil
}

func (s *Store) summaryLocked(ent string) EntitySummary {
	sum := EntitySummary{
		EntityID: ent, RespOrgIDs: []string{},
		Status:              map[string]int{StatusActive: 0, StatusInactive: 0},
		PartnerUpdateStatus: map[string]int{PartnerPending: 0, PartnerSuccess: 0, PartnerFailed: 0},
		TfnrStatus:          map[string]int{},
		Files:               map[string]int{FileCSV: 0, FileRejectedCSV: 0, FileExportCSV: 0},
	}
	ros := map[string]bool{}
	for i := s.lowerBound(ikey{entity: ent}); i < len(s.index) && s.index[i].entity == ent; i++ {
		r := s.records[s.index[i].tfn]
		sum.TotalCNAM++
		sum.Status[r.Status]++
		sum.PartnerUpdateStatus[r.PartnerUpdateStatus]++
		if r.TfnrStatus != "" {
			sum.TfnrStatus[r.TfnrStatus]++
		}
		ros[r.RespOrgID] = true
		sum.LastModifiedDate = max(sum.LastModifiedDate, r.LastModifiedDate)
	}
	for _, u := range s.users {
		if u.EntityID == ent {
			sum.Users++
			if u.RespOrgID != "" {
				ros[u.RespOrgID] = true
			}
		}
	}
	for _, f := range s.files {
		if f.EntityID == ent {
			sum.Files[f.FileType]++
		}
	}
	for ro := range ros {
		sum.RespOrgIDs = append(sum.RespOrgIDs, ro)
	}
	sort.Strings(sum.RespOrgIDs)
	return sum
}
