package somos

import (
	"fmt"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/scenario"
)

// Config is the `somos:` section of a scenario.
type Config struct {
	Tokens struct {
		TTL        scenario.Duration `yaml:"ttl"`        // IdToken/AccessToken lifetime (default 1h)
		RefreshTTL scenario.Duration `yaml:"refreshTtl"` // refresh token lifetime (default 30d)
	} `yaml:"tokens"`
	// PartnerPropagation is how long a CNAM change stays pending (default 2m).
	PartnerPropagation scenario.Duration `yaml:"partnerPropagation"`
	// PartnerFailures lists TFNs whose propagation always fails.
	PartnerFailures []string `yaml:"partnerFailures"`
	// BulkProcessing is how long after its upload a CSV file is processed
	// (default 30s).
	BulkProcessing scenario.Duration `yaml:"bulkProcessing"`
	Users          []UserSeed        `yaml:"users"`
	CNAM           []CNAMSeed        `yaml:"cnam"`
}

// UserSeed is a scenario user.
type UserSeed struct {
	Email         string   `yaml:"email"`
	Role          string   `yaml:"role"`
	Entity        string   `yaml:"entity"`
	RespOrg       string   `yaml:"respOrg"`
	GivenName     string   `yaml:"givenName"`
	FamilyName    string   `yaml:"familyName"`
	PhoneNumber   string   `yaml:"phoneNumber"`
	UserName      string   `yaml:"userName"`
	Enabled       *bool    `yaml:"enabled"`
	RefreshTokens []string `yaml:"refreshTokens"`
}

// CNAMSeed is a scenario CNAM record. Its Resp Org is the owner when the
// registry does not know the number; the registry's live values win.
type CNAMSeed struct {
	TFN               string   `yaml:"tfn"`
	RespOrg           string   `yaml:"respOrg"`
	CNAM              string   `yaml:"cnam"`
	ExtCnam           string   `yaml:"extCnam"`
	AuthorizedCallers *Callers `yaml:"authorizedCallers"`
	StreetAddress     string   `yaml:"streetAddress"`
	StreetAddress2    string   `yaml:"streetAddress2"`
	City              string   `yaml:"city"`
	State             string   `yaml:"state"`
	Zip               string   `yaml:"zip"`
	Country           string   `yaml:"country"`
	URL               string   `yaml:"url"`
	Logo              string   `yaml:"logo"`
	Status            string   `yaml:"status"`
	CreatedBy         string   `yaml:"createdBy"`
}

func (c CNAMSeed) input() CNAMInput {
	str := func(v string) *string { return &v }
	in := CNAMInput{TFN: str(c.TFN), CNAM: str(c.CNAM), ExtCnam: str(c.ExtCnam), StreetAddress: str(c.StreetAddress),
		StreetAddress2: str(c.StreetAddress2), City: str(c.City), State: str(c.State), Zip: str(c.Zip),
		Country: str(c.Country), URL: str(c.URL), Logo: str(c.Logo)}
	if c.Status != "" {
		in.Status = str(c.Status)
	}
	if c.AuthorizedCallers != nil {
		cs := *c.AuthorizedCallers
		cs.List = append([]string{}, cs.List...)
		cs.Wildcard = append([]string{}, cs.Wildcard...)
		cs.Range = append([]CallerRange{}, cs.Range...)
		in.AuthorizedCallers = &cs
	}
	return in
}

func (c *Config) settings() settings {
	set := settings{
		TokenTTL:     c.Tokens.TTL.D(),
		RefreshTTL:   c.Tokens.RefreshTTL.D(),
		PartnerDelay: c.PartnerPropagation.D(),
		BulkDelay:    c.BulkProcessing.D(),
	}
	if set.TokenTTL == 0 {
		set.TokenTTL = time.Hour
	}
	if set.RefreshTTL == 0 {
		set.RefreshTTL = 30 * 24 * time.Hour
	}
	if set.PartnerDelay == 0 {
		set.PartnerDelay = 2 * time.Minute
	}
	if set.BulkDelay == 0 {
		set.BulkDelay = 30 * time.Second
	}
	return set
}

