package tmobile

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/scenario"
)

// Config is the tmobile section of a scenario.
type Config struct {
	Clients      []ClientSpec     `yaml:"clients"`
	Users        []UserSpec       `yaml:"users"`
	Tokens       TokensSpec       `yaml:"tokens"`
	Registration RegistrationSpec `yaml:"registration"`
	PoP          PoPSpec          `yaml:"pop"`
	// AuthFailureStatus is the status of a rejected credential, access token
	// or PoP token: 403 (the document's, default) or 401.
	AuthFailureStatus int    `yaml:"authFailureStatus"`
	Issuer            string `yaml:"issuer"`
	ChannelBase       string `yaml:"channelBase"`
}

// ClientSpec registers a partner client.
type ClientSpec struct {
	ClientID     string   `yaml:"clientId"`
	ClientSecret string   `yaml:"clientSecret"`
	Name         string   `yaml:"name"`
	RedirectURIs []string `yaml:"redirectUris"`
	// PopPublicKey is the PEM of the RSA public key verifying the client's
	// PoP tokens.
	PopPublicKey string `yaml:"popPublicKey"`
}

// UserSpec is a subscriber.
type UserSpec struct {
	Login    string     `yaml:"login"`
	Password string     `yaml:"password"`
	Conflict bool       `yaml:"conflict"`
	Lines    []LineSpec `yaml:"lines"`
}

// LineSpec is a subscriber's line.
type LineSpec struct {
	MSISDN string      `yaml:"msisdn"`
	E911   AddressSpec `yaml:"e911"`
	// Registered starts the line already registered.
	Registered bool `yaml:"registered"`
	// Processing overrides registration.processing for this line.
	Processing *scenario.Duration `yaml:"processing"`
}

// AddressSpec is an e911 address.
type AddressSpec struct {
	Line1 string `yaml:"addressLine1"`
	Line2 string `yaml:"addressLine2"`
	City  string `yaml:"city"`
	State string `yaml:"state"`
	Zip   string `yaml:"zip"`
}

// TokensSpec sets lifetimes on the tenant clock.
type TokensSpec struct {
	AccessTTL  *scenario.Duration `yaml:"accessTtl"`  // default 24h (expires_in 86400)
	RefreshTTL *scenario.Duration `yaml:"refreshTtl"` // default 30d
	CodeTTL    *scenario.Duration `yaml:"codeTtl"`    // default 5m
	// PageTTL bounds the link and e911 page sessions (default 15m).
	PageTTL *scenario.Duration `yaml:"pageTtl"`
	Scope   string             `yaml:"scope"`
}

// RegistrationSpec sets how long a line's registration processes.
type RegistrationSpec struct {
	Processing *scenario.Duration `yaml:"processing"` // default 1m
}

// PoPSpec sets how PoP tokens are checked (on the wall clock).
type PoPSpec struct {
	Skew        *scenario.Duration `yaml:"skew"`        // default 10s
	MaxLifetime *scenario.Duration `yaml:"maxLifetime"` // default 2m (the builders' lifetime)
	Required    []string           `yaml:"required"`    // default [http-method, uri, Authorization, body]
	// ReplayCache bounds the remembered jtis per tenant (default 10000).
	ReplayCache int `yaml:"replayCache"`
}

// settings is a checked Config with defaults applied.
type settings struct {
	Clients     []*Client
	Users       []UserSpec
	AccessTTL   time.Duration
	RefreshTTL  time.Duration
	CodeTTL     time.Duration
	PageTTL     time.Duration
	Scope       string
	Processing  time.Duration
	PoP         popPolicy
	ReplayCache int
	AuthStatus  int
	Issuer      string
	ChannelBase string
}

func durOr(d *scenario.Duration, def time.Duration) time.Duration {
	if d == nil {
		return def
	}
	return d.D()
}

