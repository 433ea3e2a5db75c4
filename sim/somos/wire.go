package somos

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/provider"
)

// flexInt is an integer sent as a number or as a numeric string (the
// document's audit sample sends "Limit": "10").
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" || s == `""` {
		return nil
	}
	s = strings.Trim(s, `"`)
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("Limit must be an integer")
	}
	*f = flexInt(n)
	return nil
}

// flexKey decodes a LastEvaluatedKey given as an object or as a string
// holding the object's JSON (as the document's bulkfiles sample does).
func flexKey[T any](raw json.RawMessage) (*T, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, badRequest("LastEvaluatedKey is not valid JSON")
		}
		raw = []byte(s)
	}
	var k T
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, badRequest("LastEvaluatedKey is not valid: %v", err)
	}
	if e, ok := any(&k).(interface{ foreign() bool }); ok && e.foreign() {
		return nil, nil // another list's key: the first page
	}
	if c, ok := any(&k).(interface{ check() error }); ok {
		if err := c.check(); err != nil {
			return nil, err
		}
	}
	return &k, nil
}

// A key without its attributes would silently restart or end the listing:
// each key type names what a previous page's key always carries.

func (k *ListKey) check() error {
	if k.TFN == "" || k.EntityID == "" {
		return badRequest(`LastEvaluatedKey must be the {"cnam","tfn","entityID"} of a previous page`)
	}
	return nil
}

// foreign reports a key with none of this list's attributes: the
// document's own /bulkfiles/list sample sends a CNAM list's key
// ({"cnam","tfn","entityID"}), which is read as asking for the first page.
func (k *FileKey) foreign() bool { return k.FileID == "" && k.CreatedDate == 0 }

func (k *FileKey) check() error {
	if k.FileID == "" || k.CreatedDate == 0 {
		return badRequest(`LastEvaluatedKey must be the {"fileId","createdDate","entityID"} of a previous page`)
	}
	return nil
}

func (k *AuditKey) check() error {
	if k.UserName == "" || k.CreatedDate == 0 {
		return badRequest(`LastEvaluatedKey must be the {"userName","createdDate"} of a previous page`)
	}
	return nil
}

func (k *MetricsKey) check() error {
	if k.EntityID == "" {
		return badRequest(`LastEvaluatedKey must be the {"entityID"} of a previous page`)
	}
	return nil
}

// maxBody is the most of a request body decode reads; what follows is
// left unread (and the JSON then fails to parse).
const maxBody = 11 << 20

// bodyBufs hold request bodies while decode reads them; json.Unmarshal
// copies what it keeps, so a buffer is reused once v is filled. One grown
// past maxPooledBody is left to the garbage collector.
var bodyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1<<10); return &b }}

const maxPooledBody = 64 << 10

// decode reads a JSON body into v; an empty body is an empty object.
func decode(r *http.Request, v any) error {
	bp := bodyBufs.Get().(*[]byte)
	b, err := readAtMost((*bp)[:0], r.Body, maxBody)
	defer func() {
		if cap(b) <= maxPooledBody {
			*bp = b[:0]
			bodyBufs.Put(bp)
		}
	}()
	if err != nil {
		return badRequest("cannot read the request body")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return badRequest("Invalid request body: %v", err)
	}
	return nil
}

