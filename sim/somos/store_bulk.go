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

// note puts a bulk file's step on the tenant's timeline.
func (s *Store) note(f *BulkFile, summary string, numbers ...string) {
	s.story.Add(timeline.Item{Time: s.now(), Kind: timeline.KindLifecycle, Provider: "somos", Summary: summary, Numbers: numbers,
		Detail: map[string]string{"fileId": f.FileID, "status": f.Status, "entityID": f.EntityID}})
}
