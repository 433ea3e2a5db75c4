package call48

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Money is an amount in units of 0.00001 (the API prints five decimals).
type Money int64

// String prints the amount with five decimals ("2.00000").
func (m Money) String() string {
	var buf [32]byte
	b := buf[:0]
	if m < 0 {
		b, m = append(b, '-'), -m
	}
	if m < 0 { // the most negative amount has no positive twin
		return fmt.Sprintf("-%d.%05d", int64(m)/100000, int64(m)%100000)
	}
	b = strconv.AppendInt(b, int64(m)/100000, 10)
	b = append(b, '.')
	frac := int64(m) % 100000
	for d := int64(10000); d > 0; d /= 10 {
		b = append(b, byte('0'+frac/d%10))
	}
	return string(b)
}

// moneyTexts remembers the text of the last few amounts printed, for an
// answer whose rows repeat a few prices.
type moneyTexts struct {
	amounts [4]Money
	texts   [4]string
	n       int
}

func (t *moneyTexts) text(m Money) string {
	for i := 0; i < t.n; i++ {
		if t.amounts[i] == m {
			return t.texts[i]
		}
	}
	s := m.String()
	if t.n < len(t.amounts) {
		t.amounts[t.n], t.texts[t.n] = m, s
		t.n++
	}
	return s
}

// ParseMoney reads "40", "40.5" or "40.00000".
func ParseMoney(s string) (Money, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || len(frac) > 5 || w > 1e9 {
		return 0, fmt.Errorf("invalid amount %q", s)
	}
	for _, c := range frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("invalid amount %q", s)
		}
	}
	frac += strings.Repeat("0", 5-len(frac))
	f, _ := strconv.ParseInt(frac, 10, 64)
	m := Money(w*100000 + f)
	if neg {
		m = -m
	}
	return m, nil
}

