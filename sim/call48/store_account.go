package call48

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"time"
)

// --- trunk groups -------------------------------------------------------------------

// TrunkInput is POST /trunkgrp/create and PUT /trunkgrp/update.
type TrunkInput struct {
	ID                                  *int
	Name, RouteType, NumFormat, CliType *string
	Prefix                              *string
	IPs                                 []string
	Deleted                             []string
}

func checkTrunkOpts(in TrunkInput) error {
	if in.RouteType != nil && *in.RouteType != "RR" && *in.RouteType != "TD" {
		return invalid("route_type", "must be RR (RoundRobin) or TD (TopDown)")
	}
	if in.NumFormat != nil && *in.NumFormat != "e164" && *in.NumFormat != "11" && *in.NumFormat != "10" {
		return invalid("num_format", "must be e164, 11 or 10")
	}
	if in.CliType != nil && *in.CliType != "paid" && *in.CliType != "rpid" {
		return invalid("cli_type", "must be paid or rpid")
	}
	return nil
}

func parseIPs(raw []string, field string) ([]TrunkIP, error) {
	var out []TrunkIP
	for i, r := range raw {
		ip, port, err := parseTrunkIP(r)
		if err != nil {
			return nil, invalid(fmt.Sprintf("%s[%d].ip_address", field, i), err.Error())
		}
		out = append(out, TrunkIP{IP: ip, Port: port})
	}
	return out, nil
}

func (s *Store) newTrunkLocked(a *Account, name, route, format, cli string, prefix *string, ips []TrunkIP, now time.Time) *Trunk {
	t := &Trunk{ID: s.next("trunk", 10), ExtTGID: s.next("ext_tgid", 52609), AccountID: a.ID, Name: name, RouteType: route,
		NumFormat: format, CliType: cli, Prefix: prefix, IPs: ips, OrderNo: "newTG-4205" + s.randAlnum(14), Status: "queued",
		ActiveAt: now.Add(s.cfg.trunkAct()), CreatedAt: now, UpdatedAt: now}
	s.d.Trunks[t.ID] = t
	return t
}

