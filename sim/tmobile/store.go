package tmobile

import (
	"crypto/rsa"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/timeline"
)

//go:embed issuer-key.pem
var issuerKeyPEM []byte

var (
	issuerOnce sync.Once
	issuerKey  *rsa.PrivateKey
	issuerKID  string
)

// issuer returns the key that signs the access and refresh tokens the
// simulator issues (a demo key shipped in the package; partners never verify
// these tokens, they only pass them back).
func issuer() (*rsa.PrivateKey, string) {
	issuerOnce.Do(func() {
		k, err := parsePrivateKey(issuerKeyPEM)
		if err != nil {
			panic("tmobile: embedded issuer key: " + err.Error())
		}
		issuerKey = k
		sum := sha256.Sum256(k.N.Bytes())
		issuerKID = hex.EncodeToString(sum[:16])
	})
	return issuerKey, issuerKID
}

// Store is one tenant's T-Mobile world. Its methods are the domain: handlers
// decode, call one method and encode; control levers and scenario events call
// the same methods.
type Store struct {
	mu    sync.RWMutex
	set   *settings
	clock clock.Clock
	faker *gofakeit.Faker

	users     map[string]*User // by lower-cased login
	lines     map[string]*Line // by msisdn
	sessions  map[string]*LoginSession
	codes     map[string]*Code
	links     map[string]*Link
	tokens    map[string]*Token
	e911      map[string]*E911Session
	jtis      map[string]int64 // clientID + " " + jti -> exp (unix seconds)
	prunedTo  int64            // the cutoff jtis were last pruned to
	timers    map[string]func() bool
	tokenCode map[string]string // token value -> code it was issued for
	// story is the tenant's timeline: links, tokens and unlinks go there
	// (nil in store tests).
	story *timeline.Log
}

func newStore(set *settings, clk clock.Clock, faker *gofakeit.Faker) *Store {
	s := &Store{set: set, clock: clk, faker: faker}
	s.reset()
	now := clk.Now()
	for _, u := range set.Users {
		user := &User{Login: u.Login, Password: u.Password, Conflict: u.Conflict, Subject: "U-" + faker.UUID()}
		for _, ls := range u.Lines {
			line := &Line{MSISDN: ls.MSISDN, Owner: u.Login, RegStatus: ls.Registered}
			if ls.E911 != (AddressSpec{}) {
				line.E911 = addressOf(ls.E911).Normalize()
			} else {
				a := faker.Address()
				line.E911 = Address{Line1: a.Street, City: a.City, State: stateCode(faker, a.State), Zip: a.Zip[:min(5, len(a.Zip))]}
				if !zipRE.MatchString(line.E911.Zip) {
					line.E911.Zip = faker.Numerify("9####")
				}
			}
			if ls.Registered {
				t := now
				line.RegisteredAt = &t
			}
			if ls.Processing != nil {
				line.Processing = ls.Processing.D()
			}
			user.Lines = append(user.Lines, ls.MSISDN)
			s.lines[ls.MSISDN] = line
		}
		s.users[strings.ToLower(u.Login)] = user
	}
	return s
}

// stateCode maps the faker's state name to a two-letter code.
func stateCode(f *gofakeit.Faker, name string) string {
	if usStates[name] {
		return name
	}
	code := f.StateAbr()
	if usStates[code] {
		return code
	}
	return "WA"
}

func (s *Store) reset() {
	s.users = map[string]*User{}
	s.lines = map[string]*Line{}
	s.sessions = map[string]*LoginSession{}
	s.codes = map[string]*Code{}
	s.links = map[string]*Link{}
	s.tokens = map[string]*Token{}
	s.e911 = map[string]*E911Session{}
	s.jtis, s.prunedTo = map[string]int64{}, 0
	s.tokenCode = map[string]string{}
	if s.timers == nil {
		s.timers = map[string]func() bool{}
	}
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomID draws n characters from the seeded faker, until unused reports
// true. Callers hold the lock.
func (s *Store) randomID(n int, unused func(string) bool) string {
	for {
		b := make([]byte, n)
		for i := range b {
			b[i] = alnum[s.faker.IntN(len(alnum))]
		}
		if id := string(b); unused(id) {
			return id
		}
	}
}

func (s *Store) randomHex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = "0123456789ABCDEF"[s.faker.IntN(16)]
	}
	return string(b)
}

