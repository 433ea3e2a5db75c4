package call48

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

var docTypes = map[string]bool{"loa": true, "bill": true, "csr": true}

func docField(d *PortDetail, typ string) **string {
	switch typ {
	case "loa":
		return &d.LOAFile
	case "bill":
		return &d.BillFile
	}
	return &d.CSRFile
}

func (s *Store) docDetailLocked(c Caller, reqID, propID *int) (*PortDetail, error) {
	pr, p, err := s.targetLocked(c, reqID, propID)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return &pr.Detail, nil
	}
	if p.Detail == nil {
		cp := pr.Detail
		cp.ID = s.next("detail", 135)
		p.Detail = &cp
	}
	return p.Detail, nil
}

// UploadDoc stores a document (loa, bill or csr) on a request or sub-order.
func (s *Store) UploadDoc(c Caller, reqID, propID *int, typ, filename string, data []byte) (string, error) {
	typ = strings.ToLower(strings.TrimSpace(typ))
	if typ == "" {
		return "", missing("type")
	}
	if !docTypes[typ] {
		return "", invalid("type", "must be loa, bill or csr")
	}
	if filename == "" {
		return "", missing("file")
	}
	if len(data) == 0 {
		return "", invalid("file", "the file is empty")
	}
	if err := checkDocument(filename, data); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.docDetailLocked(c, reqID, propID)
	if err != nil {
		return "", err
	}
	ext := ""
	if i := strings.LastIndex(filename, "."); i >= 0 {
		ext = strings.ToLower(filename[i:])
	}
	name := fmt.Sprintf("call48_%d_%s%s", s.clock.Now().UnixMilli(), s.randAlnum(10), ext)
	*docField(d, typ) = &name
	return name, nil
}

