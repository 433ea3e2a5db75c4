package somos

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"time"
)

const (
	issuer   = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TfnIdSim"
	clientID = "tfnidentity-api-consumers"
	keyID    = "tfnidentity-sim-hs256"
)

// UserSpec creates or changes a user (scenario seed and control API).
type UserSpec struct {
	Email       string `json:"email"`
	Role        string `json:"role"`
	EntityID    string `json:"entity"`
	RespOrgID   string `json:"respOrg"`
	GivenName   string `json:"givenName"`
	FamilyName  string `json:"familyName"`
	PhoneNumber string `json:"phoneNumber"`
	UserName    string `json:"userName"`
	Enabled     *bool  `json:"enabled"`
}

// checkUserSpec validates a user spec; it returns the role and a message
// naming the bad field, or "".
func checkUserSpec(u UserSpec) (Role, string, string) {
	if !strings.Contains(u.Email, "@") {
		return "", "email", "must be an email address"
	}
	role, ok := ParseRole(u.Role)
	if !ok {
		return "", "role", "must be Admin, RespOrgAdmin or RespOrgUser"
	}
	if role != RoleAdmin {
		if len(u.RespOrgID) != 5 {
			return "", "respOrg", "a RespOrg user needs a 5-character Resp Org id"
		}
		if u.EntityID != "" && !strings.EqualFold(u.EntityID, u.RespOrgID[:2]) {
			return "", "entity", "must be the first 2 characters of the Resp Org id"
		}
	}
	return role, "", ""
}