// CreateTrunk creates a trunk group, queued until the clock activates it.
func (s *Store) CreateTrunk(c Caller, in TrunkInput) (*Trunk, error) {
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return nil, missing("trunk_name")
	}
	if len(in.IPs) == 0 {
		return nil, missing("trunk_ips")
	}
	if err := checkTrunkOpts(in); err != nil {
		return nil, err
	}
	ips, err := parseIPs(in.IPs, "trunk_ips")
	if err != nil {
		return nil, err
	}
	if d := dupIP(ips); d != "" {
		return nil, errf(400, "Duplicate IP address %s", d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.accountLocked(c)
	if err != nil {
		return nil, err
	}
	t := s.newTrunkLocked(a, strings.TrimSpace(*in.Name), deref(in.RouteType, "RR"), deref(in.NumFormat, "e164"), deref(in.CliType, "paid"), in.Prefix, ips, s.clock.Now())
	s.armLocked("trunk", t.ID, t.ActiveAt)
	cp := *t
	return &cp, nil
}

func deref(p *string, def string) string {
	if p == nil || *p == "" {
		return def
	}
	return *p
}

func dupIP(ips []TrunkIP) string {
	seen := map[string]bool{}
	for _, ip := range ips {
		k := fmt.Sprintf("%s:%d", ip.IP, ip.Port)
		if seen[k] {
			return k
		}
		seen[k] = true
	}
	return ""
}

// UpdateTrunk changes a trunk group, adding trunk_ips and removing deleted_ips.
func (s *Store) UpdateTrunk(c Caller, in TrunkInput) error {
	if in.ID == nil {
		return missing("trunk_grpid")
	}
	if err := checkTrunkOpts(in); err != nil {
		return err
	}
	add, err := parseIPs(in.IPs, "trunk_ips")
	if err != nil {
		return err
	}
	del, err := parseIPs(in.Deleted, "deleted_ips")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.d.Trunks[*in.ID]
	if t == nil || !s.visibleLocked(c, t.AccountID) {
		return errf(404, "Trunk group %d not found", *in.ID)
	}
	ips := append([]TrunkIP{}, t.IPs...)
	for i, d := range del {
		idx := -1
		for j, ip := range ips {
			if ip.IP == d.IP && (ip.Port == d.Port || !strings.Contains(in.Deleted[i], ":")) {
				idx = j
				break
			}
		}
		if idx < 0 {
			return errf(400, "IP %s is not part of trunk group %d", in.Deleted[i], t.ID)
		}
		ips = append(ips[:idx], ips[idx+1:]...)
	}
	ips = append(ips, add...)
	if d := dupIP(ips); d != "" {
		return errf(400, "Duplicate IP address %s", d)
	}
	if len(ips) == 0 {
		return errf(400, "A trunk group needs at least one IP address")
	}
	t.IPs = ips
	if in.Name != nil && *in.Name != "" {
		t.Name = *in.Name
	}
	t.RouteType = deref(in.RouteType, t.RouteType)
	t.NumFormat = deref(in.NumFormat, t.NumFormat)
	t.CliType = deref(in.CliType, t.CliType)
	if in.Prefix != nil {
		t.Prefix = in.Prefix
	}
	t.UpdatedAt = s.clock.Now()
	return nil
}

// ListTrunks returns one page of the caller's trunk groups.
func (s *Store) ListTrunks(c Caller, page, limit int) ([]Trunk, []string, int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []Trunk
	var owners []string
	for _, id := range sortedKeys(s.d.Trunks) {
		t := s.d.Trunks[id]
		if s.visibleLocked(c, t.AccountID) {
			all = append(all, *t)
			owners = append(owners, s.d.Accounts[t.AccountID].Username)
		}
	}
	lo, hi := pageBounds(page, limit, len(all))
	return all[lo:hi], owners[lo:hi], len(all)
}

func (s *Store) trunkByExtLocked(c Caller, ext int) *Trunk {
	for _, t := range s.d.Trunks {
		if t.ExtTGID == ext && s.visibleLocked(c, t.AccountID) {
			return t
		}
	}
	return nil
}

// checkTrunkLocked fails unless the caller can see a trunk group with this
// ext_tgid.
func (s *Store) checkTrunkLocked(c Caller, ext int) error {
	if s.trunkByExtLocked(c, ext) == nil {
		return errf(400, "Invalid fwd_trunk_grpid %d: no trunk group with this ext_tgid", ext)
	}
	return nil
}

// --- customers and accounts ---------------------------------------------------------

// CustomerInput is PUT /customers and POST /signup.
type CustomerInput struct {
	PortaClass, CreditLimit, CreditLimitWarning                                        string
	Username, Password, ConfirmPassword, Email, Salutation, FirstName, LastName        string
	Company, Address, Address2, City, State, Zip, Country, Currency, Bcc, Phone, Terms string
}

// ListCustomers lists the caller's sub-customers (every account for an SP admin).
func (s *Store) ListCustomers(c Caller) []Account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Account
	for _, id := range sortedKeys(s.d.Accounts) {
		a := s.d.Accounts[id]
		if !a.Admin && a.ID != c.AccountID && s.visibleLocked(c, a.ID) {
			out = append(out, *a)
		}
	}
	return out
}

func requireAll(fields map[string]string, order []string) error {
	for _, k := range order {
		if strings.TrimSpace(fields[k]) == "" {
			return missing(k)
		}
	}
	return nil
}