// Configure decodes and checks the section.
func (p *Provider) Configure(sec scenario.Section, sc *scenario.Scenario) (any, error) {
	cfg := &Config{}
	if err := sec.Decode(cfg); err != nil {
		return nil, err
	}
	var ps scenario.Problems
	for _, d := range []struct {
		path string
		v    scenario.Duration
	}{{"tokens.ttl", cfg.Tokens.TTL}, {"tokens.refreshTtl", cfg.Tokens.RefreshTTL}, {"partnerPropagation", cfg.PartnerPropagation}, {"bulkProcessing", cfg.BulkProcessing}} {
		if d.v < 0 {
			ps = append(ps, sec.At(d.path, "must not be negative"))
		}
	}
	for i, t := range cfg.PartnerFailures {
		if !ValidTFN(t) {
			ps = append(ps, sec.At(fmt.Sprintf("partnerFailures[%d]", i), fmt.Sprintf("%q is not a 10-digit toll-free number", t)))
		}
	}
	emails := map[string]bool{}
	tokens := map[string]bool{}
	for i, u := range cfg.Users {
		at := func(f string) string { return fmt.Sprintf("users[%d].%s", i, f) }
		if _, field, msg := checkUserSpec(u.spec()); msg != "" {
			ps = append(ps, sec.At(at(field), msg))
		}
		key := strings.ToLower(u.Email)
		if emails[key] {
			ps = append(ps, sec.At(at("email"), fmt.Sprintf("duplicate user %s", u.Email)))
		}
		emails[key] = true
		for j, t := range u.RefreshTokens {
			p := fmt.Sprintf("users[%d].refreshTokens[%d]", i, j)
			switch {
			case strings.TrimSpace(t) == "":
				ps = append(ps, sec.At(p, "must not be empty"))
			case tokens[t]:
				ps = append(ps, sec.At(p, "duplicate refresh token"))
			}
			tokens[t] = true
		}
	}
	tfns := map[string]bool{}
	for i, c := range cfg.CNAM {
		at := func(f string) string { return fmt.Sprintf("cnam[%d].%s", i, f) }
		in := c.input()
		if err := validateInput(&in, true); err != nil {
			ps = append(ps, sec.At(at("tfn"), err.Error()))
		}
		if len(c.RespOrg) != 5 {
			ps = append(ps, sec.At(at("respOrg"), "must be a 5-character Resp Org id"))
		}
		if tfns[c.TFN] {
			ps = append(ps, sec.At(at("tfn"), "duplicate record"))
		}
		tfns[c.TFN] = true
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (u UserSeed) spec() UserSpec {
	return UserSpec{Email: u.Email, Role: u.Role, EntityID: u.Entity, RespOrgID: u.RespOrg, GivenName: u.GivenName,
		FamilyName: u.FamilyName, PhoneNumber: u.PhoneNumber, UserName: u.UserName, Enabled: u.Enabled}
}

// seed fills a new store from the configuration.
func (s *Store) seed(cfg *Config, names func() (string, string), phone func() string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, us := range cfg.Users {
		spec := us.spec()
		if spec.GivenName == "" && spec.FamilyName == "" {
			spec.GivenName, spec.FamilyName = names()
		}
		if spec.PhoneNumber == "" {
			spec.PhoneNumber = phone()
		}
		role, _ := ParseRole(spec.Role)
		u := s.upsertUserLocked(spec, role)
		for _, t := range us.RefreshTokens {
			s.issueRefreshLocked(s.users[strings.ToLower(u.Email)], t, 0)
		}
	}
	for _, t := range cfg.PartnerFailures {
		s.partnerFail[t] = -1
	}
	now := s.nowMs()
	for _, c := range cfg.CNAM {
		in := c.input()
		_ = validateInput(&in, true)
		ro := strings.ToUpper(c.RespOrg)
		by := c.CreatedBy
		if by == "" {
			by = "system@somos.example"
		}
		r := &Record{CNAMEntry: CNAMEntry{
			TFN: c.TFN, Status: StatusActive, CreatedDate: now, CreatedBy: by, LastModifiedDate: now, LastModifiedBy: by,
			EntityID: entityOf(ro), RespOrgID: ro, TfnrStatus: TFNWorking,
			PartnerUpdateStatus: PartnerSuccess, PartnerUpdateDate: now,
		}}
		applyInput(&r.CNAMEntry, &in)
		s.records[r.TFN] = r
		s.indexInsert(keyOf(r))
	}
}

// SectionType implements provider.Provider: the scenario section's type.
func (p *Provider) SectionType() any { return &Config{} }