// readAtMost appends to b what rd holds, up to max bytes: what
// io.ReadAll(io.LimitReader(rd, max)) returns, into a buffer of the
// caller's.
func readAtMost(b []byte, rd io.Reader, max int) ([]byte, error) {
	for len(b) < max {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := rd.Read(b[len(b):min(cap(b), max)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

func writeOK(w http.ResponseWriter, v any) { writeJSON(w, http.StatusOK, v) }

// writeJSON writes v indented, leaving <, > and & as they are (the real
// service's JSON serializers do, and a presigned URL's query string must
// stay copy-pasteable): the engine's WriteJSON.
func writeJSON(w http.ResponseWriter, status int, v any) { provider.WriteJSON(w, status, v) }

// writeEncoded writes an answer already encoded as writeJSON encodes it.
func writeEncoded(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// ---- auth ----

type apiTokenRequest struct {
	RefreshToken string `json:"refreshToken"`
}

type apiTokenResponse struct {
	Result string `json:"result"`
	Data   struct {
		AuthenticationResult AuthResult `json:"AuthenticationResult"`
	} `json:"data"`
}

type resetTokensRequest struct {
	AccessToken string `json:"accessToken"`
}

type resultMessage struct {
	Result  string `json:"result"`
	Message string `json:"message"`
}

// ---- users ----

// userJSON is a user as the admin endpoints show it.
type userJSON struct {
	PhoneNumber         string `json:"phoneNumber"`
	UserRole            string `json:"userRole"`
	PasswordLastUpdated string `json:"passwordLastUpdated"`
	UserEnabled         bool   `json:"userEnabled"`
	UserID              string `json:"userId"`
	EntityID            string `json:"entityID"`
	UserName            string `json:"userName"`
	FamilyName          string `json:"familyName"`
	RespOrgID           string `json:"respOrgID"`
	GivenName           string `json:"givenName"`
	LastLogin           string `json:"lastLogin,omitempty"`
}

// somosTime is the document's "2019-2-28 16:36:25" (no zero padding of
// month and day).
func somosTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format("2006-1-2 15:04:05")
}

func userOut(u User) userJSON {
	return userJSON{
		PhoneNumber: u.PhoneNumber, UserRole: string(u.Role), PasswordLastUpdated: somosTime(u.PasswordLastUpdated),
		UserEnabled: u.Enabled, UserID: u.Email, EntityID: u.EntityID, UserName: u.UserName,
		FamilyName: u.FamilyName, RespOrgID: u.RespOrgID, GivenName: u.GivenName, LastLogin: somosTime(u.LastLogin),
	}
}

type usersResponse struct {
	Result string     `json:"result"`
	Data   []userJSON `json:"data"`
}

type listUsersRequest struct {
	Enabled string `json:"enabled"`
}

type changeUserRequest struct {
	Email     string  `json:"email"`
	UserName  string  `json:"userName"`
	FirstName *string `json:"firstName"`
	LastName  *string `json:"lastName"`
}

// ---- CNAM ----

type listCNAMRequest struct {
	Limit            flexInt         `json:"Limit"`
	EntityID         string          `json:"entityID"`
	LastEvaluatedKey json.RawMessage `json:"LastEvaluatedKey"`
}

type uploadRequest struct {
	FileName string `json:"fileName"`
}

type uploadResponse struct {
	Result       string `json:"result"`
	PreSignedURL string `json:"preSignedUrl"`
}

// ---- files ----

type listFilesRequest struct {
	LastEvaluatedKey json.RawMessage `json:"LastEvaluatedKey"`
	FileTypes        []string        `json:"fileTypes"`
	EntityID         string          `json:"entityID"`
	Limit            flexInt         `json:"Limit"`
}

type exportRequest struct {
	ExportType string `json:"exportType"`
	FileID     string `json:"fileId"`
	EntityID   string `json:"entityID"`
}

type exportResponse struct {
	Result    string `json:"result"`
	FileID    string `json:"fileId"`
	URL       string `json:"url"`
	ExpiresIn int    `json:"expiresIn"`
}

type downloadRequest struct {
	FileID string `json:"fileId"`
}

type downloadResponse struct {
	Result    string `json:"result"`
	URL       string `json:"url"`
	ExpiresIn int    `json:"expiresIn"`
}

// ---- reports ----

type metricsRequest struct {
	Limit            flexInt         `json:"Limit"`
	EntityID         string          `json:"entityID"`
	LastEvaluatedKey json.RawMessage `json:"LastEvaluatedKey"`
}

type auditRequest struct {
	EntityID         string          `json:"entityID"`
	Limit            flexInt         `json:"Limit"`
	User             string          `json:"user"`
	EventType        string          `json:"eventType"`
	TFN              string          `json:"tfn"`
	LastEvaluatedKey json.RawMessage `json:"LastEvaluatedKey"`
}