// CreateCustomer adds a sub-customer under the caller.
func (s *Store) CreateCustomer(c Caller, in CustomerInput) (*Account, error) {
	f := map[string]string{"portaClass": in.PortaClass, "username": in.Username, "creditLimit": in.CreditLimit, "creditLimitWarning": in.CreditLimitWarning,
		"email": in.Email, "password": in.Password, "salutation": in.Salutation, "firstname": in.FirstName, "lastname": in.LastName,
		"address": in.Address, "city": in.City, "zip": in.Zip, "country": in.Country, "portaCurrency": in.Currency, "portaBcc": in.Bcc}
	if err := requireAll(f, []string{"portaClass", "username", "creditLimit", "creditLimitWarning", "email", "password", "salutation", "firstname", "lastname", "address", "city", "zip", "country", "portaCurrency", "portaBcc"}); err != nil {
		return nil, err
	}
	pc, err := strconv.Atoi(in.PortaClass)
	if err != nil {
		return nil, invalid("portaClass", "must be a number")
	}
	cl, err1 := ParseMoney(in.CreditLimit)
	cw, err2 := ParseMoney(in.CreditLimitWarning)
	if err1 != nil || err2 != nil {
		return nil, invalid("creditLimit", "must be a number")
	}
	if !strings.Contains(in.Email, "@") {
		return nil, invalid("email", "not an email address")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent, err := s.accountLocked(c)
	if err != nil {
		return nil, err
	}
	if _, taken := s.byName[strings.ToLower(in.Username)]; taken {
		return nil, errf(409, "Username %s already exists", in.Username)
	}
	now := s.clock.Now()
	id := s.next("account", 700)
	a := &Account{ID: id, Username: in.Username, Password: in.Password, ParentID: parent.ID, FirstName: in.FirstName, LastName: in.LastName,
		Company: or(in.Company, parent.Company), Email: in.Email, Phone: in.Phone, Address: in.Address, Address2: in.Address2, City: in.City,
		State: in.State, Zip: in.Zip, Country: in.Country, Salutation: in.Salutation, Currency: in.Currency, Bcc: in.Bcc, PortaClass: pc,
		CreditLimit: cl, CreditLimitWarning: cw, Status: "approved", CreatedAt: now, PortaCID: 64000 + id, ODCustID: 10000 + id}
	s.d.Accounts[id] = a
	s.byName[strings.ToLower(a.Username)] = id
	cp := *a
	return &cp, nil
}

// Signup creates a new top-level account that can log in at once.
func (s *Store) Signup(in CustomerInput) (*Account, error) {
	f := map[string]string{"firstname": in.FirstName, "lastname": in.LastName, "company": in.Company, "address": in.Address, "city": in.City,
		"country": in.Country, "state": in.State, "username": in.Username, "password": in.Password, "confirmpassword": in.ConfirmPassword,
		"email": in.Email, "phone": in.Phone, "terms": in.Terms}
	if err := requireAll(f, []string{"firstname", "lastname", "company", "address", "city", "country", "state", "username", "password", "confirmpassword", "email", "phone", "terms"}); err != nil {
		return nil, err
	}
	if in.Password != in.ConfirmPassword {
		return nil, errf(400, "Password and confirm password do not match")
	}
	if in.Terms != "1" && !strings.EqualFold(in.Terms, "true") {
		return nil, errf(400, "Terms must be accepted (terms: 1)")
	}
	if !strings.Contains(in.Email, "@") {
		return nil, invalid("email", "not an email address")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.byName[strings.ToLower(in.Username)]; taken {
		return nil, errf(409, "Username %s already exists", in.Username)
	}
	id := s.next("account", 700)
	a := &Account{ID: id, Username: in.Username, Password: in.Password, FirstName: in.FirstName, LastName: in.LastName, Company: in.Company,
		Email: in.Email, Phone: in.Phone, Address: in.Address, City: in.City, State: in.State, Country: in.Country, Currency: "USD",
		Status: "approved", CreatedAt: s.clock.Now(), Salutation: "Company", PortaCID: 64000 + id, ODCustID: 10000 + id,
		CreditLimit: 500 * 100000, CreditLimitWarning: 100 * 100000}
	s.d.Accounts[id] = a
	s.byName[strings.ToLower(a.Username)] = id
	cp := *a
	return &cp, nil
}

// customerLocked finds the account a customer-setting call names: the caller
// itself or one of its sub-customers.
func (s *Store) customerLocked(c Caller, id string) (*Account, error) {
	if strings.TrimSpace(id) == "" {
		return nil, missing("id")
	}
	n, err := strconv.Atoi(strings.TrimSpace(id))
	if err != nil {
		return nil, invalid("id", "must be a number")
	}
	a := s.d.Accounts[n]
	if a == nil || a.Admin || !s.visibleLocked(c, n) {
		return nil, errf(404, "Customer %d not found", n)
	}
	return a, nil
}

// CustomerSetting is one Porta setting change.
type CustomerSetting struct {
	ID                                       string
	LimitSimulCalls, In, Out, Max            string
	CallParking, RTP, Paging, DiscountPlanID string
}

func yesNo(field, v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "y":
		return "yes", nil
	case "no", "n":
		return "no", nil
	case "":
		return "", missing(field)
	}
	return "", invalid(field, "must be yes or no")
}

// UpdateCustomer applies one setting (named by what) and returns i_customer.
func (s *Store) UpdateCustomer(c Caller, what string, in CustomerSetting) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.customerLocked(c, in.ID)
	if err != nil {
		return 0, err
	}
	switch what {
	case "limitsimulcalls":
		v, err := yesNo("limitsimulcalls", in.LimitSimulCalls)
		if err != nil {
			return 0, err
		}
		nums := [3]int{}
		for i, f := range []struct{ k, v string }{{"simulmaxcallsin", in.In}, {"simulmaxcallsout", in.Out}, {"simulmaxcalls", in.Max}} {
			if v == "no" && f.v == "" {
				continue
			}
			n, err := strconv.Atoi(strings.TrimSpace(f.v))
			if err != nil || n < 0 {
				if f.v == "" {
					return 0, missing(f.k)
				}
				return 0, invalid(f.k, "must be a non-negative number")
			}
			nums[i] = n
		}
		a.LimitSimulCalls, a.SimulMaxCallsIn, a.SimulMaxCallsOut, a.SimulMaxCalls = v, nums[0], nums[1], nums[2]
	case "callparking":
		v, err := yesNo("callparking", in.CallParking)
		if err != nil {
			return 0, err
		}
		a.CallParking = v
	case "paging":
		v, err := yesNo("paging", in.Paging)
		if err != nil {
			return 0, err
		}
		a.Paging = v
	case "rtp":
		switch strings.ToUpper(strings.TrimSpace(in.RTP)) {
		case "N", "0", "1", "2", "3":
			a.RTP = strings.ToUpper(strings.TrimSpace(in.RTP))
		case "":
			return 0, missing("rtp")
		default:
			return 0, invalid("rtp", "must be N (default), 0 (direct), 1 (optimal), 2 (on NAT) or 3 (always)")
		}
	case "discountplan":
		if in.DiscountPlanID == "" {
			return 0, missing("i_vd_plan")
		}
		id, err := strconv.Atoi(in.DiscountPlanID)
		if err != nil || s.d.Plans[id] == nil {
			return 0, errf(404, "Discount plan %s not found", in.DiscountPlanID)
		}
		for _, p := range a.DiscountPlans {
			if p == id {
				return a.PortaCID, nil
			}
		}
		a.DiscountPlans = append(a.DiscountPlans, id)
		sort.Ints(a.DiscountPlans)
	}
	return a.PortaCID, nil
}

