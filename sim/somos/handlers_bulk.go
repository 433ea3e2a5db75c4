package somos

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/telecomsim/simulator/internal/provider"
)

func handleListFiles(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req listFilesRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	after, err := flexKey[FileKey](req.LastEvaluatedKey)
	if err != nil {
		writeError(w, err)
		return
	}
	page, err := s.ListFiles(callerOf(r), FileQuery{FileTypes: req.FileTypes, EntityID: req.EntityID, Limit: int(req.Limit), After: after})
	if err != nil {
		writeError(w, err)
		return
	}
	writeOK(w, page)
}

func handleExport(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req exportRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	c := callerOf(r)
	f, err := s.ExportFile(c, req.ExportType, req.FileID, req.EntityID)
	if err != nil {
		writeError(w, err)
		return
	}
	d, err := s.NewDownload(c, f.FileID)
	if err != nil {
		writeError(w, err)
		return
	}
	ttl := int(downloadURLTTL.Seconds())
	writeOK(w, exportResponse{Result: "Success", FileID: f.FileID, URL: presign(r, s, "/downloads/"+d.Token, ttl), ExpiresIn: ttl})
}

func handleDownloadURL(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req downloadRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	d, err := s.NewDownload(callerOf(r), req.FileID)
	if err != nil {
		writeError(w, err)
		return
	}
	ttl := int(downloadURLTTL.Seconds())
	writeOK(w, downloadResponse{Result: "Success", URL: presign(r, s, "/downloads/"+d.Token, ttl), ExpiresIn: ttl})
}

type s3ErrorXML struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string   `xml:"Code"`
	Message    string   `xml:"Message"`
	Expires    string   `xml:"Expires,omitempty"`
	ServerTime string   `xml:"ServerTime,omitempty"`
	RequestID  string   `xml:"RequestId"`
	HostID     string   `xml:"HostId"`
}

func writeS3Error(w http.ResponseWriter, err error) {
	var e *S3Error
	if !errors.As(err, &e) {
		e = &S3Error{Status: http.StatusInternalServerError, Code: "InternalError", Message: "We encountered an internal error. Please try again."}
	}
	body := s3ErrorXML{Code: e.Code, Message: e.Message, RequestID: "TFNIDSIM0000000", HostID: "tfnidentity-sim"}
	if !e.Expires.IsZero() {
		body.Expires = e.Expires.UTC().Format(time.RFC3339)
		body.ServerTime = e.Now.UTC().Format(time.RFC3339)
	}
	out, _ := xml.Marshal(body)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.Status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}

// presigned returns the store and token of a request to a presigned URL
// whose signature checks out; otherwise it has answered in S3's shape.
func presigned(w http.ResponseWriter, r *http.Request) (*Store, string, bool) {
	s, err := storeOf(r)
	if err != nil {
		writeS3Error(w, nil)
		return nil, "", false
	}
	token := provider.Vars(r)["token"]
	if e := s.checkPresigned(r.URL.Path, r.URL.Query()); e != nil {
		writeS3Error(w, e)
		return nil, "", false
	}
	return s, token, true
}

func handlePutUpload(w http.ResponseWriter, r *http.Request) {
	s, token, ok := presigned(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxUploadBytes+1))
	if err != nil {
		writeS3Error(w, &S3Error{Status: http.StatusBadRequest, Code: "IncompleteBody", Message: "You did not provide the number of bytes specified by the Content-Length HTTP header."})
		return
	}
	etag, err := s.PutUpload(token, body)
	if err != nil {
		writeS3Error(w, err)
		return
	}
	w.Header().Set("ETag", etag)
	w.WriteHeader(http.StatusOK)
}

func handleGetDownload(w http.ResponseWriter, r *http.Request) {
	s, token, ok := presigned(w, r)
	if !ok {
		return
	}
	name, content, err := s.GetDownload(token)
	if err != nil {
		writeS3Error(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("Content-Disposition", provider.Attachment(name))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, content)
}
