package somos

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Bulk files after processing: listing, exports and downloads.

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
