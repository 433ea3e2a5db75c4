package somos

import "strings"

// Role is a TFN Identity user role.
type Role string

// The three roles of the document: Somos administrators see every entity;
// Resp Org administrators and users belong to one entity and one Resp Org.
const (
	RoleAdmin        Role = "Admin"
	RoleRespOrgAdmin Role = "RespOrgAdmin"
	RoleRespOrgUser  Role = "RespOrgUser"
)

// ParseRole accepts a role name in any case.
func ParseRole(s string) (Role, bool) {
	for _, r := range []Role{RoleAdmin, RoleRespOrgAdmin, RoleRespOrgUser} {
		if strings.EqualFold(s, string(r)) {
			return r, true
		}
	}
	return "", false
}

// Number statuses in the TFNRegistry that allow CNAM provisioning.
const (
	TFNWorking  = "WORKING"
	TFNAssigned = "ASSIGNED"
)

// Partner propagation statuses of a CNAM record.
const (
	PartnerPending = "pending"
	PartnerSuccess = "success"
	PartnerFailed  = "failed"
)

// Record statuses.
const (
	StatusActive   = "active"
	StatusInactive = "inactive"
)

// Audit event types.
const (
	EventCreate = "Create-CNAM"
	EventUpdate = "Update-CNAM"
	EventDelete = "Delete-CNAM"
	EventUpload = "File-upload"
)

// Bulk file types and statuses.
const (
	FileCSV         = "CSV"
	FileRejectedCSV = "RejectedCSV"
	FileExportCSV   = "ExportCSV"

	FileUploaded   = "Uploaded"
	FileProcessing = "Processing"
	FileCompleted  = "Completed"
	FileFailed     = "Failed"
)

// User is a TFN Identity user (a Cognito user in the real service).
type User struct {
	Email               string `json:"email"`
	UserName            string `json:"userName"` // the uuid Cognito assigns
	Role                Role   `json:"role"`
	EntityID            string `json:"entityID"`
	RespOrgID           string `json:"respOrgID"`
	GivenName           string `json:"givenName"`
	FamilyName          string `json:"familyName"`
	PhoneNumber         string `json:"phoneNumber"`
	Enabled             bool   `json:"enabled"`
	PasswordLastUpdated int64  `json:"passwordLastUpdated"` // epoch ms
	LastLogin           int64  `json:"lastLogin,omitempty"` // epoch ms
}

// RefreshToken is an API consumer's refresh token ("API Key Management").
type RefreshToken struct {
	Token     string `json:"token"`
	ID        string `json:"id"` // origin_jti of the tokens it issues
	Email     string `json:"email"`
	IssuedAt  int64  `json:"issuedAt"`            // epoch ms
	ExpiresAt int64  `json:"expiresAt,omitempty"` // epoch ms; 0 never
	Revoked   bool   `json:"revoked,omitempty"`
}

// Caller is the authenticated user of a request.
type Caller struct {
	Email     string
	UserName  string
	Role      Role
	EntityID  string
	RespOrgID string
	OriginJTI string
}

// IsAdmin reports whether the caller sees every entity.
func (c *Caller) IsAdmin() bool { return c.Role == RoleAdmin }

// scopeEntity turns the entity a query names into the one it may read: an
// Admin gets the named entity (upper-cased; "" for all), anyone else their
// own, and is refused if they name another. verb completes "User is not
// authorized to ..." in the refusal.
func scopeEntity(c *Caller, entityID, verb string) (string, error) {
	ent := strings.ToUpper(strings.TrimSpace(entityID))
	if c.IsAdmin() {
		return ent, nil
	}
	if ent != "" && ent != c.EntityID {
		return "", notAuthorized("User is not authorized to %s of entity %s", verb, ent)
	}
	return c.EntityID, nil
}

// CallerRange is one range of authorized callers.
type CallerRange struct {
	Begin string `json:"begin" yaml:"begin"`
	End   string `json:"end" yaml:"end"`
}

// Callers are the numbers allowed to present the CNAM.
type Callers struct {
	List     []string      `json:"list" yaml:"list"`
	Range    []CallerRange `json:"range" yaml:"range"`
	Wildcard []string      `json:"wildcard" yaml:"wildcard"`
}

func (c Callers) normalized() Callers {
	if c.List == nil {
		c.List = []string{}
	}
	if c.Range == nil {
		c.Range = []CallerRange{}
	}
	if c.Wildcard == nil {
		c.Wildcard = []string{}
	}
	return c
}