// MarshalText prints the amount as a decimal string.
func (m Money) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads a decimal string.
func (m *Money) UnmarshalText(b []byte) error {
	v, err := ParseMoney(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Account is a Call48 login: a reseller/account, a sub-customer (ParentID set)
// or an SP admin.
type Account struct {
	ID                 int       `json:"id"`
	Username           string    `json:"username"`
	Password           string    `json:"password"`
	Admin              bool      `json:"admin,omitempty"`
	ParentID           int       `json:"parentId,omitempty"`
	Balance            Money     `json:"balance"`
	FirstName          string    `json:"firstname"`
	LastName           string    `json:"lastname"`
	Company            string    `json:"company"`
	Email              string    `json:"email"`
	Phone              string    `json:"phone"`
	Address            string    `json:"address,omitempty"`
	Address2           string    `json:"address2,omitempty"`
	City               string    `json:"city,omitempty"`
	State              string    `json:"state,omitempty"`
	Zip                string    `json:"zip,omitempty"`
	Country            string    `json:"country,omitempty"`
	Salutation         string    `json:"salutation,omitempty"`
	Currency           string    `json:"currency"`
	Bcc                string    `json:"bcc,omitempty"`
	PortaClass         int       `json:"portaClass,omitempty"`
	CreditLimit        Money     `json:"creditLimit"`
	CreditLimitWarning Money     `json:"creditLimitWarning"`
	Status             string    `json:"status"` // approved | pending
	CreatedAt          time.Time `json:"createdAt"`
	// Porta-side settings changed by limitsimulcalls, callparking, rtp, paging, discountplan.
	LimitSimulCalls  string `json:"limitSimulCalls,omitempty"`
	SimulMaxCallsIn  int    `json:"simulMaxCallsIn,omitempty"`
	SimulMaxCallsOut int    `json:"simulMaxCallsOut,omitempty"`
	SimulMaxCalls    int    `json:"simulMaxCalls,omitempty"`
	CallParking      string `json:"callParking,omitempty"`
	RTP              string `json:"rtp,omitempty"`
	Paging           string `json:"paging,omitempty"`
	DiscountPlans    []int  `json:"discountPlans,omitempty"`
	PortaCID         int    `json:"portaCid"`
	ODCustID         int    `json:"odCustId"`
}

// Number kinds.
const (
	KindLocal = "local"
	KindToll  = "toll"
	KindIntl  = "intl"
)

// Platforms a number is provisioned on; they answer forwarding updates differently.
const (
	PlatformOD    = "OD"
	PlatformPorta = "Porta"
)

// InvNumber is a number in the inventory, free to buy.
type InvNumber struct {
	Number      string `json:"number"` // 10 digits (NANP) or full international digits
	Kind        string `json:"kind"`
	State       string `json:"state,omitempty"`
	RateCenter  string `json:"rateCenter,omitempty"`
	FootprintID int    `json:"footprintId,omitempty"`
	LATA        string `json:"lata,omitempty"`
	Platform    string `json:"platform"`
	Fax         bool   `json:"fax"`
	Tier        int    `json:"tier"`
	Vendor      int    `json:"vendor,omitempty"` // the carrier behind it: 1 or 4 (OD), 2 (PortaOne)
	InvID       int    `json:"invId"`
	Country     string `json:"country,omitempty"`
	OfferID     string `json:"offerId,omitempty"`
}

// IntlOffer is a purchasable international number block (a city of a country).
type IntlOffer struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Prefix       string   `json:"prefix"`
	Country      string   `json:"country"` // ISO alpha-2
	Features     []string `json:"features"`
	Requirements bool     `json:"requirements"`
	Available    int      `json:"available"`
	Setup        string   `json:"setup"`
	Monthly      string   `json:"monthly"`
	Next         int      `json:"next"` // counter for generated subscriber numbers
}

// E911 is a DID's emergency address.
type E911 struct {
	Enabled      string `json:"enabled"`
	Country      string `json:"country"`
	State        string `json:"state"`
	Zipcode      string `json:"zipcode"`
	BusinessName string `json:"businessname"`
	Address      string `json:"address"`
	StreetName   string `json:"streetname"`
	StreetNumber string `json:"streetnumber"`
	City         string `json:"city,omitempty"`
	ID           string `json:"-"`
}

// Listing411 is a DID's directory listing.
type Listing411 struct {
	Enabled  string  `json:"enabled"`
	Type     string  `json:"type"`
	Country  string  `json:"country"`
	State    *string `json:"state"`
	Zip      *string `json:"zip"`
	Lstgn    *string `json:"lstgn"`
	Lstnm    *string `json:"lstnm"`
	Business *string `json:"business"`
	Locnm    *string `json:"locnm"`
	Strt     *string `json:"strt"`
}

// FaxData is a DID's fax-to-email setting ("servive" is the API's spelling).
type FaxData struct {
	Service string  `json:"servive"`
	Email   *string `json:"email"`
	Serial  *string `json:"serial"`
	GUID    *string `json:"guid"`
}

// Forwarding is a DID's routing.
type Forwarding struct {
	Method1       string `json:"method1"`
	Method2       string `json:"method2"`
	Method3       string `json:"method3"`
	Timeout1      string `json:"timeout1"`
	Timeout2      string `json:"timeout2"`
	Timeout3      string `json:"timeout3"`
	Sip1          string `json:"sip1"`
	Sip2          string `json:"sip2"`
	Sip3          string `json:"sip3"`
	Number1       string `json:"number1"`
	Number2       string `json:"number2"`
	Number3       string `json:"number3"`
	Username      string `json:"username,omitempty"`
	Password      string `json:"password"`
	FwdTrunkGrpID *int   `json:"fwd_trunk_grpid"`
	SipDigits     string `json:"sipdigits"`
	AnsweringMode int    `json:"answeringmode"`
	Sequence      string `json:"sequence"`
	Product       int    `json:"product"`
}

// DID is a number an account owns.
type DID struct {
	ID         int        `json:"id"`
	Number     string     `json:"number"`
	Kind       string     `json:"kind"`
	AccountID  int        `json:"accountId"`
	State      string     `json:"state,omitempty"`
	RateCenter string     `json:"rateCenter,omitempty"`
	LATA       string     `json:"lata,omitempty"`
	Country    string     `json:"country,omitempty"`
	Platform   string     `json:"platform"`
	PortaAID   int        `json:"portaAid,omitempty"`
	PortaPRID  int        `json:"portaPrid,omitempty"`
	Fax        bool       `json:"fax"`
	Tags       string     `json:"tags,omitempty"`
	RTP        string     `json:"rtp"`
	Status     string     `json:"status"`
	Source     string     `json:"source"` // purchase | bulk | port | seed
	CreatedAt  time.Time  `json:"createdAt"`
	CnamLookup string     `json:"cnamLookup"`
	CnamName   *string    `json:"cnamName"`
	CnamNumber *string    `json:"cnamNumber"`
	CnamType   string     `json:"cnamType"`
	E911       E911       `json:"e911"`
	E911ID     string     `json:"e911Id,omitempty"`
	Fax411     Listing411 `json:"listing411"`
	FaxData    FaxData    `json:"faxData"`
	Fwd        Forwarding `json:"forwarding"`
	Inv        InvNumber  `json:"inv"`               // what goes back to the inventory on release
	Monthly    Money      `json:"monthly"`           // the recurring fee, charged every month on the clock
	NextBill   time.Time  `json:"nextBill,omitzero"` // when it is next charged
	// ActivatedAt is when a number that waited for its documents (status
	// PENDING) went into service; calls and fees start then.
	ActivatedAt time.Time `json:"activatedAt,omitzero"`
}

// Holding is a past ownership of a number: the calls it had stay in the
// call records after the number was released.
type Holding struct {
	Number    string    `json:"number"`
	Kind      string    `json:"kind"`
	AccountID int       `json:"accountId"`
	State     string    `json:"state,omitempty"`
	PortaAID  int       `json:"portaAid,omitempty"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
}

// Cnam is a CNAM record created with did/create-cnam.
type Cnam struct {
	ID            int       `json:"id"`
	DIDID         int       `json:"didId"`
	Status        bool      `json:"status"`
	Type          string    `json:"type"`
	DisplayName   string    `json:"displayName"`
	DisplayNumber string    `json:"displayNumber"`
	InvoiceID     int       `json:"invoiceId"`
	CreatedAt     time.Time `json:"createdAt"`
}

// TrunkIP is one address of a trunk group.
type TrunkIP struct {
	IP   string `json:"ip"`
	Port int    `json:"port"`
}

// Trunk is an OD trunk group.
type Trunk struct {
	ID        int       `json:"id"`
	ExtTGID   int       `json:"extTgid"`
	AccountID int       `json:"accountId"`
	Name      string    `json:"name"`
	RouteType string    `json:"routeType"`
	NumFormat string    `json:"numFormat"`
	CliType   string    `json:"cliType"`
	Prefix    *string   `json:"prefix"`
	IPs       []TrunkIP `json:"ips"`
	OrderNo   string    `json:"orderNo"`
	Status    string    `json:"status"` // queued | active
	ActiveAt  time.Time `json:"activeAt"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Bulk order statuses.
const (
	BulkQueued     = "Q"
	BulkProcessing = "P"
	BulkComplete   = "C"
	BulkError      = "E"
)

// BulkLine is one search criterion of a bulk order and what it got.
type BulkLine struct {
	State      string   `json:"state,omitempty"`
	LATA       string   `json:"lata,omitempty"`
	NPA        string   `json:"npa,omitempty"`
	RateCenter string   `json:"rateCenter,omitempty"`
	Quantity   int      `json:"quantity"`
	Numbers    []string `json:"numbers"`
}

// BulkOrder is a local bulk purchase order.
type BulkOrder struct {
	ID            int        `json:"id"`
	OrderNo       string     `json:"orderNo"`
	AccountID     int        `json:"accountId"`
	OrderType     string     `json:"orderType"`
	FwdTrunkGrpID int        `json:"fwdTrunkGrpid"`
	CnamDip       bool       `json:"cnamDip"`
	AllowOffnet   bool       `json:"allowOffnet"`
	Tag           string     `json:"tag,omitempty"`
	Notes         *string    `json:"notes"`
	Status        string     `json:"status"`
	Reason        string     `json:"reason,omitempty"`
	Lines         []BulkLine `json:"lines"`
	CreatedAt     time.Time  `json:"createdAt"`
	NextAt        time.Time  `json:"nextAt"`
}

// Port-in sub-order (port proposal) statuses.
const (
	PortSubmitted = "submitted"
	PortReviewed  = "reviewed"
	PortFOC       = "foc_received"
	PortActivated = "activated"
	PortRetry     = "retry"
	PortCancelled = "cancelled"
)

// PortDetail is the customer/address information of a port request.
type PortDetail struct {
	ID                      int       `json:"id"`
	CustAccName             string    `json:"cust_acc_name"`
	CustAuthorizedName      string    `json:"cust_authorized_name"`
	CustAccType             string    `json:"cust_acc_type"`
	CustAccNumber           *string   `json:"cust_acc_number"`
	CustAccPin              *string   `json:"cust_acc_pin"`
	ActivationType          string    `json:"activation_type"`
	AddressDirectionPrefix  *string   `json:"address_direction_prefix"`
	AddressDirectionSuffix  *string   `json:"address_direction_suffix"`
	AddressStreetNameSuffix *string   `json:"address_street_name_suffix"`
	AddressStreetName       string    `json:"address_street_name"`
	AddressNumber           string    `json:"address_number"`
	AddressLocValue         *string   `json:"address_loc_value"`
	AddressLocDesignator    string    `json:"address_loc_designator"`
	City                    string    `json:"city"`
	PostalCode              *string   `json:"postal_code"`
	DesiredFOC              time.Time `json:"desired_foc_date"`
	BTN                     string    `json:"btn"`
	State                   string    `json:"state"`
	ActivationDate          time.Time `json:"activation_date"`
	EmailUpdates            *string   `json:"email_updates"`
	Notes                   *string   `json:"notes"`
	Tags                    *string   `json:"tags"`
	LOAFile                 *string   `json:"loa_file"`
	BillFile                *string   `json:"bill_file"`
	CSRFile                 *string   `json:"csr_file"`
}

// PortForwarding is one forwarding step of a port request.
type PortForwarding struct {
	ForwardingTypeID int       `json:"forwarding_type_id"`
	Sequence         int       `json:"sequence"`
	Method           string    `json:"method"`
	Value            string    `json:"value"`
	Timeout          int       `json:"timeout"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// PortDID is one number of a sub-order.
type PortDID struct {
	Number         string    `json:"number"`
	LRN            string    `json:"lrn"`
	Status         string    `json:"status"`
	Tags           *string   `json:"tags"`
	ActivationType string    `json:"activationType"`
	ActivationDate time.Time `json:"activationDate"`
}

// Proposal is a port-in sub-order: the numbers of one losing carrier.
type Proposal struct {
	ID            int         `json:"id"`
	PortReqID     int         `json:"portReqId"`
	Status        string      `json:"status"`
	CreatedAt     time.Time   `json:"createdAt"`
	ResubmittedAt *time.Time  `json:"resubmittedAt"`
	FOCDate       *time.Time  `json:"focDate"`
	FailureReason *string     `json:"failureReason"`
	OrderStatus   string      `json:"orderStatus"`
	OrderID       string      `json:"orderId"`
	LosingSP      string      `json:"losingSp"`
	Detail        *PortDetail `json:"detail"` // sub-order level detail, when updated separately
	DIDs          []PortDID   `json:"dids"`
	NextAt        time.Time   `json:"nextAt"`
	Rejected      bool        `json:"rejected,omitempty"` // already rejected once (a rule rejects only the first submission)
}

// PortRequest is a master port-in request.
type PortRequest struct {
	ID             int              `json:"id"`
	AccountID      int              `json:"accountId"`
	DidType        string           `json:"didType"` // LCL | TF | INTL
	Detail         PortDetail       `json:"detail"`
	CreatedAt      time.Time        `json:"createdAt"`
	ImportFromFile *string          `json:"importFromFile"`
	FwdPreconf     bool             `json:"fwdPreconfigured"`
	FwdTrunkGrpID  *int             `json:"fwdTrunkGrpid"`
	FwdSipType     string           `json:"fwdSipType"`
	FwdOrder       string           `json:"fwdOrder"`
	FwdAnswerMode  string           `json:"fwdAnsweringMode"`
	FwdDevicePass  *string          `json:"fwdDevicePassword"`
	Forwardings    []PortForwarding `json:"forwardings"`
	Proposals      []int            `json:"proposals"`
}

// DiscountPlan is a Porta volume discount plan.
type DiscountPlan struct {
	ID          int    `json:"i_vd_plan"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Shared      string `json:"shared"`
}

var didTypeIDs = map[string]int{"LCL": 1, "TF": 2, "INTL": 3}
var didTypeNames = map[string]string{"LCL": "Local", "TF": "Toll Free", "INTL": "International"}
