package somos

import (
	"strings"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Actions implements provider.Actor: the TFN Identity levers a scenario's
// events: list can schedule.
func (p *Provider) Actions() map[string]string {
	return map[string]string{
		"partner-fail":    "make the partner propagation of a TFN fail: {tfn, times} (times 0 or absent: every propagation until partner-succeed)",
		"partner-succeed": "let the partner propagation of a TFN succeed again: {tfn}",
		"revoke-tokens":   "revoke every refresh token of a user, as POST /users/resettokens does: {email}",
		"disable-user":    "disable a user (its tokens stop working, refresh is refused): {email}",
		"enable-user":     "enable a disabled user again: {email}",
	}
}

// Action implements provider.Actor.
func (p *Provider) Action(name string, args scenario.Section) (func(tenant.State) error, error) {
	switch name {
	case "partner-fail", "partner-succeed":
		var a struct {
			TFN   string `yaml:"tfn"`
			Times *int   `yaml:"times"`
		}
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		var ps scenario.Problems
		switch {
		case a.TFN == "":
			ps = append(ps, args.At("tfn", "required: the 10-digit toll-free number"))
		case checkTFN(a.TFN) != nil:
			ps = append(ps, args.At("tfn", checkTFN(a.TFN).Error()))
		}
		if a.Times != nil && name == "partner-succeed" {
			ps = append(ps, args.At("times", "partner-succeed takes no times"))
		}
		if a.Times != nil && *a.Times < 0 {
			ps = append(ps, args.At("times", "must not be negative"))
		}
		if err := ps.Err(); err != nil {
			return nil, err
		}
		tfn, times := a.TFN, 0
		if a.Times != nil {
			times = *a.Times
		}
		return provider.OnState(func(s *Store) error {
			if name == "partner-succeed" {
				s.ClearPartnerFailure(tfn)
				return nil
			}
			return s.FailPartner(tfn, times)
		}), nil
	case "revoke-tokens", "disable-user", "enable-user":
		var a struct {
			Email string `yaml:"email"`
		}
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		switch {
		case a.Email == "":
			return nil, scenario.Problems{args.At("email", "required: the user's email")}
		case !strings.Contains(a.Email, "@"):
			return nil, scenario.Problems{args.At("email", "must be an email address")}
		}
		email := a.Email
		return provider.OnState(func(s *Store) error {
			switch name {
			case "revoke-tokens":
				_, err := s.RevokeUserTokens(email)
				return err
			default:
				return s.SetUserEnabled(email, name == "enable-user")
			}
		}), nil
	}
	return nil, scenario.Problems{args.At("", "unknown somos action "+name)}
}

// RevokeUserTokens revokes every refresh token of a user, as the user's own
// POST /users/resettokens does, and returns how many it revoked. Access and
// id tokens already issued live on until they expire.
func (s *Store) RevokeUserTokens(email string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[strings.ToLower(strings.TrimSpace(email))]
	if !ok {
		return 0, notFound("User %s not found", email)
	}
	return s.revokeTokensLocked(u.Email), nil
}

// SetUserEnabled enables or disables a user, as the admin routes do but
// without a caller.
func (s *Store) SetUserEnabled(email string, enabled bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[strings.ToLower(strings.TrimSpace(email))]
	if !ok {
		return notFound("User %s not found", email)
	}
	u.Enabled = enabled
	return nil
}