// configure decodes and checks the section.
func configure(sec scenario.Section) (*settings, error) {
	var c Config
	if err := sec.Decode(&c); err != nil {
		return nil, err
	}
	var ps scenario.Problems
	s := &settings{
		AccessTTL:   durOr(c.Tokens.AccessTTL, 24*time.Hour),
		RefreshTTL:  durOr(c.Tokens.RefreshTTL, 30*24*time.Hour),
		CodeTTL:     durOr(c.Tokens.CodeTTL, 5*time.Minute),
		PageTTL:     durOr(c.Tokens.PageTTL, 15*time.Minute),
		Scope:       c.Tokens.Scope,
		Processing:  durOr(c.Registration.Processing, time.Minute),
		ReplayCache: c.PoP.ReplayCache,
		AuthStatus:  c.AuthFailureStatus,
		Issuer:      c.Issuer,
		ChannelBase: strings.TrimRight(c.ChannelBase, "/"),
		Users:       c.Users,
	}
	if s.Scope == "" {
		s.Scope = "openid"
	}
	if s.ReplayCache == 0 {
		s.ReplayCache = 10000
	}
	if s.AuthStatus == 0 {
		s.AuthStatus = http.StatusForbidden
	}
	if s.Issuer == "" {
		s.Issuer = "https://api.t-mobile.com"
	}
	if s.ChannelBase == "" {
		s.ChannelBase = "wss://wrgweb1.ttn.t-mobile.com:3030/wss/channelCreateUrl/notificationchannel/v1"
	}
	s.PoP = popPolicy{
		Skew:        durOr(c.PoP.Skew, 10*time.Second),
		MaxLifetime: durOr(c.PoP.MaxLifetime, 2*time.Minute),
		Required:    c.PoP.Required,
		Status:      s.AuthStatus,
	}
	if s.PoP.Required == nil {
		s.PoP.Required = []string{ehtsMethod, ehtsURI, "Authorization", ehtsBody}
	}
	positive := func(path string, d time.Duration, min time.Duration) {
		if d < min {
			ps = append(ps, sec.At(path, fmt.Sprintf("must be at least %s", min)))
		}
	}
	positive("tokens.accessTtl", s.AccessTTL, time.Second)
	positive("tokens.refreshTtl", s.RefreshTTL, time.Second)
	positive("tokens.codeTtl", s.CodeTTL, time.Second)
	positive("tokens.pageTtl", s.PageTTL, time.Minute)
	positive("pop.maxLifetime", s.PoP.MaxLifetime, time.Second)
	if s.Processing < 0 {
		ps = append(ps, sec.At("registration.processing", "must not be negative"))
	}
	if s.PoP.Skew < 0 {
		ps = append(ps, sec.At("pop.skew", "must not be negative"))
	}
	if s.ReplayCache < 0 {
		ps = append(ps, sec.At("pop.replayCache", "must not be negative"))
	}
	if s.AuthStatus != http.StatusForbidden && s.AuthStatus != http.StatusUnauthorized {
		ps = append(ps, sec.At("authFailureStatus", "must be 403 or 401"))
	}
	for i, r := range s.PoP.Required {
		if strings.TrimSpace(r) == "" || strings.ContainsAny(r, "; ") {
			ps = append(ps, sec.At(fmt.Sprintf("pop.required[%d]", i), "must be a header name or uri, http-method, body"))
		}
	}
	if !strings.HasPrefix(s.ChannelBase, "wss://") && !strings.HasPrefix(s.ChannelBase, "ws://") {
		ps = append(ps, sec.At("channelBase", "must be a ws:// or wss:// URL"))
	}

	ids := map[string]bool{}
	for i, cs := range c.Clients {
		at := func(f string) string { return fmt.Sprintf("clients[%d]%s", i, f) }
		if cs.ClientID == "" {
			ps = append(ps, sec.At(at(""), "clientId is required"))
		} else if ids[cs.ClientID] {
			ps = append(ps, sec.At(at(".clientId"), fmt.Sprintf("duplicate clientId %q", cs.ClientID)))
		}
		ids[cs.ClientID] = true
		if cs.ClientSecret == "" {
			ps = append(ps, sec.At(at(""), "clientSecret is required"))
		}
		if len(cs.RedirectURIs) == 0 {
			ps = append(ps, sec.At(at(""), "redirectUris needs at least one URI"))
		}
		for j, u := range cs.RedirectURIs {
			pu, err := url.Parse(u)
			if err != nil || pu.Scheme == "" || pu.Fragment != "" || ((pu.Scheme == "http" || pu.Scheme == "https") && pu.Host == "") {
				ps = append(ps, sec.At(fmt.Sprintf("clients[%d].redirectUris[%d]", i, j), "must be an absolute URI without a fragment"))
			}
		}
		key, err := parsePublicKey(cs.PopPublicKey)
		if err != nil {
			ps = append(ps, sec.At(at(".popPublicKey"), err.Error()))
		}
		name := cs.Name
		if name == "" {
			name = cs.ClientID
		}
		s.Clients = append(s.Clients, &Client{ID: cs.ClientID, Secret: cs.ClientSecret, Name: name,
			RedirectURIs: cs.RedirectURIs, PublicKey: key})
	}

	logins := map[string]bool{}
	msisdns := map[string]bool{}
	for i, u := range c.Users {
		if u.Login == "" {
			ps = append(ps, sec.At(fmt.Sprintf("users[%d]", i), "login is required"))
		} else if logins[strings.ToLower(u.Login)] {
			ps = append(ps, sec.At(fmt.Sprintf("users[%d].login", i), fmt.Sprintf("duplicate login %q", u.Login)))
		}
		logins[strings.ToLower(u.Login)] = true
		if u.Password == "" {
			ps = append(ps, sec.At(fmt.Sprintf("users[%d]", i), "password is required"))
		}
		for j, l := range u.Lines {
			at := fmt.Sprintf("users[%d].lines[%d]", i, j)
			if !ValidMSISDN(l.MSISDN) {
				ps = append(ps, sec.At(at+".msisdn", "must be a 10-digit number such as 4251234567"))
			} else if msisdns[l.MSISDN] {
				ps = append(ps, sec.At(at+".msisdn", fmt.Sprintf("line %s belongs to two users", l.MSISDN)))
			}
			msisdns[l.MSISDN] = true
			if l.Processing != nil && l.Processing.D() < 0 {
				ps = append(ps, sec.At(at+".processing", "must not be negative"))
			}
			if l.E911 != (AddressSpec{}) {
				if msg := addressOf(l.E911).Normalize().Validate(); msg != "" {
					ps = append(ps, sec.At(at+".e911", msg))
				}
			}
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

func addressOf(a AddressSpec) Address {
	return Address{Line1: a.Line1, Line2: a.Line2, City: a.City, State: a.State, Zip: a.Zip}
}

// client returns a configured client.
func (s *settings) client(id string) *Client {
	for _, c := range s.Clients {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// SectionType implements provider.Provider: the scenario section's type.
func (p *Provider) SectionType() any { return &Config{} }