// NewTransactionID returns a GUID for a request that sent no x-transaction-id.
func (s *Store) NewTransactionID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faker.UUID()
}

// Client returns a registered client, or nil.
func (s *Store) Client(id string) *Client { return s.set.client(id) }

// AuthenticateClient checks a client's credentials (Basic auth).
func (s *Store) AuthenticateClient(id, secret string) (*Client, *Error) {
	c := s.set.client(id)
	if c == nil || c.Secret != secret {
		return nil, authErr(s.set.AuthStatus, ReasonInvalidClient, "client authentication failed: unknown client_id or wrong client_secret")
	}
	return c, nil
}

// CheckPoP verifies a PoP token for a client against the request and the
// wall clock, then spends its jti.
func (s *Store) CheckPoP(c *Client, token string, req popRequest) *Error {
	now := clock.Wall()
	claims, e := verifyPoP(token, c.PublicKey, req, now, s.set.PoP)
	if e != nil {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := c.ID + " " + claims.Jti
	skew := int64(s.set.PoP.Skew / time.Second)
	if _, seen := s.jtis[key]; seen {
		return newErr(s.set.AuthStatus, ReasonPoPReplayed, "PoP token (X-Authorization): jti "+claims.Jti+" was already used",
			"The request could not be authenticated.")
	}
	if cutoff := now.Unix() - skew; cutoff != s.prunedTo {
		// Expiries are whole seconds and an expired token never gets this
		// far, so within one second there is nothing new to prune.
		s.pruneJTIsLocked(cutoff)
		s.prunedTo = cutoff
	}
	if s.set.ReplayCache > 0 && len(s.jtis) >= s.set.ReplayCache {
		// Full of unexpired tokens: forgetting one would let it be
		// replayed, so the newcomer waits until the oldest expires.
		return newErr(http.StatusTooManyRequests, ReasonTooManyRequests,
			fmt.Sprintf("PoP token (X-Authorization): %d unexpired PoP tokens are remembered for replay protection, the most this tenant keeps (pop.replayCache); retry when older ones expire", s.set.ReplayCache),
			"Too many requests. Please try again later.")
	}
	s.jtis[key] = claims.Exp
	return nil
}

// pruneJTIsLocked forgets jtis whose token expired before cutoff: they can
// no longer be replayed anyway.
func (s *Store) pruneJTIsLocked(cutoff int64) {
	for k, exp := range s.jtis {
		if exp < cutoff {
			delete(s.jtis, k)
		}
	}
}

// CheckLinkRequest validates the link page's query: a known client, a
// redirect URI registered for it, and the secret when one is given.
func (s *Store) CheckLinkRequest(clientID, redirectURI, secret string, secretGiven bool) (*Client, string) {
	if clientID == "" {
		return nil, "The request has no client_id."
	}
	c := s.set.client(clientID)
	if c == nil {
		return nil, "The partner application is not registered (unknown client_id)."
	}
	if redirectURI == "" {
		return nil, "The request has no redirect_uri."
	}
	if !c.AllowsRedirect(redirectURI) {
		return nil, "The redirect_uri is not registered for this partner application."
	}
	if secretGiven && secret != c.Secret {
		return nil, "The client_secret is wrong."
	}
	return c, ""
}

// LinePick is a line offered on the link page.
type LinePick struct {
	MSISDN    string
	Display   string
	RegStatus bool
}

// Login checks a subscriber's password and opens a session to pick a line.
func (s *Store) Login(clientID, redirectURI, login, password string) (*LoginSession, []LinePick, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[strings.ToLower(strings.TrimSpace(login))]
	if u == nil || u.Password != password {
		return nil, nil, false
	}
	now := s.clock.Now()
	for id, ss := range s.sessions {
		if !now.Before(ss.Expires) {
			delete(s.sessions, id)
		}
	}
	sess := &LoginSession{
		ID:       s.randomID(32, func(id string) bool { return s.sessions[id] == nil }),
		ClientID: clientID, RedirectURI: redirectURI, Login: u.Login, Expires: now.Add(s.set.PageTTL),
	}
	s.sessions[sess.ID] = sess
	return sess, s.picksLocked(u), true
}

func (s *Store) picksLocked(u *User) []LinePick {
	out := make([]LinePick, 0, len(u.Lines))
	for _, m := range u.Lines {
		l := s.lines[m]
		out = append(out, LinePick{MSISDN: m, Display: FormatMSISDN(m), RegStatus: l != nil && l.RegStatus})
	}
	return out
}

// Session returns an open login session bound to the client and redirect
// URI, with the user's lines.
func (s *Store) Session(id, clientID, redirectURI string) (*LoginSession, []LinePick, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ss := s.sessions[id]
	if ss == nil || ss.ClientID != clientID || ss.RedirectURI != redirectURI || !s.clock.Now().Before(ss.Expires) {
		return nil, nil, false
	}
	u := s.users[strings.ToLower(ss.Login)]
	if u == nil {
		return nil, nil, false
	}
	return ss, s.picksLocked(u), true
}

// IssueCode ends a login session with the line the subscriber picked and
// returns an authorization code.
func (s *Store) IssueCode(sessionID, clientID, redirectURI, msisdn string) (string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	ss := s.sessions[sessionID]
	if ss == nil || ss.ClientID != clientID || ss.RedirectURI != redirectURI || !now.Before(ss.Expires) {
		return "", "Your session has expired. Please sign in again."
	}
	u := s.users[strings.ToLower(ss.Login)]
	owned := false
	if u != nil {
		for _, m := range u.Lines {
			owned = owned || m == msisdn
		}
	}
	if !owned {
		return "", "Please choose one of your lines."
	}
	delete(s.sessions, sessionID)
	for c, code := range s.codes {
		if !now.Before(code.Expires.Add(time.Hour)) {
			delete(s.codes, c)
		}
	}
	code := &Code{
		Code:     s.randomID(40, func(id string) bool { return s.codes[id] == nil }),
		ClientID: clientID, RedirectURI: redirectURI, Login: ss.Login, MSISDN: msisdn,
		Issued: now, Expires: now.Add(s.set.CodeTTL),
	}
	s.codes[code.Code] = code
	return code.Code, ""
}

// ExchangeCode redeems an authorization code for tokens.
func (s *Store) ExchangeCode(c *Client, code, redirectURI string) (tokenResponse, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	cd := s.codes[code]
	switch {
	case cd == nil:
		return tokenResponse{}, errGrant("authorization code is unknown")
	case cd.ClientID != c.ID:
		return tokenResponse{}, errGrant("authorization code was issued to another client")
	case cd.UsedAt != nil:
		// RFC 6749 4.1.2: a code used twice revokes what it was exchanged for.
		for v, from := range s.tokenCode {
			if from == cd.Code {
				if t := s.tokens[v]; t != nil && t.Revoked == nil {
					t.Revoked = &now
				}
			}
		}
		return tokenResponse{}, errGrant("authorization code has already been used")
	case !now.Before(cd.Expires):
		return tokenResponse{}, errGrant("authorization code has expired")
	case cd.RedirectURI != redirectURI:
		return tokenResponse{}, errGrant("redirect_uri does not match the one the authorization code was issued for")
	}
	cd.UsedAt = &now
	link := s.linkLocked(c.ID, cd.Login, cd.MSISDN, now)
	s.startRegistrationLocked(cd.MSISDN, now)
	resp, err := s.issuePairLocked(link, now, cd.Code)
	if err != nil {
		return tokenResponse{}, err
	}
	return resp, nil
}

// linkLocked returns the client's active link to a line, creating it.
func (s *Store) linkLocked(clientID, login, msisdn string, now time.Time) *Link {
	for _, l := range s.links {
		if l.Active() && l.ClientID == clientID && l.MSISDN == msisdn {
			return l
		}
	}
	l := &Link{
		ID:       "L-" + s.randomID(16, func(id string) bool { return s.links["L-"+id] == nil }),
		ClientID: clientID, Login: login, MSISDN: msisdn, Created: now,
		ChannelURL: s.set.ChannelBase + "/" + s.randomHex(64) + "/channels/mavch1/notifications",
	}
	s.links[l.ID] = l
	return l
}

type tokenClaims struct {
	Iss      string `json:"iss"`
	Aud      string `json:"aud"`
	Scope    string `json:"scope"`
	ClientID string `json:"client_id"`
	Usn      string `json:"usn"`
	Iat      int64  `json:"iat"`
	Exp      int64  `json:"exp"`
	Sub      string `json:"sub"`
	Jti      string `json:"jti"`
	TokenUse string `json:"token_use,omitempty"`
}

type jwtHeader struct {
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Typ string `json:"typ"`
}

func (s *Store) mintLocked(link *Link, kind string, now time.Time, ttl time.Duration) (*Token, *Error) {
	key, kid := issuer()
	u := s.users[strings.ToLower(link.Login)]
	sub := ""
	if u != nil {
		sub = u.Subject
	}
	usn := sha256.Sum256([]byte(link.Login + "/" + link.MSISDN))
	claims := tokenClaims{
		Iss: s.set.Issuer, Aud: link.ClientID, Scope: s.set.Scope, ClientID: link.ClientID,
		Usn: hex.EncodeToString(usn[:8]), Iat: now.Unix(), Exp: now.Add(ttl).Unix(), Sub: sub,
		Jti: s.faker.UUID(),
	}
	if kind == KindRefresh {
		claims.TokenUse = "refresh"
	}
	v, err := signRS256(key, jwtHeader{Kid: kid, Alg: "RS256", Typ: "JWT"}, claims)
	if err != nil {
		return nil, newErr(http.StatusInternalServerError, ReasonServerError, "signing the token failed", "Service unavailable.")
	}
	t := &Token{Value: v, Kind: kind, LinkID: link.ID, ClientID: link.ClientID, Issued: now, Expires: now.Add(ttl)}
	s.tokens[v] = t
	return t, nil
}

func (s *Store) issuePairLocked(link *Link, now time.Time, code string) (tokenResponse, *Error) {
	at, err := s.mintLocked(link, KindAccess, now, s.set.AccessTTL)
	if err != nil {
		return tokenResponse{}, err
	}
	rt, err := s.mintLocked(link, KindRefresh, now, s.set.RefreshTTL)
	if err != nil {
		return tokenResponse{}, err
	}
	if code != "" {
		s.tokenCode[at.Value], s.tokenCode[rt.Value] = code, code
	}
	s.story.Add(timeline.Item{Time: now, Kind: timeline.KindLifecycle, Provider: "tmobile",
		Summary: fmt.Sprintf("access token issued to %s for line %s; it lives until %s", link.ClientID, link.MSISDN, at.Expires.UTC().Format(time.RFC3339)),
		Numbers: []string{timeline.Normalize(link.MSISDN)},
		Detail:  map[string]string{"client": link.ClientID, "line": link.MSISDN, "expires": at.Expires.UTC().Format(time.RFC3339)}})
	return tokenResponse{AccessToken: at.Value, RefreshToken: rt.Value, TokenType: "Bearer",
		ExpiresIn: int64(s.set.AccessTTL / time.Second)}, nil
}

// Refresh redeems a refresh token for a new pair; the old refresh token is
// spent (rotation), the old access token lives on until it expires.
func (s *Store) Refresh(c *Client, refresh string) (tokenResponse, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	t := s.tokens[refresh]
	switch {
	case t == nil || t.Kind != KindRefresh:
		return tokenResponse{}, errGrant("refresh_token is unknown")
	case t.ClientID != c.ID:
		return tokenResponse{}, errGrant("refresh_token was issued to another client")
	case t.Revoked != nil:
		return tokenResponse{}, errGrant("refresh_token has been revoked")
	case !now.Before(t.Expires):
		return tokenResponse{}, errGrant("refresh_token has expired")
	}
	link := s.links[t.LinkID]
	if link == nil || !link.Active() {
		return tokenResponse{}, errGrant("the account has been unlinked")
	}
	t.Revoked = &now
	return s.issuePairLocked(link, now, "")
}

// TokenClient returns the client an access token was issued to, whatever the
// token's state, so the PoP can be checked with the right key.
func (s *Store) TokenClient(value string) (*Client, *Error) {
	s.mu.RLock()
	t := s.tokens[value]
	s.mu.RUnlock()
	if t == nil || t.Kind != KindAccess {
		return nil, authErr(s.set.AuthStatus, ReasonInvalidToken, "access token is invalid")
	}
	c := s.set.client(t.ClientID)
	if c == nil {
		return nil, authErr(s.set.AuthStatus, ReasonInvalidToken, "access token belongs to an unknown client")
	}
	return c, nil
}

// CheckAccess reports whether an access token is usable now (tenant clock).
func (s *Store) CheckAccess(value string) *Error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, err := s.accessLocked(value, s.clock.Now())
	return err
}

