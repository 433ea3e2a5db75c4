package call48

import (
	"encoding/hex"
	"fmt"
	"github.com/telecomsim/simulator/internal/fake"
	"sort"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
)

// Config is the call48 section of a scenario.
type Config struct {
	// ErrorStatus: "body" (default) answers application errors, including
	// 401, with HTTP 200 and the code in the body, as the real API's clients
	// expect; "http" uses the body's code as the HTTP status too.
	ErrorStatus string            `yaml:"errorStatus"`
	TokenTTL    scenario.Duration `yaml:"tokenTTL"`  // default 24h
	SearchTTL   scenario.Duration `yaml:"searchTTL"` // how long a search result (and its loc/locData) is held, default 15m
	// SearchTokens makes searches issue the document's opaque loc/locData
	// tokens; by default they are null, as the live service answers.
	SearchTokens bool          `yaml:"searchTokens"`
	Accounts     []AccountSpec `yaml:"accounts"`
	Admins       []AccountSpec `yaml:"admins"`
	Inventory    InventorySpec `yaml:"inventory"`
	Prices       PriceSpec     `yaml:"prices"`
	Trunks       TrunkTiming   `yaml:"trunks"`
	Bulk         BulkTiming    `yaml:"bulk"`
	PortIn       PortInSpec    `yaml:"portIn"`
	TrunkGroups  []TrunkSpec   `yaml:"trunkGroups"`
	Ports        []PortSpec    `yaml:"ports"`
	Plans        []PlanSpec    `yaml:"discountPlans"`
}

// AccountSpec is a login of the scenario.
type AccountSpec struct {
	ID        int    `yaml:"id"`
	Username  string `yaml:"username"`
	Password  string `yaml:"password"`
	Balance   string `yaml:"balance"`
	Parent    string `yaml:"parent"` // makes it a sub-customer of that account
	FirstName string `yaml:"firstname"`
	LastName  string `yaml:"lastname"`
	Company   string `yaml:"company"`
	Email     string `yaml:"email"`
	Phone     string `yaml:"phone"`
	DIDs      int    `yaml:"dids"` // local numbers the account already owns
}

// InventorySpec sizes the generated number inventory.
type InventorySpec struct {
	// Local is about how many local numbers are in stock: they are spread
	// evenly over the rate centers of the catalogue (of States when given),
	// at least one and at most 48 per rate center.
	Local  int      `yaml:"local"`
	Toll   int      `yaml:"toll"`
	Intl   int      `yaml:"intl"`   // international offers (cities)
	States []string `yaml:"states"` // restrict local numbers to these states
}

// PriceSpec sets per-number prices.
type PriceSpec struct {
	Local PricePair `yaml:"local"`
	Toll  PricePair `yaml:"toll"`
	// Cnam is what a CNAM record costs when it is created (the document
	// answers is_billed: true); default 1.00000.
	Cnam string `yaml:"cnam"`
}

// PricePair is a setup and a monthly price.
type PricePair struct {
	Setup   string `yaml:"setup"`
	Monthly string `yaml:"monthly"`
}

// TrunkTiming sets how long a new trunk group stays queued.
type TrunkTiming struct {
	Activation scenario.Duration `yaml:"activation"` // default 2m
}

// BulkTiming sets how bulk orders move: queued -> processing -> complete.
type BulkTiming struct {
	Start    scenario.Duration `yaml:"start"`    // Q -> P, default 1m
	Complete scenario.Duration `yaml:"complete"` // P -> C/E, default 2m
}

// PortInSpec sets the port-in timeline.
type PortInSpec struct {
	Reviewed    scenario.Duration `yaml:"reviewed"`    // submitted -> reviewed, default 1h
	FOCReceived scenario.Duration `yaml:"focReceived"` // reviewed -> foc_received, default 48h
	Activated   scenario.Duration `yaml:"activated"`   // FOC date = FOC receipt + this, default 24h
	Rejections  []RejectSpec      `yaml:"rejections"`
}

// RejectSpec makes the first submission of any sub-order holding Number
// rejected at review with Reason.
type RejectSpec struct {
	Number string `yaml:"number"`
	Reason string `yaml:"reason"`
}

// TrunkSpec is a trunk group that exists from the start (active).
type TrunkSpec struct {
	Account string   `yaml:"account"`
	Name    string   `yaml:"name"`
	ExtTGID int      `yaml:"extTgid"`
	IPs     []string `yaml:"ips"`
}

// PortSpec is a port-in submitted at the clock start.
type PortSpec struct {
	Account       string   `yaml:"account"`
	DidType       string   `yaml:"didType"`
	Numbers       []string `yaml:"numbers"`
	Name          string   `yaml:"name"`
	AccountNumber string   `yaml:"accountNumber"`
	State         string   `yaml:"state"`
}