// CNAMEntry is a CNAM record as the API shows it. Dates are epoch ms.
type CNAMEntry struct {
	TFN                 string   `json:"tfn"`
	CNAM                string   `json:"cnam"`
	ExtCnam             string   `json:"extCnam,omitempty"`
	AuthorizedCallers   Callers  `json:"authorizedCallers"`
	StreetAddress       string   `json:"streetAddress,omitempty"`
	StreetAddress2      string   `json:"streetAddress2,omitempty"`
	City                string   `json:"city,omitempty"`
	State               string   `json:"state,omitempty"`
	Zip                 string   `json:"zip,omitempty"`
	Country             string   `json:"country,omitempty"`
	URL                 string   `json:"url,omitempty"`
	Logo                string   `json:"logo,omitempty"`
	Keywords            []string `json:"keywords"`
	Status              string   `json:"status"`
	Version             int      `json:"version"`
	CreatedDate         int64    `json:"createdDate"`
	CreatedBy           string   `json:"createdBy"`
	LastModifiedDate    int64    `json:"lastModifiedDate"`
	LastModifiedBy      string   `json:"lastModifiedBy"`
	EntityID            string   `json:"entityID"`
	RespOrgID           string   `json:"respOrgID"`
	TfnrStatus          string   `json:"tfnrStatus"`
	PartnerUpdateStatus string   `json:"partnerUpdateStatus"`
	PartnerUpdateDate   int64    `json:"partnerUpdateDate,omitempty"`
}

// Record is a stored CNAM entry plus what the simulator needs to move it.
type Record struct {
	CNAMEntry
	// PartnerDue is when the pending partner propagation completes (epoch ms).
	PartnerDue int64 `json:"partnerDue,omitempty"`
}

// CNAMInput is a create or update request: nil fields are left unchanged.
type CNAMInput struct {
	TFN               *string  `json:"tfn"`
	CNAM              *string  `json:"cnam"`
	ExtCnam           *string  `json:"extCnam"`
	AuthorizedCallers *Callers `json:"authorizedCallers"`
	StreetAddress     *string  `json:"streetAddress"`
	StreetAddress2    *string  `json:"streetAddress2"`
	City              *string  `json:"city"`
	State             *string  `json:"state"`
	Zip               *string  `json:"zip"`
	Country           *string  `json:"country"`
	URL               *string  `json:"url"`
	Logo              *string  `json:"logo"`
	Status            *string  `json:"status"`
}

// AuditEvent is one audit trail entry.
type AuditEvent struct {
	UserName    string     `json:"userName"` // the acting user's email
	CreatedDate int64      `json:"createdDate"`
	EventType   string     `json:"eventType"`
	TFN         string     `json:"tfn"`
	EntityID    string     `json:"entityID"`
	RespOrgID   string     `json:"respOrgID"`
	FileID      string     `json:"fileId,omitempty"`
	CNAMEntry   *CNAMEntry `json:"cnamEntry"`
}

// BulkFile is an uploaded CSV, a RejectedCSV or an ExportCSV.
type BulkFile struct {
	FileID            string `json:"fileId"`
	FileName          string `json:"fileName"`
	FileType          string `json:"fileType"`
	Status            string `json:"status"`
	EntityID          string `json:"entityID"`
	RespOrgID         string `json:"respOrgID"`
	CreatedBy         string `json:"createdBy"`
	CreatedDate       int64  `json:"createdDate"`
	LastModifiedBy    string `json:"lastModifiedBy"`
	LastModifiedDate  int64  `json:"lastModifiedDate"`
	EntriesReadInFile int    `json:"entriesReadInFile"`
	Processed         int    `json:"processed"`
	Created           int    `json:"created"`
	Updated           int    `json:"updated"`
	Deleted           int    `json:"deleted"`
	TotalAccepted     int    `json:"totalAccepted"`
	TotalRejected     int    `json:"totalRejected"`
	Rejected          int    `json:"rejected"`
	Error             int    `json:"error"`
	Validation        int    `json:"validation"`
	Message           string `json:"message,omitempty"`
	SourceFileID      string `json:"sourceFileId,omitempty"`
	ExportType        string `json:"exportType,omitempty"`
	RejectedFileID    string `json:"rejectedFileId,omitempty"`

	// Content is the file's bytes; ProcessDue is when an upload is processed.
	Content    string `json:"content,omitempty"`
	ProcessDue int64  `json:"processDue,omitempty"`
	// Caller that uploaded it (processing acts on their behalf).
	UploaderRole Role `json:"uploaderRole,omitempty"`
}

// Upload is a presigned upload URL waiting for its PUT.
type Upload struct {
	Token     string `json:"token"`
	FileName  string `json:"fileName"`
	Email     string `json:"email"`
	ExpiresAt int64  `json:"expiresAt"` // epoch ms
	Used      bool   `json:"used,omitempty"`
}

// Download is a presigned download URL.
type Download struct {
	Token     string `json:"token"`
	FileID    string `json:"fileId"`
	ExpiresAt int64  `json:"expiresAt"`
}
