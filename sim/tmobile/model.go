package tmobile

import (
	"crypto/rsa"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Client is a partner application registered with T-Mobile: its OAuth
// credentials, the redirect URIs it may use and the RSA public key that
// verifies its PoP tokens. Clients come from the scenario and never change.
type Client struct {
	ID           string
	Secret       string
	Name         string
	RedirectURIs []string
	PublicKey    *rsa.PublicKey
}

// AllowsRedirect reports whether uri is one of the client's registered
// redirect URIs (exact string match, as OAuth requires).
func (c *Client) AllowsRedirect(uri string) bool {
	for _, u := range c.RedirectURIs {
		if u == uri {
			return true
		}
	}
	return false
}

// User is a T-Mobile subscriber who can log in on the link page.
type User struct {
	Login    string   `json:"login"`
	Password string   `json:"password"`
	Subject  string   `json:"subject"` // the "sub" of the tokens issued for the user
	Conflict bool     `json:"conflict"`
	Lines    []string `json:"lines"` // msisdns, in scenario order
}

// Address is a line's e911 (emergency) address.
type Address struct {
	Line1 string `json:"addressLine1"`
	Line2 string `json:"addressLine2,omitempty"`
	City  string `json:"city"`
	State string `json:"state"`
	Zip   string `json:"zip"`
}

// String renders the address on one line.
func (a Address) String() string {
	parts := []string{a.Line1}
	if a.Line2 != "" {
		parts = append(parts, a.Line2)
	}
	parts = append(parts, a.City, a.State+" "+a.Zip)
	return strings.Join(parts, ", ")
}

var (
	zipRE   = regexp.MustCompile(`^[0-9]{5}(-[0-9]{4})?$`)
	msisdnR = regexp.MustCompile(`^[2-9][0-9]{9}$`)
)

// usStates are the state and territory codes an e911 address may use.
var usStates = map[string]bool{}

func init() {
	for _, s := range strings.Fields("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO " +
		"MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP") {
		usStates[s] = true
	}
}

// Normalize trims the fields and upper-cases the state code.
func (a Address) Normalize() Address {
	return Address{
		Line1: strings.TrimSpace(a.Line1),
		Line2: strings.TrimSpace(a.Line2),
		City:  strings.TrimSpace(a.City),
		State: strings.ToUpper(strings.TrimSpace(a.State)),
		Zip:   strings.TrimSpace(a.Zip),
	}
}

// Validate reports the first problem with a (normalised) address, or "".
func (a Address) Validate() string {
	switch {
	case a.Line1 == "":
		return "the street address is required"
	case len(a.Line1) > 100 || len(a.Line2) > 100:
		return "street address lines are at most 100 characters"
	case a.City == "":
		return "the city is required"
	case len(a.City) > 50:
		return "the city is at most 50 characters"
	case !usStates[a.State]:
		return "the state must be a two-letter US state or territory code"
	case !zipRE.MatchString(a.Zip):
		return "the ZIP code must be 5 digits or ZIP+4 (12345-6789)"
	}
	return ""
}

// ValidMSISDN reports whether s is a 10-digit NANP number.
func ValidMSISDN(s string) bool { return msisdnR.MatchString(s) }

// FormatMSISDN renders a 10-digit number as (425) 123-4567.
func FormatMSISDN(s string) string {
	if len(s) != 10 {
		return s
	}
	return fmt.Sprintf("(%s) %s-%s", s[:3], s[3:6], s[6:])
}

// Line is one of a subscriber's phone lines.
type Line struct {
	MSISDN  string     `json:"msisdn"`
	Owner   string     `json:"owner"`
	E911    Address    `json:"e911"`
	E911Set *time.Time `json:"e911UpdatedAt,omitempty"`
	// RegStatus is true once the line is registered for Your Number
	// Anywhere telephony services.
	RegStatus    bool       `json:"regStatus"`
	RegisteredAt *time.Time `json:"registeredAt,omitempty"`
	// RegDue is when a registration in progress completes (nil when none is).
	RegDue *time.Time `json:"registrationDue,omitempty"`
	// Processing overrides the scenario's registration processing time.
	Processing time.Duration `json:"processing,omitempty"`
}

// LoginSession is a subscriber who passed the password step of the link
// page and has yet to pick a line.
type LoginSession struct {
	ID          string    `json:"id"`
	ClientID    string    `json:"clientId"`
	RedirectURI string    `json:"redirectUri"`
	Login       string    `json:"login"`
	Expires     time.Time `json:"expires"`
}

// Code is an authorization code.
type Code struct {
	Code        string     `json:"code"`
	ClientID    string     `json:"clientId"`
	RedirectURI string     `json:"redirectUri"`
	Login       string     `json:"login"`
	MSISDN      string     `json:"msisdn"`
	Issued      time.Time  `json:"issued"`
	Expires     time.Time  `json:"expires"`
	UsedAt      *time.Time `json:"usedAt,omitempty"`
}

// Link is a partner client's link to one subscriber line.
type Link struct {
	ID         string     `json:"id"`
	ClientID   string     `json:"clientId"`
	Login      string     `json:"login"`
	MSISDN     string     `json:"msisdn"`
	ChannelURL string     `json:"channelUrl"`
	Created    time.Time  `json:"created"`
	Unlinked   *time.Time `json:"unlinkedAt,omitempty"`
}

// Active reports whether the link has not been unlinked.
func (l *Link) Active() bool { return l.Unlinked == nil }

// Token kinds.
const (
	KindAccess  = "access"
	KindRefresh = "refresh"
)

// Token is an issued access or refresh token.
type Token struct {
	Value    string     `json:"value"`
	Kind     string     `json:"kind"`
	LinkID   string     `json:"linkId"`
	ClientID string     `json:"clientId"`
	Issued   time.Time  `json:"issued"`
	Expires  time.Time  `json:"expires"`
	Revoked  *time.Time `json:"revokedAt,omitempty"`
}

// E911Session is an open change-emergency-address page.
type E911Session struct {
	ID         string    `json:"id"`
	LinkID     string    `json:"linkId"`
	Token      string    `json:"token"`
	SuccessURL string    `json:"successUrl"`
	FailureURL string    `json:"failureUrl,omitempty"`
	Expires    time.Time `json:"expires"`
}