func (s *Store) accessLocked(value string, now time.Time) (*Token, *Error) {
	t := s.tokens[value]
	switch {
	case t == nil || t.Kind != KindAccess:
		return nil, authErr(s.set.AuthStatus, ReasonInvalidToken, "access token is invalid")
	case t.Revoked != nil:
		return nil, authErr(s.set.AuthStatus, ReasonTokenRevoked, "access token has been revoked")
	case !now.Before(t.Expires):
		return nil, authErr(s.set.AuthStatus, ReasonTokenExpired, "access token has expired")
	}
	if l := s.links[t.LinkID]; l == nil || !l.Active() {
		return nil, authErr(s.set.AuthStatus, ReasonTokenRevoked, "the account has been unlinked")
	}
	return t, nil
}

// StatusResult is the registration status of a client's link.
type StatusResult struct {
	Processing bool
	ChannelURL string
	Lines      []registrationInfo
}

// Status reports the registration of the lines the token's client linked
// for the token's subscriber.
func (s *Store) Status(access string) (StatusResult, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	t, err := s.accessLocked(access, now)
	if err != nil {
		return StatusResult{}, err
	}
	link := s.links[t.LinkID]
	u := s.users[strings.ToLower(link.Login)]
	if u != nil && u.Conflict {
		return StatusResult{}, newErr(http.StatusConflict, ReasonAccountConflict,
			"the account is in conflict: its registration cannot be completed",
			"Your account has a conflict. Please contact T-Mobile customer care.")
	}
	res := StatusResult{ChannelURL: link.ChannelURL, Lines: []registrationInfo{}}
	linked := map[string]bool{}
	for _, l := range s.links {
		if l.Active() && l.ClientID == link.ClientID && l.Login == link.Login {
			linked[l.MSISDN] = true
		}
	}
	var order []string
	if u != nil {
		order = u.Lines
	} else {
		order = []string{link.MSISDN}
	}
	for _, m := range order {
		line := s.lines[m]
		if !linked[m] || line == nil {
			continue
		}
		if line.RegDue != nil && !now.Before(*line.RegDue) {
			s.completeLocked(line, *line.RegDue)
		}
		if line.RegDue != nil {
			res.Processing = true
		}
		res.Lines = append(res.Lines, registrationInfo{MSISDN: m, RegStatus: line.RegStatus})
	}
	return res, nil
}