// UpsertUser creates a user or updates the given fields of an existing one.
func (s *Store) UpsertUser(spec UserSpec) (User, error) {
	role, field, msg := checkUserSpec(spec)
	if msg != "" {
		return User{}, badRequest("%s: %s", field, msg)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.upsertUserLocked(spec, role), nil
}

func (s *Store) upsertUserLocked(spec UserSpec, role Role) User {
	key := strings.ToLower(spec.Email)
	u, ok := s.users[key]
	if !ok {
		u = &User{Email: spec.Email, UserName: spec.UserName, Enabled: true, PasswordLastUpdated: s.nowMs(), PhoneNumber: "+14695550100"}
		if u.UserName == "" {
			u.UserName = s.newUUID()
		}
		s.users[key] = u
	}
	u.Role = role
	if role == RoleAdmin {
		u.RespOrgID = strings.ToUpper(spec.RespOrgID)
		u.EntityID = strings.ToUpper(spec.EntityID)
	} else {
		u.RespOrgID = strings.ToUpper(spec.RespOrgID)
		u.EntityID = entityOf(u.RespOrgID)
	}
	if spec.GivenName != "" {
		u.GivenName = spec.GivenName
	}
	if spec.FamilyName != "" {
		u.FamilyName = spec.FamilyName
	}
	if spec.PhoneNumber != "" {
		u.PhoneNumber = spec.PhoneNumber
	}
	if spec.Enabled != nil {
		u.Enabled = *spec.Enabled
	}
	return *u
}

// IssueRefreshToken gives a user a new API refresh token. token may be
// fixed by the caller (scenario, control API); ttl 0 uses the configured
// refresh lifetime, a negative ttl never expires.
func (s *Store) IssueRefreshToken(email, token string, ttl time.Duration) (RefreshToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[strings.ToLower(email)]
	if !ok {
		return RefreshToken{}, notFound("User %s not found", email)
	}
	if token != "" {
		if _, dup := s.refresh[token]; dup {
			return RefreshToken{}, badRequest("refresh token already exists")
		}
	}
	return *s.issueRefreshLocked(u, token, ttl), nil
}

func (s *Store) issueRefreshLocked(u *User, token string, ttl time.Duration) *RefreshToken {
	if token == "" {
		// Cognito refresh tokens are opaque JWE strings.
		token = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ." +
			base64.RawURLEncoding.EncodeToString(s.nextBytes()) + "." + base64.RawURLEncoding.EncodeToString(s.nextBytes())
	}
	if ttl == 0 {
		ttl = s.set.RefreshTTL
	}
	now := s.now()
	rt := &RefreshToken{Token: token, ID: s.newUUID(), Email: u.Email, IssuedAt: now.UnixMilli()}
	if ttl > 0 {
		rt.ExpiresAt = now.Add(ttl).UnixMilli()
	}
	s.refresh[token] = rt
	return rt
}

// AuthResult is the Cognito AuthenticationResult. /public/apitoken runs
// Cognito's refresh flow (REFRESH_TOKEN_AUTH), whose answer carries no new
// RefreshToken: the client keeps using the one it has.
type AuthResult struct {
	AccessToken  string `json:"AccessToken"`
	ExpiresIn    int    `json:"ExpiresIn"`
	IdToken      string `json:"IdToken"`
	RefreshToken string `json:"RefreshToken,omitempty"`
	TokenType    string `json:"TokenType"`
}

// IssueTokens exchanges a refresh token for fresh id and access tokens.
// Failures are 500s, as the document says.
func (s *Store) IssueTokens(refreshToken string) (AuthResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refresh[refreshToken]
	if !ok {
		return AuthResult{}, internalError("NotAuthorizedException: Invalid Refresh Token")
	}
	now := s.now()
	switch {
	case rt.Revoked:
		return AuthResult{}, internalError("NotAuthorizedException: Refresh Token has been revoked")
	case rt.ExpiresAt != 0 && now.UnixMilli() >= rt.ExpiresAt:
		return AuthResult{}, internalError("NotAuthorizedException: Refresh Token has expired")
	}
	u, ok := s.users[strings.ToLower(rt.Email)]
	if !ok {
		return AuthResult{}, internalError("NotAuthorizedException: Invalid Refresh Token")
	}
	if !u.Enabled {
		return AuthResult{}, internalError("NotAuthorizedException: User is disabled.")
	}
	iat := now.Unix()
	exp := now.Add(s.set.TokenTTL).Unix()
	event := s.newUUID()
	base := claims{
		Sub: u.UserName, Iss: issuer, AuthTime: iat, Iat: iat, Exp: exp,
		OriginJti: rt.ID, EventID: event, Groups: []string{string(u.Role)},
	}
	id := base
	id.TokenUse, id.Email, id.Username, id.Aud = "id", u.Email, u.UserName, clientID
	id.Entity, id.RespOrg, id.Jti = u.EntityID, u.RespOrgID, s.newUUID()
	acc := base
	acc.TokenUse, acc.ClientID, acc.UserName2, acc.Scope = "access", clientID, u.UserName, "aws.cognito.signin.user.admin"
	acc.Jti = s.newUUID()
	idTok, err := signJWT(s.secret, keyID, id)
	if err != nil {
		return AuthResult{}, internalError("%v", err)
	}
	accTok, err := signJWT(s.secret, keyID, acc)
	if err != nil {
		return AuthResult{}, internalError("%v", err)
	}
	u.LastLogin = now.UnixMilli()
	return AuthResult{AccessToken: accTok, ExpiresIn: int(s.set.TokenTTL / time.Second), IdToken: idTok, TokenType: "Bearer"}, nil
}

// Authenticate checks an IdToken (with or without "Bearer ") as the API
// Gateway's Cognito authorizer does, and returns the caller.
func (s *Store) Authenticate(header string) (*Caller, error) {
	tok := strings.TrimSpace(header)
	if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
		tok = strings.TrimSpace(tok[7:])
	}
	if tok == "" {
		return nil, errUnauthorized
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.verifyIDLocked(tok)
	if err != nil || c.TokenUse != "id" || c.Iss != issuer {
		return nil, errUnauthorized
	}
	if s.now().Unix() >= c.Exp {
		return nil, errTokenExpired
	}
	u, ok := s.users[strings.ToLower(c.Email)]
	if !ok || !u.Enabled || u.UserName != c.Sub {
		return nil, errUnauthorized
	}
	return &Caller{Email: u.Email, UserName: u.UserName, Role: u.Role, EntityID: u.EntityID, RespOrgID: u.RespOrgID, OriginJTI: c.OriginJti}, nil
}

// verifiedToken is a token whose signature checked out, with its claims.
type verifiedToken struct {
	token  string
	claims claims
}

// verifyIDLocked is parseJWT for the token of Authorization headers. A
// client sends the same IdToken again and again, so the tenant keeps the
// last one it verified: the shared memo's key is as long as the token and
// built on every lookup. Only the signature is remembered; expiry, token
// use and the user are checked on every request as before.
func (s *Store) verifyIDLocked(tok string) (claims, error) {
	if s.lastID.token == tok && tok != "" {
		return s.lastID.claims, nil
	}
	c, err := parseJWT(s.secret, tok)
	if err == nil {
		s.lastID = verifiedToken{token: tok, claims: c}
	}
	return c, err
}

// ResetTokens revokes every refresh token issued to the caller; the access
// token in the body must be the caller's, unexpired and not revoked.
func (s *Store) ResetTokens(caller *Caller, accessToken string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.TrimSpace(accessToken) == "" {
		return 0, badRequest("accessToken is required")
	}
	c, err := parseJWT(s.secret, strings.TrimSpace(accessToken))
	if err != nil || c.TokenUse != "access" {
		return 0, badRequest("NotAuthorizedException: Invalid Access Token")
	}
	if s.now().Unix() >= c.Exp {
		return 0, badRequest("NotAuthorizedException: Access Token has expired")
	}
	if c.Sub != caller.UserName {
		return 0, notAuthorized("Access Token does not belong to the authenticated user")
	}
	for _, rt := range s.refresh {
		if rt.ID == c.OriginJti && rt.Revoked {
			return 0, badRequest("NotAuthorizedException: Access Token has been revoked")
		}
	}
	return s.revokeTokensLocked(caller.Email), nil
}

// revokeTokensLocked revokes every live refresh token of the user with the
// given email and returns how many it revoked. s.mu must be held.
func (s *Store) revokeTokensLocked(email string) int {
	n := 0
	for _, rt := range s.refresh {
		if strings.EqualFold(rt.Email, email) && !rt.Revoked {
			rt.Revoked = true
			n++
		}
	}
	return n
}

// ---- administration -------------------------------------------------------

// UserScope says which users an admin endpoint may touch: the global routes
// (Admin only) or one entity's (/admin/user/{entity}/..., RespOrgAdmin of
// that entity, or Admin).
type UserScope struct {
	Global bool
	Entity string // "entity" means the caller's own
}

func (s *Store) authorizeScope(c *Caller, sc UserScope) (string, error) {
	if sc.Global {
		if !c.IsAdmin() {
			return "", notAuthorized("User is not authorized to perform this action: requires role Admin")
		}
		return "", nil
	}
	own := strings.EqualFold(sc.Entity, "entity")
	ent := strings.ToUpper(sc.Entity)
	if own {
		ent = c.EntityID
	}
	switch c.Role {
	case RoleAdmin:
		// An Admin belongs to no entity: on the literal /admin/user/entity/
		// paths it acts on any user, as on the global routes.
		if own {
			return "", nil
		}
		return ent, nil
	case RoleRespOrgAdmin:
		if ent != c.EntityID {
			return "", notAuthorized("User is not authorized to manage users of entity %s", ent)
		}
		return ent, nil
	}
	return "", notAuthorized("User is not authorized to perform this action: requires role RespOrgAdmin")
}

// ListUsers lists users in scope; enabled is "", "Y" or "N".
func (s *Store) ListUsers(c *Caller, sc UserScope, enabled string) ([]User, error) {
	ent, err := s.authorizeScope(c, sc)
	if err != nil {
		return nil, err
	}
	var want *bool
	switch strings.ToUpper(strings.TrimSpace(enabled)) {
	case "":
	case "Y", "YES", "TRUE":
		t := true
		want = &t
	case "N", "NO", "FALSE":
		f := false
		want = &f
	default:
		return nil, badRequest("enabled must be Y or N")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []User{}
	for _, u := range s.users {
		if ent != "" && u.EntityID != ent {
			continue
		}
		if want != nil && u.Enabled != *want {
			continue
		}
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Email) < strings.ToLower(out[j].Email) })
	return out, nil
}