// RemoveDoc removes a document from a request or sub-order.
func (s *Store) RemoveDoc(c Caller, reqID, propID *int, typ string) error {
	typ = strings.ToLower(strings.TrimSpace(typ))
	if typ == "" {
		return missing("type")
	}
	if !docTypes[typ] {
		return invalid("type", "must be loa, bill or csr")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.docDetailLocked(c, reqID, propID)
	if err != nil {
		return err
	}
	f := docField(d, typ)
	if *f == nil {
		return errf(404, "No %s document uploaded", typ)
	}
	*f = nil
	return nil
}

// FOCRow is a number with its FOC and activation.
type FOCRow struct {
	PropID, ReqID int
	DID           PortDID
	FOCDate       *time.Time
}

// FOCList lists numbers that have an FOC (foc_received or activated).
func (s *Store) FOCList(c Caller, page, limit int, actType string, numbers []string) ([]FOCRow, int, error) {
	switch actType {
	case "", "Auto", "Manual", "Scheduled":
	default:
		return nil, 0, invalid("activation_type", "must be Auto, Manual or Scheduled")
	}
	want := map[string]bool{}
	for _, n := range numbers {
		want[normNumber(n)] = true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []FOCRow
	for _, id := range sortedKeys(s.d.Proposals) {
		p := s.d.Proposals[id]
		pr := s.d.Ports[p.PortReqID]
		if p.FOCDate == nil || pr == nil || !s.visibleLocked(c, pr.AccountID) {
			continue
		}
		for _, d := range p.DIDs {
			if (d.Status != PortFOC && d.Status != PortActivated) || (actType != "" && d.ActivationType != actType) || (len(want) > 0 && !want[d.Number]) {
				continue
			}
			all = append(all, FOCRow{PropID: p.ID, ReqID: p.PortReqID, DID: d, FOCDate: p.FOCDate})
		}
	}
	lo, hi := pageBounds(page, limit, len(all))
	return all[lo:hi], len(all), nil
}

// DIDActivation returns one number's FOC and activation.
func (s *Store) DIDActivation(c Caller, number, propID string) (*FOCRow, error) {
	if strings.TrimSpace(number) == "" {
		return nil, missing("did")
	}
	if strings.TrimSpace(propID) == "" {
		return nil, missing("port_proposal_id")
	}
	id, err := parseID("port_proposal_id", propID)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, d, err := s.proposalDIDLocked(c, id, number)
	if err != nil {
		return nil, err
	}
	return &FOCRow{PropID: p.ID, ReqID: p.PortReqID, DID: *d, FOCDate: p.FOCDate}, nil
}

// UpdateActivation changes how and when a number is activated.
func (s *Store) UpdateActivation(c Caller, propID int, number, actType string, date time.Time) error {
	if propID == 0 {
		return missing("port_proposal_id")
	}
	if strings.TrimSpace(number) == "" {
		return missing("did")
	}
	switch actType {
	case "Auto", "Manual", "Scheduled":
	case "":
		return missing("activation_type")
	default:
		return invalid("activation_type", "must be Auto, Manual or Scheduled")
	}
	if date.IsZero() {
		return missing("activation_date")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, d, err := s.proposalDIDLocked(c, propID, number)
	if err != nil {
		return err
	}
	if d.Status == PortActivated || d.Status == PortCancelled {
		return errf(400, "DID %s can not be updated in status %s", d.Number, d.Status)
	}
	now := s.clock.Now()
	if date.Before(now) {
		return errf(400, "activation_date %s is in the past", date.In(eastern).Format("2006-01-02 15:04"))
	}
	d.ActivationType, d.ActivationDate = actType, date
	if actType == "Auto" && p.FOCDate != nil {
		d.ActivationDate = onFOCDay(*p.FOCDate, date)
	}
	if p.Status == PortFOC {
		s.scheduleActivationLocked(p, now)
	}
	return nil
}

// ExportPorts writes export-list's CSV: the requests, a request's sub-orders
// (port_req_id) or a sub-order's numbers (port_proposal_id).
func (s *Store) ExportPorts(c Caller, reqID, propID *int, f PortFilter) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	switch {
	case propID != nil && *propID != 0:
		p, _, err := s.proposalLocked(c, *propID)
		if err != nil {
			return nil, err
		}
		_ = w.Write([]string{"tn", "lrn", "status", "foc_date", "activation_type", "activation_date"})
		for _, d := range p.DIDs {
			_ = w.Write([]string{d.Number, d.LRN, d.Status, jsDate(p.FOCDate), d.ActivationType, jsDateV(d.ActivationDate)})
		}
	case reqID != nil && *reqID != 0:
		pr, err := s.portLocked(c, *reqID)
		if err != nil {
			return nil, err
		}
		_ = w.Write([]string{"sub_order_id", "status", "resubmitted_at", "tn", "active_foc_date"})
		for _, p := range s.propsLocked(pr) {
			re := p.CreatedAt
			if p.ResubmittedAt != nil {
				re = *p.ResubmittedAt
			}
			_ = w.Write([]string{strconv.Itoa(p.ID), p.Status, jsDateV(re), strconv.Itoa(len(p.DIDs)), jsDate(p.FOCDate)})
		}
	default:
		_ = w.Write([]string{"port_req_id", "did_type", "request_phase", "suborder_count", "tn", "created_at", "account_username"})
		ids := sortedKeys(s.d.Ports)
		for i := len(ids) - 1; i >= 0; i-- {
			pr := s.d.Ports[ids[i]]
			if !s.visibleLocked(c, pr.AccountID) || !s.matchLocked(pr, f) {
				continue
			}
			n := 0
			for _, p := range s.propsLocked(pr) {
				n += len(p.DIDs)
			}
			_ = w.Write([]string{strconv.Itoa(pr.ID), pr.DidType, phaseOf(s.propsLocked(pr)), strconv.Itoa(len(pr.Proposals)), strconv.Itoa(n), jsDateV(pr.CreatedAt), s.d.Accounts[pr.AccountID].Username})
		}
	}
	w.Flush()
	return buf.Bytes(), nil
}

// AdvancePort moves every open sub-order of a port request one step, or
// through the steps up to a named status (reviewed, foc_received, activated;
// retry rejects with reason; cancelled cancels). It is the control lever
// behind POST /__sim/call48/ports/{port_req_id}/advance.
func (s *Store) AdvancePort(reqID int, to, reason string) (PortView, error) {
	switch to {
	case "", PortReviewed, PortFOC, PortActivated, PortRetry, PortCancelled, PortSubmitted:
	default:
		return PortView{}, fmt.Errorf("unknown status %q (want reviewed, foc_received, activated, retry, cancelled or submitted)", to)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pr := s.d.Ports[reqID]
	if pr == nil {
		return PortView{}, fmt.Errorf("port request %d not found", reqID)
	}
	now := s.clock.Now()
	moved := 0
	rank := map[string]int{PortSubmitted: 0, PortRetry: 0, PortReviewed: 1, PortFOC: 2, PortActivated: 3}
	for _, p := range s.propsLocked(pr) {
		if p.Status == PortActivated || p.Status == PortCancelled {
			continue
		}
		switch to {
		case "":
			s.stepLocked(p, now, "", "", true)
			moved++
		case PortRetry, PortCancelled:
			s.stepLocked(p, now, to, reason, false)
			moved++
		case PortSubmitted:
			if p.Status == PortRetry {
				s.resubmitLocked(p, now)
				moved++
			}
		default:
			for i := 0; i < 4 && p.Status != to && p.Status != PortRetry && rank[p.Status] < rank[to]; i++ {
				p.Rejected = p.Rejected || p.Status == PortSubmitted // a forced review does not apply rejection rules
				s.stepLocked(p, now, "", "", true)
				moved++
			}
		}
	}
	if moved == 0 {
		return s.viewLocked(pr), fmt.Errorf("port request %d has no sub order that can move to %q", reqID, or(to, "its next status"))
	}
	return s.viewLocked(pr), nil
}

// jsDate prints a time like JavaScript's Date.toString in US Eastern time,
// as the export CSV does.
func jsDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return jsDateV(*t)
}

func jsDateV(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	et := t.In(eastern)
	name := "Eastern Standard Time"
	if z, _ := et.Zone(); z == "EDT" {
		name = "Eastern Daylight Time"
	}
	return et.Format("Mon Jan 02 2006 15:04:05 GMT-0700") + " (" + name + ")"
}

func (s *Store) portExists(id int) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.d.Ports[id] != nil
}

// documentKinds are the files a port document may be: the name's extension
// and the content's signature must agree.
var documentKinds = []struct {
	exts  []string
	magic [][]byte
}{
	{[]string{".pdf"}, [][]byte{[]byte("%PDF-")}},
	{[]string{".tif", ".tiff"}, [][]byte{{'I', 'I', 42, 0}, {'M', 'M', 0, 42}}},
	{[]string{".jpg", ".jpeg"}, [][]byte{{0xFF, 0xD8, 0xFF}}},
	{[]string{".png"}, [][]byte{{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}}},
}

// checkDocument accepts an LOA, bill or CSR only as a PDF, TIFF, JPEG or
// PNG file.
func checkDocument(filename string, data []byte) error {
	ext := strings.ToLower(filepath.Ext(filename))
	for _, k := range documentKinds {
		if !slices.Contains(k.exts, ext) {
			continue
		}
		for _, m := range k.magic {
			if bytes.HasPrefix(data, m) {
				return nil
			}
		}
		return invalid("file", "the content is not a "+strings.ToUpper(strings.TrimPrefix(k.exts[0], "."))+" file")
	}
	return invalid("file", "only pdf, tiff, jpg and png documents are accepted")
}