// startRegistrationLocked begins a line's registration unless it is
// registered or already processing.
func (s *Store) startRegistrationLocked(msisdn string, now time.Time) {
	line := s.lines[msisdn]
	if line == nil || line.RegStatus || line.RegDue != nil {
		return
	}
	d := s.set.Processing
	if line.Processing > 0 {
		d = line.Processing
	}
	if d == 0 {
		s.completeLocked(line, now)
		return
	}
	due := now.Add(d)
	line.RegDue = &due
	s.armLocked(msisdn, due)
}

func (s *Store) armLocked(msisdn string, due time.Time) {
	if cancel := s.timers[msisdn]; cancel != nil {
		cancel()
	}
	s.timers[msisdn] = s.clock.At(due, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if line := s.lines[msisdn]; line != nil && line.RegDue != nil && line.RegDue.Equal(due) {
			s.completeLocked(line, due)
		}
	})
}

func (s *Store) completeLocked(line *Line, at time.Time) {
	if cancel := s.timers[line.MSISDN]; cancel != nil {
		cancel()
		delete(s.timers, line.MSISDN)
	}
	line.RegDue = nil
	line.RegStatus = true
	line.RegisteredAt = &at
}

// CompleteRegistration registers a line now (control lever, scenario event).
func (s *Store) CompleteRegistration(msisdn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	line := s.lines[msisdn]
	if line == nil {
		return fmt.Errorf("no line %s", msisdn)
	}
	if !line.RegStatus {
		s.completeLocked(line, s.clock.Now())
	}
	return nil
}