// UserChange is one of the admin actions on a user.
type UserChange struct {
	Email      string
	UserName   string
	Action     string // promote, demote, enable, disable, update
	GivenName  *string
	FamilyName *string
}

// ChangeUser applies an admin action to one user and returns it.
func (s *Store) ChangeUser(c *Caller, sc UserScope, ch UserChange) (User, error) {
	ent, err := s.authorizeScope(c, sc)
	if err != nil {
		return User{}, err
	}
	if strings.TrimSpace(ch.Email) == "" && strings.TrimSpace(ch.UserName) == "" {
		return User{}, badRequest("email is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var u *User
	if ch.Email != "" {
		u = s.users[strings.ToLower(strings.TrimSpace(ch.Email))]
	} else {
		for _, x := range s.users {
			if x.UserName == ch.UserName {
				u = x
			}
		}
	}
	if u == nil || (ch.Email != "" && ch.UserName != "" && u.UserName != ch.UserName) {
		return User{}, notFound("User %s not found", firstNonEmpty(ch.Email, ch.UserName))
	}
	if ent != "" && u.EntityID != ent {
		return User{}, notAuthorized("User is not authorized to manage users of entity %s", u.EntityID)
	}
	switch ch.Action {
	case "promote":
		switch u.Role {
		case RoleRespOrgUser:
			u.Role = RoleRespOrgAdmin
		case RoleRespOrgAdmin:
			return User{}, badRequest("User %s is already a RespOrgAdmin", u.Email)
		default:
			return User{}, badRequest("User %s is an Admin and cannot be promoted", u.Email)
		}
	case "demote":
		switch u.Role {
		case RoleRespOrgAdmin:
			u.Role = RoleRespOrgUser
		case RoleRespOrgUser:
			return User{}, badRequest("User %s is already a RespOrgUser", u.Email)
		default:
			return User{}, badRequest("User %s is an Admin and cannot be demoted", u.Email)
		}
	case "enable":
		u.Enabled = true
	case "disable":
		if strings.EqualFold(u.Email, c.Email) {
			return User{}, badRequest("Users cannot disable themselves")
		}
		u.Enabled = false
	case "update":
		if ch.GivenName == nil && ch.FamilyName == nil {
			return User{}, badRequest("firstName or lastName is required")
		}
		if ch.GivenName != nil {
			u.GivenName = strings.TrimSpace(*ch.GivenName)
		}
		if ch.FamilyName != nil {
			u.FamilyName = strings.TrimSpace(*ch.FamilyName)
		}
	default:
		return User{}, &Error{Status: http.StatusInternalServerError, Message: "unknown action " + ch.Action}
	}
	return *u, nil
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// ControlUser is a user with its refresh tokens, for the control API.
type ControlUser struct {
	User
	RefreshTokens []RefreshToken `json:"refreshTokens"`
}

// ControlUsers lists every user and their refresh tokens.
func (s *Store) ControlUsers() []ControlUser {
	s.mu.Lock()
	defer s.mu.Unlock()
	users := sortedValues(s.users, func(u *User) string { return strings.ToLower(u.Email) })
	toks := sortedValues(s.refresh, func(t *RefreshToken) string { return t.Token })
	out := make([]ControlUser, 0, len(users))
	for _, u := range users {
		cu := ControlUser{User: *u, RefreshTokens: []RefreshToken{}}
		for _, t := range toks {
			if strings.EqualFold(t.Email, u.Email) {
				cu.RefreshTokens = append(cu.RefreshTokens, *t)
			}
		}
		out = append(out, cu)
	}
	return out
}
