package somos

import (
	"bytes"
	"crypto/md5"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/timeline"
)

// CSV columns of bulk uploads and exports (docs/somos.md describes them).
var (
	csvColumns = []string{"action", "tfn", "cnam", "extCnam", "authorizedCallersList", "authorizedCallersRange",
		"authorizedCallersWildcard", "streetAddress", "streetAddress2", "city", "state", "zip", "country", "url", "logo", "status"}
	// Exports add these; uploads ignore them.
	csvReadOnly = []string{"entityID", "respOrgID", "tfnrStatus", "partnerUpdateStatus", "version", "lastModifiedDate"}
	// csvAllColumns is the export header; an upload header may name any of them.
	csvAllColumns = append(append([]string{}, csvColumns...), csvReadOnly...)
)

// S3Error is an error of the presigned URLs, in S3's XML shape.
type S3Error struct {
	Status  int
	Code    string
	Message string
	Expires time.Time
	Now     time.Time
}

func (e *S3Error) Error() string { return e.Code + ": " + e.Message }

func (s *Store) visibleFile(c *Caller, f *BulkFile) bool {
	return c.IsAdmin() || f.EntityID == c.EntityID
}

// NewUpload issues a presigned upload URL token for a CSV file.
func (s *Store) NewUpload(c *Caller, fileName string) (Upload, error) {
	name := strings.TrimSpace(fileName)
	if name == "" {
		return Upload{}, badRequest("fileName is required")
	}
	if strings.ContainsAny(name, `/\`) || !strings.EqualFold(path.Ext(name), ".csv") || len(name) > 255 {
		return Upload{}, badRequest("Invalid fileName %q: only CSV files (name ending in .csv) are allowed", fileName)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &Upload{Token: s.newHex(), FileName: name, Email: c.Email, ExpiresAt: s.now().Add(uploadURLTTL).UnixMilli()}
	s.uploads[u.Token] = u
	return *u, nil
}

// uniqueFileIDLocked returns id if no file has it, else id with the first
// free _2, _3, ... before its extension. s.mu must be held.
func (s *Store) uniqueFileIDLocked(id string) string {
	if _, taken := s.files[id]; !taken {
		return id
	}
	ext := path.Ext(id)
	base := strings.TrimSuffix(id, ext)
	for n := 2; ; n++ {
		cand := fmt.Sprintf("%s_%d%s", base, n, ext)
		if _, taken := s.files[cand]; !taken {
			return cand
		}
	}
}

func stamp(t time.Time) string {
	t = t.UTC()
	return t.Format("2006_01_02T15_04_05") + fmt.Sprintf("_%03dZ", t.Nanosecond()/1e6)
}

// PutUpload receives the CSV PUT to a presigned URL and queues it for
// processing; it returns the S3 ETag.
func (s *Store) PutUpload(token string, body []byte) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	u, ok := s.uploads[token]
	if !ok {
		return "", &S3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Access Denied"}
	}
	if now.UnixMilli() >= u.ExpiresAt {
		return "", &S3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Request has expired",
			Expires: time.UnixMilli(u.ExpiresAt).UTC(), Now: now}
	}
	if u.Used {
		return "", &S3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Access Denied: this upload URL has already been used"}
	}
	if len(body) > maxUploadBytes {
		return "", &S3Error{Status: http.StatusBadRequest, Code: "EntityTooLarge", Message: "Your proposed upload exceeds the maximum allowed size"}
	}
	user := s.users[strings.ToLower(u.Email)]
	if user == nil {
		return "", &S3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Access Denied"}
	}
	u.Used = true
	base := strings.TrimSuffix(u.FileName, path.Ext(u.FileName))
	id := s.uniqueFileIDLocked(base + "_" + stamp(now) + ".csv")
	f := &BulkFile{
		FileID: id, FileName: u.FileName, FileType: FileCSV, Status: FileUploaded,
		EntityID: user.EntityID, RespOrgID: user.RespOrgID, CreatedBy: user.Email, CreatedDate: now.UnixMilli(),
		LastModifiedBy: user.Email, LastModifiedDate: now.UnixMilli(), Content: string(body),
		ProcessDue: now.Add(s.set.BulkDelay / 3).UnixMilli(), UploaderRole: user.Role,
	}
	s.files[id] = f
	s.armProcessLocked(id, f.ProcessDue)
	sum := md5.Sum(body)
	return `"` + hex.EncodeToString(sum[:]) + `"`, nil
}

func (s *Store) armProcessLocked(fileID string, due int64) {
	s.clk.At(time.UnixMilli(due).UTC(), func() { s.processFile(fileID, due) })
}

// A file is picked up (Processing) a third of bulkProcessing after its
// upload and done bulkProcessing after it, plus perRowProcessing for every
// row past the first quickRows: a client's polling loop sees Uploaded, then
// Processing for a while, longer for longer files.
const (
	quickRows        = 100
	perRowProcessing = 100 * time.Millisecond
)

// processFile moves a file along on the clock: an Uploaded file is picked
// up, a Processing one finishes.
func (s *Store) processFile(fileID string, due int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[fileID]
	if !ok || f.ProcessDue != due {
		return
	}
	switch f.Status {
	case FileUploaded:
		rows := strings.Count(strings.TrimRight(f.Content, "\r\n"), "\n") // the data rows, after the header
		now := s.now()
		f.Status, f.LastModifiedDate = FileProcessing, now.UnixMilli()
		done := time.UnixMilli(f.CreatedDate).Add(s.set.BulkDelay + time.Duration(max(0, rows-quickRows))*perRowProcessing)
		if done.Before(now) {
			done = now
		}
		f.ProcessDue = done.UnixMilli()
		s.armProcessLocked(f.FileID, f.ProcessDue)
		s.note(f, "file "+f.FileID+" is processing "+strconv.Itoa(rows)+" rows")
	case FileProcessing:
		s.noteDone(f, s.processLocked(f))
	}
}

// noteDone puts a processed file on the timeline with the numbers its rows
// named, so a number's life shows the file that changed it.
func (s *Store) noteDone(f *BulkFile, numbers []string) {
	s.note(f, "file "+f.FileID+" is "+strings.ToLower(f.Status)+": "+f.Message, numbers...)
}

// ProcessNow processes an uploaded file at once (a control lever).
func (s *Store) ProcessNow(fileID string) (BulkFile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[fileID]
	if !ok {
		return BulkFile{}, notFound("File %s not found", fileID)
	}
	if f.Status != FileUploaded && f.Status != FileProcessing {
		return BulkFile{}, badRequest("File %s is %s, not waiting to be processed", fileID, f.Status)
	}
	s.noteDone(f, s.processLocked(f))
	return fileView(f), nil
}

type rowError struct {
	kind   string // "rejected", "validation", "error"
	reason string
}

// maxNotedNumbers bounds the numbers a processed file's timeline item
// names.
const maxNotedNumbers = 100

// processLocked applies a file's rows and returns the numbers they named
// (the first maxNotedNumbers, as ten digits).
func (s *Store) processLocked(f *BulkFile) []string {
	now := s.nowMs()
	f.ProcessDue = 0
	f.LastModifiedDate = now
	caller := &Caller{Email: f.CreatedBy, Role: f.UploaderRole, EntityID: f.EntityID, RespOrgID: f.RespOrgID}
	if u := s.users[strings.ToLower(f.CreatedBy)]; u != nil {
		caller.Role, caller.EntityID, caller.RespOrgID = u.Role, u.EntityID, u.RespOrgID
	}
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(f.Content, "\ufeff")))
	rd.FieldsPerRecord = -1
	rd.TrimLeadingSpace = true
	header, err := rd.Read()
	if err != nil {
		f.Status, f.Message = FileFailed, "The file has no header row"
		if !errors.Is(err, io.EOF) {
			f.Message = "The file is not a valid CSV file: " + err.Error()
		}
		return nil
	}
	// Columns are found by their header, in any order; a column the
	// simulator does not know is ignored and reported in the rejected-rows
	// file rather than failing the whole file.
	cols := map[string]int{}
	var unknown []string
	for i, h := range header {
		name := strings.TrimSpace(h)
		known := ""
		for _, c := range csvAllColumns {
			if strings.EqualFold(c, name) {
				known = c
			}
		}
		if known == "" {
			unknown = append(unknown, name)
			continue
		}
		cols[known] = i
	}
	if _, ok := cols["tfn"]; !ok {
		f.Status, f.Message = FileFailed, "The header row has no tfn column"
		return nil
	}
	var rejected [][]string
	var numbers []string
	noted := map[string]bool{}
	for {
		row, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.Err != csv.ErrFieldCount {
				f.Status, f.Message = FileFailed, "The file is not a valid CSV file: "+err.Error()
				break
			}
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		f.EntriesReadInFile++
		f.Processed++
		if i := cols["tfn"]; i < len(row) && len(numbers) < maxNotedNumbers {
			if n := timeline.Normalize(row[i]); n != "" && !noted[n] {
				noted[n] = true
				numbers = append(numbers, n)
			}
		}
		re := s.applyRowLocked(caller, f, header, cols, row)
		if re == nil {
			continue
		}
		switch re.kind {
		case "rejected":
			f.Rejected++
		case "validation":
			f.Validation++
		default:
			f.Error++
		}
		rejected = append(rejected, append(padRow(row, len(header)), re.reason))
	}
	f.TotalAccepted = f.Created + f.Updated + f.Deleted
	f.TotalRejected = f.Rejected + f.Validation + f.Error
	if f.Status != FileFailed {
		f.Status = FileCompleted
	}
	if len(unknown) > 0 {
		note := fmt.Sprintf("Unknown column(s) %s ignored (known columns: %s)", strings.Join(unknown, ", "), strings.Join(csvColumns, ","))
		rejected = append([][]string{append(append([]string{}, header...), note)}, rejected...)
		if f.Message == "" {
			f.Message = note
		}
	}
	if len(rejected) > 0 {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write(append(append([]string{}, header...), "reason"))
		_ = w.WriteAll(rejected)
		base := strings.TrimSuffix(f.FileID, path.Ext(f.FileID))
		id := s.uniqueFileIDLocked(base + "_rejected.csv")
		s.files[id] = &BulkFile{
			FileID: id, FileName: strings.TrimSuffix(f.FileName, path.Ext(f.FileName)) + "_rejected.csv",
			FileType: FileRejectedCSV, Status: FileCompleted, EntityID: f.EntityID, RespOrgID: f.RespOrgID,
			CreatedBy: f.CreatedBy, CreatedDate: now, LastModifiedBy: f.CreatedBy, LastModifiedDate: now,
			EntriesReadInFile: len(rejected), TotalRejected: len(rejected), SourceFileID: f.FileID, Content: buf.String(),
		}
		f.RejectedFileID = id
	}
	return numbers
}

func padRow(row []string, n int) []string {
	out := append([]string{}, row...)
	for len(out) < n {
		out = append(out, "")
	}
	return out[:max(n, len(row))]
}

func (s *Store) applyRowLocked(c *Caller, f *BulkFile, header []string, cols map[string]int, row []string) *rowError {
	if len(row) != len(header) {
		return &rowError{"rejected", fmt.Sprintf("row has %d fields, the header has %d", len(row), len(header))}
	}
	cell := func(name string) (*string, bool) {
		i, ok := cols[name]
		if !ok {
			return nil, false
		}
		v := strings.TrimSpace(row[i])
		return &v, true
	}
	in := CNAMInput{}
	for name, dst := range map[string]**string{
		"tfn": &in.TFN, "cnam": &in.CNAM, "extCnam": &in.ExtCnam, "streetAddress": &in.StreetAddress,
		"streetAddress2": &in.StreetAddress2, "city": &in.City, "state": &in.State, "zip": &in.Zip,
		"country": &in.Country, "url": &in.URL, "logo": &in.Logo, "status": &in.Status,
	} {
		if v, ok := cell(name); ok {
			*dst = v
		}
	}
	if in.Status != nil && *in.Status == "" {
		in.Status = nil
	}
	list, okL := cell("authorizedCallersList")
	rng, okR := cell("authorizedCallersRange")
	wild, okW := cell("authorizedCallersWildcard")
	if okL || okR || okW {
		cs := Callers{}
		if okL {
			cs.List = splitList(*list)
		}
		if okW {
			cs.Wildcard = splitList(*wild)
		}
		if okR {
			for _, r := range splitList(*rng) {
				b, e, ok := strings.Cut(r, "-")
				if !ok {
					return &rowError{"validation", fmt.Sprintf("authorizedCallersRange %q must be begin-end", r)}
				}
				cs.Range = append(cs.Range, CallerRange{Begin: strings.TrimSpace(b), End: strings.TrimSpace(e)})
			}
		}
		in.AuthorizedCallers = &cs
	}
	tfn := strings.TrimSpace(*in.TFN)
	if err := checkTFN(tfn); err != nil {
		return &rowError{"validation", err.Error()}
	}
	action := ""
	if v, ok := cell("action"); ok {
		action = strings.ToLower(*v)
	}
	if action == "" { // create or update, whichever fits
		action = "c"
		if _, exists := s.records[tfn]; exists {
			action = "u"
		}
	}
	var err error
	switch action {
	case "c", "create", "add":
		_, err = s.createLocked(c, &in, f.FileID)
		if err == nil {
			f.Created++
		}
	case "u", "update":
		_, err = s.updateLocked(c, tfn, &in, f.FileID)
		if err == nil {
			f.Updated++
		}
	case "d", "delete":
		_, err = s.deleteLocked(c, tfn, f.FileID)
		if err == nil {
			f.Deleted++
		}
	default:
		return &rowError{"validation", fmt.Sprintf("action %q must be C (create), U (update), D (delete) or empty (create or update)", action)}
	}
	if err == nil {
		return nil
	}
	kind := "error"
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusBadRequest && isValidationMessage(e.Message) {
		kind = "validation"
	}
	return &rowError{kind, err.Error()}
}

func isValidationMessage(m string) bool {
	return !strings.Contains(m, "already exists") && !strings.Contains(m, "not in valid state")
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '|' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ---- listing, exports, downloads ----------------------------------------

// FileKey is the /bulkfiles/list LastEvaluatedKey.
type FileKey struct {
	FileID      string `json:"fileId"`
	CreatedDate int64  `json:"createdDate"`
	EntityID    string `json:"entityID"`
}

// FileQuery is a /bulkfiles/list request.
type FileQuery struct {
	FileTypes []string
	EntityID  string
	Limit     int
	After     *FileKey
}

// FilePage is a /bulkfiles/list response.
type FilePage struct {
	Items            []BulkFile `json:"Items"`
	Count            int        `json:"Count"`
	ScannedCount     int        `json:"ScannedCount"`
	LastEvaluatedKey *FileKey   `json:"LastEvaluatedKey,omitempty"`
}

func fileView(f *BulkFile) BulkFile {
	v := *f
	v.Content, v.ProcessDue, v.UploaderRole = "", 0, ""
	return v
}

func fileBefore(a, b *BulkFile) bool { // newest first
	if a.CreatedDate != b.CreatedDate {
		return a.CreatedDate > b.CreatedDate
	}
	return a.FileID > b.FileID
}

// ListFiles lists the files the caller may see, newest first.
func (s *Store) ListFiles(c *Caller, q FileQuery) (FilePage, error) {
	ent, err := scopeEntity(c, q.EntityID, "list files")
	if err != nil {
		return FilePage{}, err
	}
	types := map[string]bool{}
	for _, t := range q.FileTypes {
		ok := false
		for _, k := range []string{FileCSV, FileRejectedCSV, FileExportCSV} {
			if strings.EqualFold(k, t) {
				types[k], ok = true, true
			}
		}
		if !ok {
			return FilePage{}, badRequest("fileTypes: %q must be one of CSV, RejectedCSV, ExportCSV", t)
		}
	}
	limit := clampLimit(q.Limit)
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*BulkFile
	for _, f := range s.files {
		if (ent == "" || f.EntityID == ent) && (len(types) == 0 || types[f.FileType]) {
			all = append(all, f)
		}
	}
	sort.Slice(all, func(i, j int) bool { return fileBefore(all[i], all[j]) })
	start := 0
	if q.After != nil {
		k := &BulkFile{FileID: q.After.FileID, CreatedDate: q.After.CreatedDate}
		start = sort.Search(len(all), func(i int) bool { return fileBefore(k, all[i]) })
	}
	page := FilePage{Items: []BulkFile{}}
	for i := start; i < len(all); i++ {
		if len(page.Items) == limit {
			last := page.Items[limit-1]
			page.LastEvaluatedKey = &FileKey{FileID: last.FileID, CreatedDate: last.CreatedDate, EntityID: last.EntityID}
			break
		}
		page.Items = append(page.Items, fileView(all[i]))
	}
	page.Count = len(page.Items)
	page.ScannedCount = page.Count
	return page, nil
}

func recordRow(r *Record) []string {
	e := entryOf(r)
	var rng []string
	for _, x := range e.AuthorizedCallers.Range {
		rng = append(rng, x.Begin+"-"+x.End)
	}
	return []string{"", e.TFN, e.CNAM, e.ExtCnam, strings.Join(e.AuthorizedCallers.List, ";"), strings.Join(rng, ";"),
		strings.Join(e.AuthorizedCallers.Wildcard, ";"), e.StreetAddress, e.StreetAddress2, e.City, e.State, e.Zip,
		e.Country, e.URL, e.Logo, e.Status,
		e.EntityID, e.RespOrgID, e.TfnrStatus, e.PartnerUpdateStatus, strconv.Itoa(e.Version), strconv.FormatInt(e.LastModifiedDate, 10)}
}

// ExportFile builds an ExportCSV: every record the caller may see (cnamExport,
// optionally one entity) or the rejected rows of an upload (rejected).
func (s *Store) ExportFile(c *Caller, exportType, fileID, entityID string) (BulkFile, error) {
	ent, err := scopeEntity(c, entityID, "export records")
	if err != nil {
		return BulkFile{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := &BulkFile{FileType: FileExportCSV, Status: FileCompleted, EntityID: c.EntityID, RespOrgID: c.RespOrgID,
		CreatedBy: c.Email, CreatedDate: now.UnixMilli(), LastModifiedBy: c.Email, LastModifiedDate: now.UnixMilli()}
	if ent != "" && c.IsAdmin() {
		out.EntityID = ent
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	switch strings.TrimSpace(exportType) {
	case "cnamExport":
		_ = w.Write(csvAllColumns)
		start := 0
		if ent != "" {
			start = s.lowerBound(ikey{entity: ent})
		}
		n := 0
		for i := start; i < len(s.index) && (ent == "" || s.index[i].entity == ent); i++ {
			r := s.records[s.index[i].tfn]
			s.syncLocked(r)
			_ = w.Write(recordRow(r))
			n++
		}
		out.EntriesReadInFile, out.Processed, out.TotalAccepted = n, n, n
		out.ExportType = "cnamExport"
		out.FileName = "cnamExport_" + stamp(now) + ".csv"
	case "rejected":
		if strings.TrimSpace(fileID) == "" {
			return BulkFile{}, badRequest("fileId is required for exportType=rejected")
		}
		src, ok := s.files[fileID]
		if !ok || !s.visibleFile(c, src) {
			return BulkFile{}, notFound("File %s not found", fileID)
		}
		if src.FileType != FileCSV {
			return BulkFile{}, badRequest("File %s is a %s; rejected records exist only for uploaded CSV files", fileID, src.FileType)
		}
		if src.Status != FileCompleted && src.Status != FileFailed {
			return BulkFile{}, badRequest("File %s has not been processed yet (status %s)", fileID, src.Status)
		}
		w.Flush()
		if rf, ok := s.files[src.RejectedFileID]; ok {
			buf.WriteString(rf.Content)
			out.EntriesReadInFile = rf.EntriesReadInFile
		} else {
			_ = w.Write([]string{"reason"})
		}
		out.TotalRejected = out.EntriesReadInFile
		out.ExportType, out.SourceFileID = "rejected", fileID
		out.FileName = "rejected_" + strings.TrimSuffix(src.FileName, path.Ext(src.FileName)) + "_" + stamp(now) + ".csv"
	default:
		return BulkFile{}, badRequest("exportType %q must be cnamExport or rejected", exportType)
	}
	w.Flush()
	out.Content = buf.String()
	out.FileID = s.uniqueFileIDLocked(out.FileName)
	s.files[out.FileID] = out
	return fileView(out), nil
}

// NewDownload issues a presigned download URL token for a file, valid one
// minute.
func (s *Store) NewDownload(c *Caller, fileID string) (Download, error) {
	if strings.TrimSpace(fileID) == "" {
		return Download{}, badRequest("fileId is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[fileID]
	if !ok || !s.visibleFile(c, f) {
		return Download{}, notFound("File %s not found", fileID)
	}
	d := &Download{Token: s.newHex(), FileID: fileID, ExpiresAt: s.now().Add(downloadURLTTL).UnixMilli()}
	s.downloads[d.Token] = d
	return *d, nil
}

// GetDownload serves a presigned download URL: the file name and content.
func (s *Store) GetDownload(token string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	d, ok := s.downloads[token]
	if !ok {
		return "", "", &S3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Access Denied"}
	}
	if now.UnixMilli() >= d.ExpiresAt {
		return "", "", &S3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Request has expired",
			Expires: time.UnixMilli(d.ExpiresAt).UTC(), Now: now}
	}
	f, ok := s.files[d.FileID]
	if !ok {
		return "", "", &S3Error{Status: http.StatusNotFound, Code: "NoSuchKey", Message: "The specified key does not exist."}
	}
	return f.FileID, f.Content, nil
}

// File returns one file's metadata and content (control API, tests).
func (s *Store) File(fileID string) (BulkFile, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[fileID]
	if !ok {
		return BulkFile{}, false
	}
	return *f, true
}

// note puts a bulk file's step on the tenant's timeline.
func (s *Store) note(f *BulkFile, summary string, numbers ...string) {
	s.story.Add(timeline.Item{Time: s.now(), Kind: timeline.KindLifecycle, Provider: "somos", Summary: summary, Numbers: numbers,
		Detail: map[string]string{"fileId": f.FileID, "status": f.Status, "entityID": f.EntityID}})
}