// SetConflict puts a subscriber's account in conflict (status answers 409)
// or takes it out.
func (s *Store) SetConflict(login string, on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[strings.ToLower(login)]
	if u == nil {
		return fmt.Errorf("no account %q", login)
	}
	u.Conflict = on
	return nil
}

// Unlink ends the token's link: every token of the link is revoked and the
// line is deregistered unless another client still links it.
func (s *Store) Unlink(access string) *Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	t, err := s.accessLocked(access, now)
	if err != nil {
		return err
	}
	link := s.links[t.LinkID]
	link.Unlinked = &now
	for _, tk := range s.tokens {
		if tk.LinkID == link.ID && tk.Revoked == nil {
			tk.Revoked = &now
		}
	}
	for _, l := range s.links {
		if l.Active() && l.MSISDN == link.MSISDN {
			return nil
		}
	}
	if line := s.lines[link.MSISDN]; line != nil {
		if cancel := s.timers[line.MSISDN]; cancel != nil {
			cancel()
			delete(s.timers, line.MSISDN)
		}
		line.RegDue, line.RegStatus, line.RegisteredAt = nil, false, nil
	}
	return nil
}

// E911View is what the change-emergency-address page shows.
type E911View struct {
	SessionID string
	MSISDN    string
	Address   Address
}

