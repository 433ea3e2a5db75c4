package flowroute

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/telecomsim/simulator/internal/scenario"
)

// Config is the flowroute section of a scenario.
type Config struct {
	Accounts []AccountSpec `yaml:"accounts"`
	Approval ApprovalSpec  `yaml:"approval"`
	// FirstID is the id of the first CNAM record created (default 17604).
	FirstID int64 `yaml:"firstId"`
}

// AccountSpec is one account and what it owns at the start.
type AccountSpec struct {
	Name      string      `yaml:"name"`
	AccessKey string      `yaml:"accessKey"`
	SecretKey string      `yaml:"secretKey"`
	Numbers   NumbersSpec `yaml:"numbers"`
	CNAMs     []CNAMSpec  `yaml:"cnams"`
}

// NumbersSpec lists numbers and/or asks for generated ones.
type NumbersSpec struct {
	// List holds 11-digit numbers (1NPANXXXXXX).
	List []string `yaml:"list"`
	// Generate adds that many numbers drawn from the scenario seed.
	Generate int `yaml:"generate"`
}

// CNAMSpec is a CNAM record present at the start.
type CNAMSpec struct {
	Value string `yaml:"value"`
	// Status is pending (decided after the approval delay), approved or rejected.
	Status string `yaml:"status"`
	Reason string `yaml:"reason"`
	// Numbers are associated with the record (it must be approved).
	Numbers []string `yaml:"numbers"`
}

// ApprovalSpec sets the approval workflow.
type ApprovalSpec struct {
	// After is how long a record stays pending (default 4h, at most 48h).
	After scenario.Duration `yaml:"after"`
	// Profanity lists words that get a record rejected.
	Profanity []string `yaml:"profanity"`
}

var elevenDigits = regexp.MustCompile(`^1[2-9]\d{2}[2-9]\d{6}$`)

// defaultProfanity is a small stand-in list; scenarios can replace it.
var defaultProfanity = []string{"DAMN", "HELL", "CRAP", "JERK", "IDIOT"}

