package tmobile

import (
	"fmt"
	"strings"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Actions implements provider.Actor: the levers a scenario's events: list
// can schedule.
func (p *Provider) Actions() map[string]string {
	return map[string]string{
		"complete-registration": "register a line now, ending its processing (GET /account/status stops answering 202): {msisdn}",
		"conflict":              "put a subscriber's account in conflict (GET /account/status answers 409): {login}",
		"clear-conflict":        "take a subscriber's account out of conflict: {login}",
		"revoke-tokens":         "revoke every access and refresh token issued for a subscriber (all clients, or one with clientId): {login, clientId}",
	}
}

// Action implements provider.Actor.
func (p *Provider) Action(name string, args scenario.Section) (func(tenant.State) error, error) {
	switch name {
	case "complete-registration":
		var a struct {
			MSISDN string `yaml:"msisdn"`
		}
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		switch {
		case a.MSISDN == "":
			return nil, scenario.Problems{args.At("msisdn", "required: the line's 10-digit number")}
		case !ValidMSISDN(a.MSISDN):
			return nil, scenario.Problems{args.At("msisdn", "must be a 10-digit number such as 4251234567")}
		}
		return provider.OnState(func(s *Store) error { return s.CompleteRegistration(a.MSISDN) }), nil
	case "conflict", "clear-conflict", "revoke-tokens":
		var a struct {
			Login    string `yaml:"login"`
			ClientID string `yaml:"clientId"`
		}
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		if strings.TrimSpace(a.Login) == "" {
			return nil, scenario.Problems{args.At("login", "required: the subscriber's login")}
		}
		if a.ClientID != "" && name != "revoke-tokens" {
			return nil, scenario.Problems{args.At("clientId", name+" takes no clientId")}
		}
		return provider.OnState(func(s *Store) error {
			if name == "revoke-tokens" {
				_, err := s.RevokeTokens(a.Login, a.ClientID)
				return err
			}
			return s.SetConflict(a.Login, name == "conflict")
		}), nil
	}
	return nil, scenario.Problems{args.At("", "unknown tmobile action "+name)}
}

// RevokeTokens revokes every unrevoked access and refresh token issued for
// a subscriber's links (only those of clientID when it is not empty), as a
// revocation on the carrier's side would: the links stay, the partner must
// send the subscriber through linkAccount again. It returns how many tokens
// it revoked.
func (s *Store) RevokeTokens(login, clientID string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[strings.ToLower(login)] == nil {
		return 0, fmt.Errorf("no account %q", login)
	}
	now := s.clock.Now()
	n := 0
	for _, t := range s.tokens {
		if t.Revoked != nil {
			continue
		}
		l := s.links[t.LinkID]
		if l == nil || !strings.EqualFold(l.Login, login) || (clientID != "" && t.ClientID != clientID) {
			continue
		}
		t.Revoked = &now
		n++
	}
	return n, nil
}