// Plans lists the discount plans with whether any customer uses them.
func (s *Store) Plans() ([]DiscountPlan, map[int]bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	used := map[int]bool{}
	for _, a := range s.d.Accounts {
		for _, p := range a.DiscountPlans {
			used[p] = true
		}
	}
	var out []DiscountPlan
	for _, id := range sortedKeys(s.d.Plans) {
		out = append(out, *s.d.Plans[id])
	}
	return out, used
}

// Subscription is a Porta subscription of a customer.
type Subscription struct {
	ID, ISub, ICustSub, AssignedID, CreatedBy, ICustomer int
	Name                                                 string
	Start                                                time.Time
	Fee                                                  int
	Open                                                 bool
}

// Subscriptions lists a customer's subscriptions: the base DID plan, and one
// per discount plan added.
func (s *Store) Subscriptions(c Caller, id string) ([]Subscription, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, err := s.customerLocked(c, id)
	if err != nil {
		return nil, err
	}
	creator := a.ParentID
	if creator == 0 {
		creator = a.ID
	}
	out := []Subscription{{ID: 23, ISub: 3490, ICustSub: 6000 + a.ID, AssignedID: a.ID, CreatedBy: creator, ICustomer: a.PortaCID, Name: "Call48 DID Plan", Start: a.CreatedAt, Fee: 7, Open: true}}
	for i, p := range a.DiscountPlans {
		pl := s.d.Plans[p]
		name := fmt.Sprintf("Plan %d", p)
		if pl != nil {
			name = pl.Name
		}
		out = append(out, Subscription{ID: 100 + p, ISub: 3500 + p, ICustSub: 7000 + a.ID*10 + i, AssignedID: a.ID, CreatedBy: creator, ICustomer: a.PortaCID, Name: name, Start: a.CreatedAt, Fee: 0, Open: true})
	}
	return out, nil
}

func (s *Store) hash64(parts ...string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s.d.Secret))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return h.Sum64()
}

func (s *Store) accountView(id int) (Account, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.d.Accounts[id]
	if a == nil {
		return Account{}, false
	}
	return *a, true
}