func configure(sec scenario.Section) (*Config, error) {
	cfg := &Config{}
	if err := sec.Decode(cfg); err != nil {
		return nil, err
	}
	var ps scenario.Problems
	if cfg.Approval.After == 0 {
		cfg.Approval.After = scenario.Duration(4 * time.Hour)
	}
	if cfg.Approval.After.D() < 0 || cfg.Approval.After.D() > 48*time.Hour {
		ps = append(ps, sec.At("approval.after", "must be between 0s and 48h (Flowroute approves within 48 hours)"))
	}
	if cfg.Approval.Profanity == nil {
		cfg.Approval.Profanity = defaultProfanity
	}
	if cfg.FirstID == 0 {
		cfg.FirstID = 17604
	}
	keys := map[string]bool{}
	numbers := map[string]bool{}
	generated := 0 // every tenant builds them all, so the sum is capped
	for _, a := range cfg.Accounts {
		if a.Numbers.Generate > 0 {
			generated += a.Numbers.Generate
		}
	}
	if generated > maxGeneratedPerTenant {
		ps = append(ps, sec.At("accounts", fmt.Sprintf("numbers.generate adds up to %d over all accounts; a tenant holds at most %d generated numbers", generated, maxGeneratedPerTenant)))
	}
	for i, a := range cfg.Accounts {
		p := fmt.Sprintf("accounts[%d]", i)
		if a.AccessKey == "" || a.SecretKey == "" {
			ps = append(ps, sec.At(p, "accessKey and secretKey are required"))
		}
		if keys[a.AccessKey] {
			ps = append(ps, sec.At(p+".accessKey", "duplicate access key"))
		}
		keys[a.AccessKey] = true
		if a.Numbers.Generate < 0 || a.Numbers.Generate > maxGeneratedPerTenant {
			ps = append(ps, sec.At(p+".numbers.generate", fmt.Sprintf("must be between 0 and %d", maxGeneratedPerTenant)))
		}
		for j, n := range a.Numbers.List {
			if !elevenDigits.MatchString(n) {
				ps = append(ps, sec.At(fmt.Sprintf("%s.numbers.list[%d]", p, j), fmt.Sprintf("%q is not an 11-digit North American number such as 12065550100", n)))
			}
			if numbers[n] {
				ps = append(ps, sec.At(fmt.Sprintf("%s.numbers.list[%d]", p, j), "number listed twice"))
			}
			numbers[n] = true
		}
		for j, c := range a.CNAMs {
			cp := fmt.Sprintf("%s.cnams[%d]", p, j)
			switch c.Status {
			case "", StatusPending, StatusApproved, StatusRejected:
			default:
				ps = append(ps, sec.At(cp+".status", fmt.Sprintf("unknown status %q (want pending, approved or rejected)", c.Status)))
			}
			if strings.TrimSpace(c.Value) == "" {
				ps = append(ps, sec.At(cp+".value", "required"))
			}
			if len(c.Numbers) > 0 && c.Status != StatusApproved {
				ps = append(ps, sec.At(cp+".numbers", "only approved records can be associated with numbers"))
			}
			for k, n := range c.Numbers {
				if !slices.Contains(a.Numbers.List, n) {
					ps = append(ps, sec.At(fmt.Sprintf("%s.numbers[%d]", cp, k), fmt.Sprintf("%s is not in this account's numbers.list", n)))
				}
			}
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

var rateCenters = []struct{ npa, rc, state string }{
	{"206", "SEATTLE", "WA"}, {"425", "BELLEVUE", "WA"}, {"253", "TACOMA", "WA"},
	{"503", "PORTLAND", "OR"}, {"415", "SNFC CNTRL", "CA"}, {"213", "LOS ANGELES", "CA"},
	{"312", "CHICAGO", "IL"}, {"212", "NWYRCYZN01", "NY"}, {"617", "BOSTON", "MA"},
	{"512", "AUSTIN", "TX"}, {"303", "DENVER", "CO"}, {"404", "ATLANTA", "GA"},
}

// seed fills a new state from the scenario.
func (s *State) seed(cfg *Config, faker *gofakeit.Faker, start time.Time) {
	s.lock()
	defer s.mu.Unlock()
	used := map[string]bool{}
	for _, spec := range cfg.Accounts {
		for _, n := range spec.Numbers.List {
			used[n] = true
		}
	}
	for _, spec := range cfg.Accounts {
		name := spec.Name
		if name == "" {
			name = spec.AccessKey
		}
		s.accounts[spec.AccessKey] = &Account{Name: name, AccessKey: spec.AccessKey, SecretKey: spec.SecretKey}
		for _, v := range spec.Numbers.List {
			s.numbers[v] = numberFor(v, spec.AccessKey)
		}
		for i := 0; i < spec.Numbers.Generate; i++ {
			rc := rateCenters[faker.IntN(len(rateCenters))]
			var v string
			for {
				v = fmt.Sprintf("1%s%d%02d%04d", rc.npa, faker.IntRange(2, 9), faker.IntN(100), faker.IntN(10000))
				if !used[v] {
					break
				}
			}
			used[v] = true
			s.numbers[v] = &Number{Value: v, Account: spec.AccessKey, RateCenter: rc.rc, State: rc.state, NumberType: "standard"}
		}
		for i, cs := range spec.CNAMs {
			created := start.Add(-time.Duration(len(spec.CNAMs)-i) * 26 * time.Hour)
			c := &CNAM{ID: s.nextID, Account: spec.AccessKey, Value: strings.ToUpper(strings.TrimSpace(cs.Value)), Created: created}
			s.nextID++
			switch cs.Status {
			case StatusApproved:
				at := created.Add(3 * time.Hour)
				c.Approved, c.DecideAt = &at, at
			case StatusRejected:
				reason := cs.Reason
				if reason == "" {
					reason = cfg.rejectionReason(c.Value)
				}
				if reason == "" {
					reason = "Rejected by review."
				}
				c.Rejection, c.DecideAt = &reason, created.Add(3*time.Hour)
			default:
				c.Created = start
				c.DecideAt = start.Add(cfg.Approval.After.D())
			}
			s.putLocked(c)
			if c.Status() == StatusPending {
				s.armLocked(c)
			}
			for _, n := range cs.Numbers {
				s.numbers[n].CNAM, s.numbers[n].CNAMSince = c.ID, *c.Approved
			}
		}
	}
}

// numberFor describes a listed number, using its NPA to pick a rate center.
func numberFor(v, account string) *Number {
	n := &Number{Value: v, Account: account, RateCenter: "SEATTLE", State: "WA", NumberType: "standard"}
	switch v[1:4] {
	case "800", "833", "844", "855", "866", "877", "888":
		n.NumberType, n.RateCenter, n.State = "tollfree", "", ""
		return n
	}
	for _, rc := range rateCenters {
		if rc.npa == v[1:4] {
			n.RateCenter, n.State = rc.rc, rc.state
		}
	}
	return n
}

// maxGeneratedPerTenant caps the numbers a scenario makes Flowroute
// generate, summed over its accounts (each tenant builds them all).
const maxGeneratedPerTenant = 100000