// OpenE911 opens the change-emergency-address page for an access token.
func (s *Store) OpenE911(access, success, failure string) (E911View, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	t, err := s.accessLocked(access, now)
	if err != nil {
		return E911View{}, err
	}
	for id, es := range s.e911 {
		if !now.Before(es.Expires) {
			delete(s.e911, id)
		}
	}
	link := s.links[t.LinkID]
	es := &E911Session{
		ID:     s.randomID(32, func(id string) bool { return s.e911[id] == nil }),
		LinkID: link.ID, Token: access, SuccessURL: success, FailureURL: failure, Expires: now.Add(s.set.PageTTL),
	}
	s.e911[es.ID] = es
	return E911View{SessionID: es.ID, MSISDN: link.MSISDN, Address: s.lines[link.MSISDN].E911}, nil
}

// E911Page returns an open page session and the line's current address.
func (s *Store) E911Page(id string) (E911Session, E911View, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	es := s.e911[id]
	if es == nil || !s.clock.Now().Before(es.Expires) {
		return E911Session{}, E911View{}, false
	}
	link := s.links[es.LinkID]
	return *es, E911View{SessionID: es.ID, MSISDN: link.MSISDN, Address: s.lines[link.MSISDN].E911}, true
}

// E911 failure codes, sent to the failure URL as error=<code>.
const (
	E911InvalidToken   = "invalid_token"
	E911InvalidAddress = "invalid_address"
	E911Cancelled      = "cancelled"
)

// SubmitE911 changes the line's e911 address from an open page session. It
// returns the session (for its redirect URLs) and, on failure, an error code
// and message; the session is spent either way.
func (s *Store) SubmitE911(id string, addr Address, cancel bool) (E911Session, string, string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	es := s.e911[id]
	if es == nil || !now.Before(es.Expires) {
		return E911Session{}, "", "", false
	}
	delete(s.e911, id)
	if cancel {
		return *es, E911Cancelled, "the subscriber cancelled", true
	}
	if _, err := s.accessLocked(es.Token, now); err != nil {
		return *es, E911InvalidToken, err.SystemMessage, true
	}
	addr = addr.Normalize()
	if msg := addr.Validate(); msg != "" {
		return *es, E911InvalidAddress, msg, true
	}
	line := s.lines[s.links[es.LinkID].MSISDN]
	line.E911 = addr
	line.E911Set = &now
	return *es, "", "", true
}

// Overview is the tenant's T-Mobile world for the control API and dashboard.
type Overview struct {
	Clients []ClientView `json:"clients"`
	Users   []User       `json:"users"`
	Lines   []Line       `json:"lines"`
	Links   []Link       `json:"links"`
}

// ClientView is a client without its secret or key.
type ClientView struct {
	ClientID     string   `json:"clientId"`
	Name         string   `json:"name"`
	RedirectURIs []string `json:"redirectUris"`
}