// PlanSpec is a discount plan offered by GET /discountplan.
type PlanSpec struct {
	ID          int    `yaml:"id"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
}

func (c *Config) tokenTTL() time.Duration  { return durOr(c.TokenTTL, 24*time.Hour) }
func (c *Config) searchTTL() time.Duration { return durOr(c.SearchTTL, 15*time.Minute) }
func (c *Config) reviewed() time.Duration  { return durOr(c.PortIn.Reviewed, time.Hour) }
func (c *Config) focAfter() time.Duration  { return durOr(c.PortIn.FOCReceived, 48*time.Hour) }
func (c *Config) actAfter() time.Duration  { return durOr(c.PortIn.Activated, 24*time.Hour) }
func (c *Config) trunkAct() time.Duration  { return durOr(c.Trunks.Activation, 2*time.Minute) }
func (c *Config) bulkStart() time.Duration { return durOr(c.Bulk.Start, time.Minute) }
func (c *Config) bulkDone() time.Duration  { return durOr(c.Bulk.Complete, 2*time.Minute) }

func durOr(d scenario.Duration, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d.D()
}

func (c *Config) price(kind string) (setup, monthly Money) {
	p := c.Prices.Local
	if kind == KindToll {
		p = c.Prices.Toll
	}
	setup, monthly = 2*100000, 1*100000
	if v, err := ParseMoney(p.Setup); err == nil {
		setup = v
	}
	if v, err := ParseMoney(p.Monthly); err == nil {
		monthly = v
	}
	return
}

// defaultConfig is used when a scenario has no call48 section: the
// document's own account and an SP admin.
func defaultConfig() *Config {
	return &Config{
		Accounts:  []AccountSpec{{ID: 129, Username: "mark", Password: "password", Balance: "500.00", DIDs: 3}},
		Admins:    []AccountSpec{{ID: 1, Username: "spadmin", Password: "password", Balance: "1000.00"}},
		Inventory: InventorySpec{Local: 150000, Toll: 300, Intl: 50},
	}
}

// Configure decodes and checks the section.
func (p *Provider) Configure(sec scenario.Section, _ *scenario.Scenario) (any, error) {
	if !sec.Present() {
		return defaultConfig(), nil
	}
	cfg := &Config{}
	if err := sec.Decode(cfg); err != nil {
		return nil, err
	}
	var ps scenario.Problems
	switch cfg.ErrorStatus {
	case "", "body", "http":
	default:
		ps = append(ps, sec.At("errorStatus", `want "body" (HTTP 200, code in the body) or "http"`))
	}
	names := map[string]bool{}
	ids := map[int]bool{}
	check := func(path string, a AccountSpec) {
		switch {
		case a.Username == "":
			ps = append(ps, sec.At(path+".username", "required"))
		case names[strings.ToLower(a.Username)]:
			ps = append(ps, sec.At(path+".username", "duplicate username "+a.Username))
		}
		names[strings.ToLower(a.Username)] = true
		if a.Password == "" {
			ps = append(ps, sec.At(path+".password", "required"))
		}
		if a.ID != 0 {
			if ids[a.ID] {
				ps = append(ps, sec.At(path+".id", fmt.Sprintf("duplicate id %d", a.ID)))
			}
			ids[a.ID] = true
		}
		if a.Balance != "" {
			if _, err := ParseMoney(a.Balance); err != nil {
				ps = append(ps, sec.At(path+".balance", "want a decimal amount such as 500.00"))
			}
		}
		if a.DIDs < 0 || a.DIDs > 500 {
			ps = append(ps, sec.At(path+".dids", "must be between 0 and 500"))
		}
	}
	for i, a := range cfg.Admins {
		check(fmt.Sprintf("admins[%d]", i), a)
	}
	for i, a := range cfg.Accounts {
		check(fmt.Sprintf("accounts[%d]", i), a)
	}
	for i, a := range cfg.Accounts {
		if a.Parent != "" && (!names[strings.ToLower(a.Parent)] || strings.EqualFold(a.Parent, a.Username)) {
			ps = append(ps, sec.At(fmt.Sprintf("accounts[%d].parent", i), "unknown account "+a.Parent))
		}
	}
	inv := cfg.Inventory
	if inv.Local < 0 || inv.Local > 1000000 || inv.Toll < 0 || inv.Toll > 20000 || inv.Intl < 0 || inv.Intl > 2000 {
		ps = append(ps, sec.At("inventory", "sizes must be 0..1000000 (local), 0..20000 (toll), 0..2000 (intl)"))
	}
	for i, st := range inv.States {
		if _, ok := fx.state(st); !ok {
			ps = append(ps, sec.At(fmt.Sprintf("inventory.states[%d]", i), "unknown state code "+st))
		}
	}
	if cfg.Prices.Cnam != "" {
		if _, err := ParseMoney(cfg.Prices.Cnam); err != nil {
			ps = append(ps, sec.At("prices.cnam", "want a decimal amount such as 1.00000"))
		}
	}
	for _, k := range []string{"local", "toll"} {
		pp := cfg.Prices.Local
		if k == "toll" {
			pp = cfg.Prices.Toll
		}
		for f, v := range map[string]string{"setup": pp.Setup, "monthly": pp.Monthly} {
			if v != "" {
				if _, err := ParseMoney(v); err != nil {
					ps = append(ps, sec.At("prices."+k+"."+f, "want a decimal amount such as 2.00000"))
				}
			}
		}
	}
	for i, r := range cfg.PortIn.Rejections {
		if len(normNumber(r.Number)) != 10 {
			ps = append(ps, sec.At(fmt.Sprintf("portIn.rejections[%d].number", i), "want a 10-digit number"))
		}
	}
	isAccount := func(n string) bool {
		for _, a := range cfg.Accounts {
			if strings.EqualFold(a.Username, n) {
				return true
			}
		}
		return false
	}
	for i, t := range cfg.TrunkGroups {
		if !isAccount(t.Account) {
			ps = append(ps, sec.At(fmt.Sprintf("trunkGroups[%d].account", i), "unknown account "+t.Account))
		}
		for j, ip := range t.IPs {
			if _, _, err := parseTrunkIP(ip); err != nil {
				ps = append(ps, sec.At(fmt.Sprintf("trunkGroups[%d].ips[%d]", i, j), err.Error()))
			}
		}
	}
	for i, pt := range cfg.Ports {
		path := fmt.Sprintf("ports[%d]", i)
		if !isAccount(pt.Account) {
			ps = append(ps, sec.At(path+".account", "unknown account "+pt.Account))
		}
		if _, ok := didTypeIDs[strings.ToUpper(pt.DidType)]; !ok && pt.DidType != "" {
			ps = append(ps, sec.At(path+".didType", "want LCL, TF or INTL"))
		}
		if len(pt.Numbers) == 0 {
			ps = append(ps, sec.At(path+".numbers", "at least one number"))
		}
		for j, n := range pt.Numbers {
			if ok, why := portable(normNumber(n), strings.ToUpper(pt.DidType)); !ok {
				ps = append(ps, sec.At(fmt.Sprintf("%s.numbers[%d]", path, j), "not portable: "+why))
			}
		}
		if pt.State != "" {
			if _, ok := fx.state(pt.State); !ok {
				ps = append(ps, sec.At(path+".state", "unknown state code"))
			}
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	def := defaultConfig()
	if len(cfg.Accounts) == 0 && len(cfg.Admins) == 0 {
		cfg.Accounts, cfg.Admins = def.Accounts, def.Admins
	}
	if cfg.Inventory.Local == 0 && cfg.Inventory.Toll == 0 && cfg.Inventory.Intl == 0 && len(cfg.Inventory.States) == 0 {
		cfg.Inventory = def.Inventory
	}
	return cfg, nil
}

// NewState builds one tenant's state from the configuration.
func (p *Provider) buildState(env provider.Env, c any) (*Store, error) {
	cfg, _ := c.(*Config)
	if cfg == nil {
		cfg = defaultConfig()
	}
	f := env.Faker
	if f == nil {
		f = gofakeit.New(uint64(env.Seed))
	}
	s := newStore(env.Clock, env.Logger, cfg)
	if env.World != nil {
		s.story = env.World.Timeline
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Tokens and search tokens are signed with the tenant's own secret, so
	// they are refused in every other tenant.
	secret := env.Secret
	if len(secret) == 0 {
		secret = fake.Secret(env.Seed, "", Name)
	}
	s.d.Secret = hex.EncodeToString(secret)
	start := env.Start
	if start.IsZero() {
		start = env.Clock.Now()
	}
	s.seedPlansLocked(cfg)
	// The inventory has a faker stream of its own, so it is the same whether
	// it was generated for this tenant or copied from an earlier one.
	s.stockLocked(p.stocks.get(env.Seed, cfg.Inventory, func() *gofakeit.Faker { return fake.New(env.Seed, Name+".inventory") }))
	// accounts: admins, top-level accounts, then sub-customers
	specs := append([]AccountSpec{}, cfg.Admins...)
	nAdmins := len(specs)
	specs = append(specs, cfg.Accounts...)
	order := make([]int, len(specs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		return specs[order[i]].Parent == "" && specs[order[j]].Parent != ""
	})
	for _, i := range order {
		a := specs[i]
		acc := s.addAccountLocked(f, a, i < nAdmins, start)
		if a.DIDs > 0 {
			s.seedDIDsLocked(acc, a.DIDs, start)
		}
	}
	for _, t := range cfg.TrunkGroups {
		s.seedTrunkLocked(t, start)
	}
	for _, pt := range cfg.Ports {
		if err := s.seedPortLocked(f, pt, start); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) addAccountLocked(f *gofakeit.Faker, a AccountSpec, admin bool, now time.Time) *Account {
	id := a.ID
	if id == 0 {
		id = s.next("account", 700)
	} else if id > s.d.Seq["account"] && id < 100000 {
		// keep generated ids clear of the scenario's
		s.d.Seq["account"] = max(s.d.Seq["account"], 700)
	}
	bal, _ := ParseMoney(a.Balance)
	acc := &Account{
		ID: id, Username: a.Username, Password: a.Password, Admin: admin, Balance: bal,
		FirstName: or(a.FirstName, f.FirstName()), LastName: or(a.LastName, f.LastName()),
		Company: or(a.Company, f.Company()), Email: or(a.Email, strings.ToLower(a.Username)+"@example.com"),
		Phone: or(a.Phone, f.Numerify("##########")), Currency: "USD", Status: "approved", CreatedAt: now,
		CreditLimit: 500 * 100000, CreditLimitWarning: 100 * 100000, Salutation: "Company",
		PortaCID: 64000 + id, ODCustID: 10000 + id, Country: "US",
	}
	if a.Parent != "" {
		acc.ParentID = s.byName[strings.ToLower(a.Parent)]
	}
	s.d.Accounts[id] = acc
	s.byName[strings.ToLower(acc.Username)] = id
	return acc
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Store) seedPlansLocked(cfg *Config) {
	plans := cfg.Plans
	if len(plans) == 0 {
		plans = []PlanSpec{
			{ID: 18, Name: "1000 Free Minutes", Description: "1500 Free Minutes for Business Plan"},
			{ID: 4, Name: "1500 Free Minutes", Description: "1500 Free Minutes for Business Basic Plan"},
		}
	}
	for _, p := range plans {
		s.d.Plans[p.ID] = &DiscountPlan{ID: p.ID, Name: p.Name, Description: p.Description, Shared: "Y"}
	}
}

// seedDIDsLocked gives an account n local numbers from the inventory.
func (s *Store) seedDIDsLocked(a *Account, n int, now time.Time) {
	for _, inv := range s.localLocked(localFilter{}, n) {
		s.assignLocked(a, &inv, now, "seed", nil)
	}
}

func (s *Store) seedTrunkLocked(t TrunkSpec, now time.Time) {
	acc := s.d.Accounts[s.byName[strings.ToLower(t.Account)]]
	var ips []TrunkIP
	for _, raw := range t.IPs {
		ip, port, _ := parseTrunkIP(raw)
		ips = append(ips, TrunkIP{IP: ip, Port: port})
	}
	tr := s.newTrunkLocked(acc, or(t.Name, "Trunk "+acc.Username), "RR", "e164", "paid", nil, ips, now)
	if t.ExtTGID != 0 {
		tr.ExtTGID = t.ExtTGID
	}
	tr.Status = "active"
	tr.ActiveAt = time.Time{}
}

func (s *Store) seedPortLocked(f *gofakeit.Faker, pt PortSpec, now time.Time) error {
	acc := s.d.Accounts[s.byName[strings.ToLower(pt.Account)]]
	st := or(strings.ToUpper(pt.State), "ND")
	var accNo *string
	if pt.AccountNumber != "" {
		accNo = &pt.AccountNumber
	} else {
		v := f.Numerify("########")
		accNo = &v
	}
	d := PortDetail{
		CustAccName: or(pt.Name, f.Company()), CustAuthorizedName: f.Name(), CustAccType: "BIZ", CustAccNumber: accNo,
		ActivationType: "Auto", AddressStreetName: f.StreetName(), AddressNumber: f.Numerify("###"),
		AddressLocDesignator: "Suite", City: f.City(), PostalCode: strPtr(f.Zip()), DesiredFOC: now.Add(72 * time.Hour),
		BTN: f.Numerify("##########"), State: st, ActivationDate: now.Add(72 * time.Hour),
	}
	_, err := s.submitPortLocked(Caller{AccountID: acc.ID}, PortSubmission{DidType: or(strings.ToUpper(pt.DidType), "LCL"), Numbers: pt.Numbers, Detail: d, FwdSipType: "NA", FwdOrder: "NA", FwdAnswerMode: "NA"}, now)
	return err
}

func strPtr(s string) *string { return &s }

// SectionType implements provider.Provider: the scenario section's type.
func (p *Provider) SectionType() any { return &Config{} }
