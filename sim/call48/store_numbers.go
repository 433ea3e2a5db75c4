package call48

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// --- DIDs -----------------------------------------------------------------------

// ListDIDs returns one page of the caller's DIDs of a kind (all kinds when
// kind is empty).
func (s *Store) ListDIDs(c Caller, kind string, page, per int) ([]DID, int, error) {
	kind = strings.ToLower(strings.TrimSpace(kind))
	if _, ok := kindCodes[kind]; !ok && kind != "" {
		return nil, 0, invalid("type", "must be local, toll or intl")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []DID
	for _, id := range sortedKeys(s.d.DIDs) {
		d := s.d.DIDs[id]
		// without a type (as the live service's clients call it) every kind
		if (kind == "" || d.Kind == kind) && s.visibleLocked(c, d.AccountID) {
			all = append(all, *d)
		}
	}
	lo, hi := pageBounds(page, per, len(all))
	return all[lo:hi], len(all), nil
}

// pageBounds is the slice [lo, hi) of n rows that page (from 1) of per rows
// covers; pages past the end are empty.
func pageBounds(page, per, n int) (int, int) {
	if page < 1 {
		page = 1
	}
	if per < 1 {
		per = 10
	}
	lo := n // past the end; a page number so large that (page-1)*per overflows is too
	if page-1 <= n/per {
		lo = (page - 1) * per // at most n
	}
	hi := lo + min(per, n-lo)
	return lo, hi
}

// ReleaseDIDs deletes DIDs by id or number; they go back to the inventory.
func (s *Store) ReleaseDIDs(c Caller, ids []int, numbers []string) (int, error) {
	if len(ids) == 0 && len(numbers) == 0 {
		return 0, errf(400, "id or numbers is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var targets []*DID
	seen := map[int]bool{}
	for _, id := range ids {
		d := s.d.DIDs[id]
		if d == nil || !s.visibleLocked(c, d.AccountID) {
			return 0, errf(404, "DID with id %d not found", id)
		}
		if !seen[id] {
			seen[id] = true
			targets = append(targets, d)
		}
	}
	for _, n := range numbers {
		d := s.didByNumberLocked(c, n)
		if d == nil {
			return 0, errf(404, "DID %s not found", n)
		}
		if !seen[d.ID] {
			seen[d.ID] = true
			targets = append(targets, d)
		}
	}
	now := s.clock.Now()
	for _, d := range targets {
		s.rememberLocked(d, now)
		s.disarmLocked("bill", d.ID)
		delete(s.d.DIDs, d.ID)
		delete(s.byNumber, d.Number)
		inv := d.Inv
		inv.Number = d.Number
		if inv.Kind == "" {
			inv.Kind = d.Kind
		}
		if inv.Kind != KindIntl {
			s.putBackLocked(inv)
		}
		for id, cn := range s.d.Cnams {
			if cn.DIDID == d.ID {
				delete(s.d.Cnams, id)
			}
		}
	}
	return len(targets), nil
}

func (s *Store) didByNumberLocked(c Caller, n string) *DID {
	num := normNumber(n)
	id, ok := s.byNumber[num]
	if !ok {
		id, ok = s.byNumber[strings.TrimPrefix(strings.TrimSpace(n), "+")]
	}
	if !ok {
		return nil
	}
	d := s.d.DIDs[id]
	if d == nil || !s.visibleLocked(c, d.AccountID) {
		return nil
	}
	return d
}

func (s *Store) didLocked(c Caller, number string) (*DID, error) {
	if strings.TrimSpace(number) == "" {
		return nil, missing("number")
	}
	d := s.didByNumberLocked(c, number)
	if d == nil {
		return nil, errf(404, "DID %s not found", number)
	}
	return d, nil
}

// --- features -------------------------------------------------------------------

// Update411 sets a DID's directory listing.
func (s *Store) Update411(c Caller, q map[string]string) error {
	if err := requireAll(q, []string{"number", "enabled", "type", "country", "state", "lstgn", "lstnm", "strt", "locnm", "zip"}); err != nil {
		return err
	}
	en := strings.ToLower(q["enabled"])
	if en != "yes" && en != "no" {
		return invalid("enabled", "must be yes or no")
	}
	typ := strings.ToUpper(q["type"])
	if typ != "RES" && typ != "BIZ" {
		return invalid("type", "must be RES or BIZ")
	}
	if _, known := fx.state(q["state"]); !known {
		return invalid("state", "unknown state code "+q["state"])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.didLocked(c, q["number"])
	if err != nil {
		return err
	}
	p := func(k string) *string { v := q[k]; return &v }
	l := Listing411{Enabled: en, Type: typ, Country: strings.ToUpper(q["country"]), State: p("state"), Zip: p("zip"), Lstgn: p("lstgn"), Lstnm: p("lstnm"), Locnm: p("locnm"), Strt: p("strt")}
	if typ == "BIZ" {
		l.Business = p("lstnm")
	}
	d.Fax411 = l
	return nil
}

// Address is an address to verify or to use for 911.
type Address struct {
	Country, State, Name, StreetNumber, StreetName, City, Zipcode, Location string
}

// VerifyAddress validates an address deterministically (see docs): it fails
// when the country is not US, the state is unknown, the street number has no
// digit, the ZIP code is not 5 digits (or is 00000), is not in the state (by
// its 3-digit prefix), or the street name says it is invalid.
func VerifyAddress(a Address) error {
	f := map[string]string{"country": a.Country, "state": a.State, "name": a.Name, "streetnumber": a.StreetNumber, "streetname": a.StreetName, "city": a.City, "zipcode": a.Zipcode}
	if err := requireAll(f, []string{"country", "state", "name", "streetnumber", "streetname", "city", "zipcode"}); err != nil {
		return err
	}
	bad := func(why string) error { return errf(400, "Address validation failed: %s", why) }
	if !strings.EqualFold(a.Country, "US") && !strings.EqualFold(a.Country, "USA") {
		return bad("only US addresses can be validated")
	}
	if _, ok := fx.state(a.State); !ok {
		return bad("unknown state " + a.State)
	}
	if !strings.ContainsAny(a.StreetNumber, "0123456789") {
		return bad("street number not found")
	}
	z := strings.TrimSpace(a.Zipcode)
	if len(z) == 10 && z[5] == '-' && isDigits(z[6:]) {
		z = z[:5] // ZIP+4
	}
	if len(z) != 5 || !isDigits(z) || z == "00000" {
		return bad("invalid zip code " + a.Zipcode)
	}
	st, _ := fx.state(a.State)
	switch zs := zipState(z); {
	case zs == "":
		return bad("zip code " + z + " is not a US state's")
	case zs != st.StateCode:
		return bad(fmt.Sprintf("zip code %s is in %s, not %s", z, zs, st.StateCode))
	}
	ln := strings.ToLower(a.StreetName)
	if strings.Contains(ln, "invalid") || strings.Contains(ln, "nowhere") {
		return bad("street not found in " + a.City)
	}
	return nil
}

// Update911 sets a DID's emergency address (validated as by verifyaddress)
// and returns the 911 record id.
func (s *Store) Update911(c Caller, q map[string]string) (string, error) {
	if err := requireAll(q, []string{"number", "enabled"}); err != nil {
		return "", err
	}
	en := strings.ToLower(q["enabled"])
	if en != "yes" && en != "no" {
		return "", invalid("enabled", "must be yes or no")
	}
	if en == "yes" {
		if err := VerifyAddress(Address{Country: q["country"], State: q["state"], Name: q["name"], StreetNumber: q["streetnumber"], StreetName: q["streetname"], City: q["city"], Zipcode: q["zipcode"]}); err != nil {
			return "", err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.didLocked(c, q["number"])
	if err != nil {
		return "", err
	}
	if d.Kind == KindIntl {
		return "", errf(400, "911 is only available for US numbers")
	}
	d.E911 = E911{Enabled: en, Country: strings.ToUpper(q["country"]), State: strings.ToUpper(q["state"]), Zipcode: q["zipcode"],
		BusinessName: q["name"], Address: q["addresstypenumber"], StreetName: q["streetname"], StreetNumber: q["streetnumber"], City: q["city"]}
	if d.E911ID == "" {
		d.E911ID = strconv.Itoa(s.next("e911", 20312025))
	}
	return d.E911ID, nil
}

// FaxUpdate is POST /update_fax.
type FaxUpdate struct {
	Number, Service, Email, Serial string
}

// UpdateFax sets fax-to-email for a DID and returns the fax id.
func (s *Store) UpdateFax(c Caller, u FaxUpdate) (string, error) {
	if strings.TrimSpace(u.Number) == "" {
		return "", missing("number")
	}
	svc := strings.TrimSpace(u.Service)
	if svc == "" {
		return "", missing("service")
	}
	if svc != "0" && svc != "1" && svc != "2" && svc != "3" {
		return "", invalid("service", "must be 0 (disable), 1 (inbound), 2 (in and outbound) or 3 (fax ATA)")
	}
	if svc != "0" && !strings.Contains(u.Email, "@") {
		if u.Email == "" {
			return "", missing("email")
		}
		return "", invalid("email", "not an email address")
	}
	if svc == "3" && strings.TrimSpace(u.Serial) == "" {
		return "", errf(400, "serial is required when service is 3 (Fax ATA)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.didLocked(c, u.Number)
	if err != nil {
		return "", err
	}
	if svc == "0" {
		d.Fax = false
		d.FaxData = FaxData{Service: ""}
		return "0", nil
	}
	id := strconv.Itoa(s.next("fax", 1234566))
	d.Fax = true
	fd := FaxData{Service: svc, Email: strPtr(u.Email), GUID: strPtr(s.uuidLocked())}
	if svc == "3" {
		fd.Serial = strPtr(u.Serial)
	}
	d.FaxData = fd
	return id, nil
}

// ForwardingUpdate is POST /update_forwarding.
type ForwardingUpdate struct {
	Number, Sequence, Product, AnsweringMode, SipDigits, Username, Password string
	Method, Num, Timeout, Sip                                               [3]string
	FwdTrunkGrpID                                                           *int
}

var fwdMethods = map[string]bool{"": true, "preconfigured": true, "simple": true, "ip": true, "trunk": true}

// ForwardingResult says which platform answered.
type ForwardingResult struct {
	Platform string
	Login    string
	Product  string
	Account  int
}

// forwardingResult is what a routing change answers for d: its platform and,
// on PortaOne, the login, product and account behind it.
func forwardingResult(d *DID) *ForwardingResult {
	res := &ForwardingResult{Platform: d.Platform}
	if d.Platform == PlatformPorta {
		res.Login = "1" + d.Number
		if d.Kind == KindIntl {
			res.Login = d.Number
		}
		res.Product = strconv.Itoa(d.PortaPRID)
		res.Account = d.PortaAID
	}
	return res
}

// UpdateForwarding validates and stores a DID's routing.
func (s *Store) UpdateForwarding(c Caller, u ForwardingUpdate) (*ForwardingResult, error) {
	if strings.TrimSpace(u.Number) == "" {
		return nil, missing("number")
	}
	mode := strings.TrimSpace(u.AnsweringMode)
	if mode == "" && u.FwdTrunkGrpID != nil && u.Method == [3]string{} && strings.TrimSpace(u.Sequence) == "" {
		// The document's OD form: {"number", "fwd_trunk_grpid"} routes the
		// number to a trunk group and leaves the rest of its routing alone.
		return s.routeToTrunk(c, u.Number, *u.FwdTrunkGrpID)
	}
	if mode == "" {
		return nil, missing("answeringmode")
	}
	am, err := strconv.Atoi(mode)
	if err != nil || am < 0 || am > 7 {
		return nil, invalid("answeringmode", "must be 0 to 7")
	}
	seq := strings.TrimSpace(u.Sequence)
	switch strings.ToLower(seq) {
	case "", "order", "simultaneous", "random":
	default:
		return nil, invalid("sequence", "must be Order, Simultaneous or Random")
	}
	switch u.SipDigits {
	case "", "NA", "11", "10":
	default:
		return nil, invalid("sipdigits", "must be 11 or 10")
	}
	for i := 0; i < 3; i++ {
		m := strings.ToLower(strings.TrimSpace(u.Method[i]))
		u.Method[i] = m
		f := func(n string) string { return fmt.Sprintf("%s%d", n, i+1) }
		if !fwdMethods[m] {
			return nil, invalid(f("method"), `must be "", preconfigured, simple, ip or trunk`)
		}
		if m != "" && m != "preconfigured" {
			if t := strings.TrimSpace(u.Timeout[i]); t != "" {
				if n, err := strconv.Atoi(t); err != nil || n < 1 || n > 999 {
					return nil, invalid(f("timeout"), "seconds between 1 and 999")
				}
			} else {
				return nil, errf(400, "%s is required when %s is %s", f("timeout"), f("method"), m)
			}
		}
		switch m {
		case "simple":
			if n := normNumber(u.Num[i]); len(n) < 10 {
				return nil, errf(400, "%s must be a phone number when %s is simple", f("number"), f("method"))
			}
		case "ip":
			if _, _, err := parseTrunkIP(u.Sip[i]); err != nil {
				return nil, errf(400, "%s must be an IP address when %s is ip", f("sip"), f("method"))
			}
		case "trunk":
			if strings.TrimSpace(u.Username) == "" {
				return nil, errf(400, "username is required when %s is trunk", f("method"))
			}
		}
	}
	if u.Method[0] == "" && (am == 2 || am == 3 || am == 6 || am == 7) {
		return nil, errf(400, "method1 is required for answering mode %d", am)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.didLocked(c, u.Number)
	if err != nil {
		return nil, err
	}
	if u.FwdTrunkGrpID != nil {
		if d.Platform != PlatformOD {
			return nil, errTrunkOnlyOD(d.Number)
		}
		if err := s.checkTrunkLocked(c, *u.FwdTrunkGrpID); err != nil {
			return nil, err
		}
	}
	fw := d.Fwd
	fw.Method1, fw.Method2, fw.Method3 = u.Method[0], u.Method[1], u.Method[2]
	fw.Number1, fw.Number2, fw.Number3 = u.Num[0], u.Num[1], u.Num[2]
	fw.Timeout1, fw.Timeout2, fw.Timeout3 = u.Timeout[0], u.Timeout[1], u.Timeout[2]
	fw.Sip1, fw.Sip2, fw.Sip3 = u.Sip[0], u.Sip[1], u.Sip[2]
	fw.AnsweringMode, fw.Sequence = am, seq
	if u.SipDigits != "" {
		fw.SipDigits = u.SipDigits
	}
	if u.Username != "" {
		fw.Username = u.Username
	}
	if u.Password != "" {
		fw.Password = u.Password
	}
	if u.FwdTrunkGrpID != nil {
		fw.FwdTrunkGrpID = u.FwdTrunkGrpID
	}
	if p, err := strconv.Atoi(strings.TrimSpace(u.Product)); err == nil && d.Platform == PlatformPorta {
		fw.Product = p
		d.PortaPRID = p
	}
	d.Fwd = fw
	return forwardingResult(d), nil
}

// errTrunkOnlyOD refuses a trunk group for a PortaOne number: the document
// says fwd_trunk_grpid is "only applicable to OD numbers".
func errTrunkOnlyOD(number string) *Error {
	return errf(400, "fwd_trunk_grpid is only applicable to OD numbers; %s is not an OD number", number)
}

// routeToTrunk points a DID at one of the caller's trunk groups (by ext_tgid).
func (s *Store) routeToTrunk(c Caller, number string, ext int) (*ForwardingResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.didLocked(c, number)
	if err != nil {
		return nil, err
	}
	if d.Platform != PlatformOD {
		return nil, errTrunkOnlyOD(d.Number)
	}
	if err := s.checkTrunkLocked(c, ext); err != nil {
		return nil, err
	}
	v := ext
	d.Fwd.FwdTrunkGrpID = &v
	return forwardingResult(d), nil
}

// CnamCreate is POST /did/create-cnam.
type CnamCreate struct {
	Status        *bool
	Type          string
	DisplayName   string
	DisplayNumber string
	DIDID         int
}

// CreateCnam attaches caller-name display to a DID.
func (s *Store) CreateCnam(c Caller, in CnamCreate) (*Cnam, error) {
	if in.DIDID == 0 {
		return nil, missing("did_id")
	}
	typ := strings.ToUpper(strings.TrimSpace(in.Type))
	if typ == "" {
		typ = "RES"
	}
	if typ != "RES" && typ != "BIZ" {
		return nil, invalid("cnam_type", "must be RES or BIZ")
	}
	name := strings.TrimSpace(in.DisplayName)
	if name == "" {
		return nil, missing("display_name")
	}
	if len(name) > 32 {
		return nil, invalid("display_name", "at most 32 characters")
	}
	status := true
	if in.Status != nil {
		status = *in.Status
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.d.DIDs[in.DIDID]
	if d == nil || !s.visibleLocked(c, d.AccountID) {
		return nil, errf(404, "DID with id %d not found", in.DIDID)
	}
	if err := s.chargeLocked(d.AccountID, s.cfg.cnamPrice(), "CNAM"); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	cn := &Cnam{ID: s.next("cnam", 6719), DIDID: d.ID, Status: status, Type: typ, DisplayName: name, DisplayNumber: in.DisplayNumber, InvoiceID: s.next("invoice", 732), CreatedAt: now}
	for id, old := range s.d.Cnams {
		if old.DIDID == d.ID {
			delete(s.d.Cnams, id)
		}
	}
	s.d.Cnams[cn.ID] = cn
	d.CnamLookup = map[bool]string{true: "yes", false: "no"}[status]
	d.CnamName, d.CnamType = strPtr(name), typ
	if in.DisplayNumber != "" {
		d.CnamNumber = strPtr(in.DisplayNumber)
	}
	return cn, nil
}

// parseTrunkIP reads "10.0.0.1" or "10.0.0.1:5060".
func parseTrunkIP(raw string) (string, int, error) {
	raw = strings.TrimSpace(raw)
	host, port := raw, 5060
	if h, p, err := net.SplitHostPort(raw); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, fmt.Errorf("invalid port in %q", raw)
		}
		host, port = h, n
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() == nil {
		return "", 0, fmt.Errorf("invalid IP address %q", raw)
	}
	return ip.String(), port, nil
}