// Overview returns the world's clients, accounts, lines and links.
func (s *Store) Overview() Overview {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := s.snapshotLocked()
	o := Overview{Users: snap.Users, Lines: snap.Lines, Links: snap.Links}
	for _, c := range s.set.Clients {
		o.Clients = append(o.Clients, ClientView{ClientID: c.ID, Name: c.Name, RedirectURIs: c.RedirectURIs})
	}
	for i := range o.Users {
		o.Users[i].Password = ""
	}
	return o
}

// Line returns a copy of a line.
func (s *Store) Line(msisdn string) (Line, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.lines[msisdn]
	if l == nil {
		return Line{}, false
	}
	return *l, true
}

// snapshot is the exported state. Clients are not in it: they come from the
// scenario.
type snapshot struct {
	Users         []User         `json:"users"`
	Lines         []Line         `json:"lines"`
	LoginSessions []LoginSession `json:"loginSessions"`
	Codes         []Code         `json:"codes"`
	Links         []Link         `json:"links"`
	Tokens        []Token        `json:"tokens"`
	TokenCodes    []tokenCode    `json:"tokenCodes"`
	E911Sessions  []E911Session  `json:"e911Sessions"`
	SeenJTIs      []seenJTI      `json:"seenJtis"`
}

type tokenCode struct {
	Token string `json:"token"`
	Code  string `json:"code"`
}

type seenJTI struct {
	Key string `json:"key"`
	Exp int64  `json:"exp"`
}

func sortedValues[T any](m map[string]*T) []T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, *m[k])
	}
	return out
}

func (s *Store) snapshotLocked() snapshot {
	snap := snapshot{
		Users: sortedValues(s.users), Lines: sortedValues(s.lines), LoginSessions: sortedValues(s.sessions),
		Codes: sortedValues(s.codes), Links: sortedValues(s.links), Tokens: sortedValues(s.tokens),
		E911Sessions: sortedValues(s.e911), TokenCodes: []tokenCode{}, SeenJTIs: []seenJTI{},
	}
	for t, c := range s.tokenCode {
		snap.TokenCodes = append(snap.TokenCodes, tokenCode{Token: t, Code: c})
	}
	sort.Slice(snap.TokenCodes, func(i, j int) bool { return snap.TokenCodes[i].Token < snap.TokenCodes[j].Token })
	for k, exp := range s.jtis {
		snap.SeenJTIs = append(snap.SeenJTIs, seenJTI{Key: k, Exp: exp})
	}
	sort.Slice(snap.SeenJTIs, func(i, j int) bool { return snap.SeenJTIs[i].Key < snap.SeenJTIs[j].Key })
	return snap
}

// Export implements tenant.State.
func (s *Store) Export() any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snapshotLocked()
}

// Import implements tenant.State: it replaces the state and re-arms the
// timers of registrations in progress.
func (s *Store) Import(data json.RawMessage) error {
	var snap snapshot
	if err := tenant.DecodeState(data, &snap); err != nil {
		return err
	}
	if ps := snap.check(); len(ps) > 0 {
		return ps
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, cancel := range s.timers {
		cancel()
		delete(s.timers, k)
	}
	s.reset()
	for i := range snap.Users {
		u := snap.Users[i]
		s.users[strings.ToLower(u.Login)] = &u
	}
	for i := range snap.Lines {
		l := snap.Lines[i]
		s.lines[l.MSISDN] = &l
		if l.RegDue != nil {
			s.armLocked(l.MSISDN, *l.RegDue)
		}
	}
	for i := range snap.LoginSessions {
		v := snap.LoginSessions[i]
		s.sessions[v.ID] = &v
	}
	for i := range snap.Codes {
		v := snap.Codes[i]
		s.codes[v.Code] = &v
	}
	for i := range snap.Links {
		v := snap.Links[i]
		s.links[v.ID] = &v
	}
	for i := range snap.Tokens {
		v := snap.Tokens[i]
		s.tokens[v.Value] = &v
	}
	for _, tc := range snap.TokenCodes {
		s.tokenCode[tc.Token] = tc.Code
	}
	for i := range snap.E911Sessions {
		v := snap.E911Sessions[i]
		s.e911[v.ID] = &v
	}
	for _, j := range snap.SeenJTIs {
		s.jtis[j.Key] = j.Exp
	}
	return nil
}
