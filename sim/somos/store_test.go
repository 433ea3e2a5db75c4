package somos

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokensOnTheClock(t *testing.T) {
	e := newEnv(t, testSection)
	s := e.store
	res, err := s.IssueTokens("demo-refresh-br-user")
	require.NoError(t, err)
	assert.Equal(t, 3600, res.ExpiresIn)
	assert.Equal(t, "Bearer", res.TokenType)
	assert.Empty(t, res.RefreshToken, "Cognito's refresh flow gives no new refresh token")

	c, err := s.Authenticate("Bearer " + res.IdToken)
	require.NoError(t, err)
	assert.Equal(t, "user@br.example", c.Email)
	assert.Equal(t, "BR", c.EntityID)
	_, err = s.Authenticate(res.IdToken)
	require.NoError(t, err, "without Bearer")
	_, err = s.Authenticate(res.AccessToken)
	assert.Equal(t, errUnauthorized, err, "access token is not an id token")

	e.advance(3599 * time.Second)
	_, err = s.Authenticate(res.IdToken)
	require.NoError(t, err)
	e.advance(time.Second)
	_, err = s.Authenticate(res.IdToken)
	assert.Equal(t, errTokenExpired, err)

	res2, err := s.IssueTokens("demo-refresh-br-user")
	require.NoError(t, err, "refresh gives a fresh set")
	_, err = s.Authenticate(res2.IdToken)
	require.NoError(t, err)
}

func TestIssueTokensFailures(t *testing.T) {
	e := newEnv(t, testSection)
	s := e.store
	_, err := s.IssueRefreshToken("user@za.example", "short-lived", time.Minute)
	require.NoError(t, err)
	e.advance(time.Minute)
	for _, tc := range []struct{ token, msg string }{
		{"nope", "Invalid Refresh Token"},
		{"short-lived", "Refresh Token has expired"},
		{"demo-refresh-off", "User is disabled."},
	} {
		_, err := s.IssueTokens(tc.token)
		var se *Error
		require.ErrorAs(t, err, &se, tc.token)
		assert.Equal(t, http.StatusInternalServerError, se.Status, tc.token)
		assert.Contains(t, se.Message, tc.msg, tc.token)
	}
}

func TestResetTokensAndDisable(t *testing.T) {
	e := newEnv(t, testSection)
	s := e.store
	extra, err := s.IssueRefreshToken("user@br.example", "", 0)
	require.NoError(t, err)
	res, err := s.IssueTokens("demo-refresh-br-user")
	require.NoError(t, err)
	c, err := s.Authenticate(res.IdToken)
	require.NoError(t, err)

	_, err = s.ResetTokens(c, res.IdToken)
	assert.Error(t, err, "an IdToken is not an access token")
	n, err := s.ResetTokens(c, res.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	for _, tok := range []string{"demo-refresh-br-user", extra.Token} {
		_, err = s.IssueTokens(tok)
		assert.ErrorContains(t, err, "revoked")
	}
	_, err = s.ResetTokens(c, res.AccessToken)
	assert.ErrorContains(t, err, "revoked", "the access token died with its refresh token")

	other, err := s.IssueTokens("demo-refresh-br-admin")
	require.NoError(t, err)
	admin := caller(s, "admin@somos.example")
	_, err = s.ChangeUser(admin, UserScope{Global: true}, UserChange{Email: "admin@br.example", Action: "disable"})
	require.NoError(t, err)
	_, err = s.Authenticate(other.IdToken)
	assert.Equal(t, errUnauthorized, err, "a disabled user's tokens stop working")
}

func TestCreateRules(t *testing.T) {
	e := newEnv(t, testSection)
	s := e.store
	br := caller(s, "user@br.example")
	admin := caller(s, "admin@somos.example")
	for _, tc := range []struct {
		name   string
		c      *Caller
		in     CNAMInput
		status int
		msg    string
	}{
		{"bad tfn", br, CNAMInput{TFN: str("12345"), CNAM: str("ACME")}, 400, "10 digits"},
		{"not toll free", br, CNAMInput{TFN: str("2125551234"), CNAM: str("ACME")}, 400, "toll-free"},
		{"missing cnam", br, CNAMInput{TFN: str("8339900238")}, 400, "cnam is required"},
		{"cnam too long", br, CNAMInput{TFN: str("8339900238"), CNAM: str("ABCDEFGHIJKLMNOP")}, 400, "too long"},
		{"cnam charset", br, CNAMInput{TFN: str("8339900238"), CNAM: str("ACME<script>")}, 400, "invalid characters"},
		{"caller list", br, CNAMInput{TFN: str("8339900238"), CNAM: str("ACME"), AuthorizedCallers: &Callers{List: []string{"12"}}}, 400, "list[0]"},
		{"range order", br, CNAMInput{TFN: str("8339900238"), CNAM: str("ACME"), AuthorizedCallers: &Callers{Range: []CallerRange{{"4001232000", "4001231000"}}}}, 400, "after end"},
		{"wildcard", br, CNAMInput{TFN: str("8339900238"), CNAM: str("ACME"), AuthorizedCallers: &Callers{Wildcard: []string{"10012X3456"}}}, 400, "trailing X"},
		{"url", br, CNAMInput{TFN: str("8339900238"), CNAM: str("ACME"), URL: str("ftp://x")}, 400, "http"},
		{"not in registry", br, CNAMInput{TFN: str("8889999999"), CNAM: str("ACME")}, 400, "WORKING or ASSIGNED"},
		{"spare", br, CNAMInput{TFN: str("8339900240"), CNAM: str("ACME")}, 400, "SPARE"},
		{"other entity", br, CNAMInput{TFN: str("8009900002"), CNAM: str("ACME")}, 401, "entity"},
		{"exists", admin, CNAMInput{TFN: str("8009900001"), CNAM: str("ACME")}, 400, "already exists"},
		{"ok working", br, CNAMInput{TFN: str("8339900238"), CNAM: str("1-800-GET-CNAMR"), City: str("Dallas"), ExtCnam: str("TEST CNAM EXT CNAM"), StreetAddress: str("123 Main Street"), AuthorizedCallers: &Callers{Wildcard: []string{"100123456x"}}}, 200, ""},
		{"ok assigned", br, CNAMInput{TFN: str("8339900239"), CNAM: str("ACME")}, 200, ""},
		{"admin any entity", admin, CNAMInput{TFN: str("8009900002"), CNAM: str("ZED")}, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Create(tc.c, tc.in)
			if tc.status == 200 {
				require.NoError(t, err)
				assert.Equal(t, PartnerPending, got.PartnerUpdateStatus)
				assert.Equal(t, 0, got.Version)
				return
			}
			var se *Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.status, se.Status)
			assert.Contains(t, se.Message, tc.msg)
		})
	}
	got, err := s.Get(br, "8339900238")
	require.NoError(t, err)
	assert.Equal(t, []string{"Dallas", "TEST", "CNAM", "GET", "CNAMR", "Main"}, got.Keywords)
	assert.Equal(t, []string{"100123456X"}, got.AuthorizedCallers.Wildcard)
	assert.Equal(t, "BRSMS", got.RespOrgID)
	assert.Equal(t, "BR", got.EntityID)
}

func TestUpdateDeleteIsolationAndPartner(t *testing.T) {
	e := newEnv(t, testSection)
	s := e.store
	br, za := caller(s, "user@br.example"), caller(s, "user@za.example")
	_, err := s.Create(br, CNAMInput{TFN: str("8339900238"), CNAM: str("ACME")})
	require.NoError(t, err)

	_, err = s.Get(za, "8339900238")
	assert.ErrorContains(t, err, "not authorized")
	_, err = s.Update(za, "8339900238", CNAMInput{CNAM: str("HIJACK")})
	assert.ErrorContains(t, err, "not authorized")
	_, err = s.Delete(za, "8339900238")
	assert.ErrorContains(t, err, "not authorized")

	e.advance(2 * time.Minute)
	got, err := s.Get(br, "8339900238")
	require.NoError(t, err)
	assert.Equal(t, PartnerSuccess, got.PartnerUpdateStatus)
	assert.Equal(t, testStart.Add(2*time.Minute).UnixMilli(), got.PartnerUpdateDate)

	require.NoError(t, s.FailPartner("8339900238", 1))
	up, err := s.Update(br, "8339900238", CNAMInput{CNAM: str("ACME TWO"), Status: str("INACTIVE")})
	require.NoError(t, err)
	assert.Equal(t, 1, up.Version)
	assert.Equal(t, StatusInactive, up.Status)
	assert.Equal(t, PartnerPending, up.PartnerUpdateStatus)
	e.advance(2 * time.Minute)
	got, _ = s.Get(br, "8339900238")
	assert.Equal(t, PartnerFailed, got.PartnerUpdateStatus)
	_, err = s.Update(br, "8339900238", CNAMInput{})
	require.NoError(t, err)
	e.advance(2 * time.Minute)
	got, _ = s.Get(br, "8339900238")
	assert.Equal(t, PartnerSuccess, got.PartnerUpdateStatus, "the failure was for one propagation only")
	assert.Equal(t, 2, got.Version)

	// The registry moves the number to ZA: the record follows it live.
	e.reg.Set("8339900238", "DISCONNECT", "ZATST")
	_, err = s.Get(br, "8339900238")
	assert.ErrorContains(t, err, "not authorized")
	got, err = s.Get(za, "8339900238")
	require.NoError(t, err)
	assert.Equal(t, "ZA", got.EntityID)
	assert.Equal(t, "DISCONNECT", got.TfnrStatus)
	_, err = s.Update(za, "8339900238", CNAMInput{CNAM: str("X")})
	assert.ErrorContains(t, err, "WORKING or ASSIGNED")
	_, err = s.Delete(za, "8339900238")
	require.NoError(t, err)
	_, err = s.Get(za, "8339900238")
	assert.ErrorContains(t, err, "not found")
}

func seedMany(t *testing.T, e *env, n int, respOrg string, base int) {
	for i := 0; i < n; i++ {
		tfn := fmt.Sprintf("877%07d", base+i)
		e.reg.Set(tfn, TFNWorking, respOrg)
		_, err := e.store.Create(caller(e.store, "admin@somos.example"), CNAMInput{TFN: str(tfn), CNAM: str(fmt.Sprintf("NAME %03d", (i*7919)%97))})
		require.NoError(t, err)
	}
}

func TestListPagingThroughThousand(t *testing.T) {
	e := newEnv(t, testSection)
	seedMany(t, e, 1000, "BRSMS", 2000000)
	seedMany(t, e, 50, "ZATST", 5000000)
	s := e.store
	for _, tc := range []struct {
		name   string
		c      *Caller
		entity string
		limit  int
		want   int
	}{
		{"br user own entity", caller(s, "user@br.example"), "", 37, 1000},
		{"admin BR", caller(s, "admin@somos.example"), "br", 100, 1000},
		{"admin all", caller(s, "admin@somos.example"), "", 64, 1051},
		{"za user", caller(s, "user@za.example"), "ZA", 7, 51},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			var after *ListKey
			pages := 0
			prev := ikey{}
			for {
				p, err := s.List(tc.c, ListQuery{Limit: tc.limit, EntityID: tc.entity, After: after})
				require.NoError(t, err)
				pages++
				require.LessOrEqual(t, p.Count, tc.limit)
				for _, it := range p.Items {
					assert.False(t, seen[it.TFN], "duplicate %s", it.TFN)
					seen[it.TFN] = true
					k := ikey{it.EntityID, it.CNAM, it.TFN}
					assert.True(t, prev.less(k), "ordered")
					prev = k
				}
				if p.LastEvaluatedKey == nil {
					break
				}
				after = p.LastEvaluatedKey
				require.Less(t, pages, 2000)
			}
			assert.Len(t, seen, tc.want)
		})
	}
	_, err := s.List(caller(s, "user@br.example"), ListQuery{EntityID: "ZA"})
	assert.ErrorContains(t, err, "not authorized")
}

func TestExportImportRoundTrip(t *testing.T) {
	e := newEnv(t, testSection)
	s := e.store
	br := caller(s, "user@br.example")
	_, err := s.Create(br, CNAMInput{TFN: str("8339900238"), CNAM: str("ACME")})
	require.NoError(t, err)
	u, err := s.NewUpload(br, "x.csv")
	require.NoError(t, err)
	_, err = s.PutUpload(u.Token, []byte("tfn,cnam\n8339900239,BULK\n"))
	require.NoError(t, err)

	a, err := json.Marshal(s.Export())
	require.NoError(t, err)
	e2 := newEnv(t, testSection)
	require.NoError(t, e2.store.Import(a))
	b, err := json.Marshal(e2.store.Export())
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))

	e2.advance(2 * time.Minute)
	got, err := e2.store.Get(br, "8339900238")
	require.NoError(t, err)
	assert.Equal(t, PartnerSuccess, got.PartnerUpdateStatus, "import re-armed the propagation")
	_, err = e2.store.Get(br, "8339900239")
	require.NoError(t, err, "import re-armed the bulk processing")
}

func TestAuditSearch(t *testing.T) {
	e := newEnv(t, testSection)
	s := e.store
	br, za := caller(s, "user@br.example"), caller(s, "user@za.example")
	admin := caller(s, "admin@somos.example")
	_, err := s.Create(br, CNAMInput{TFN: str("8339900238"), CNAM: str("ACME")})
	require.NoError(t, err)
	for i := 0; i < 12; i++ {
		_, err = s.Update(br, "8339900238", CNAMInput{CNAM: str(fmt.Sprintf("ACME %d", i))})
		require.NoError(t, err)
	}
	_, err = s.Update(za, "8009900001", CNAMInput{City: str("Austin")})
	require.NoError(t, err)
	_, err = s.Delete(br, "8339900238")
	require.NoError(t, err)

	p, err := s.SearchAudit(br, AuditQuery{})
	require.NoError(t, err)
	assert.Equal(t, 10, p.Count)
	assert.Equal(t, EventDelete, p.Items[0].EventType, "newest first")
	require.NotNil(t, p.LastEvaluatedKey)
	p2, err := s.SearchAudit(br, AuditQuery{After: p.LastEvaluatedKey})
	require.NoError(t, err)
	assert.Equal(t, 4, p2.Count)
	assert.Nil(t, p2.LastEvaluatedKey)
	assert.Equal(t, EventCreate, p2.Items[3].EventType)
	assert.Equal(t, "ACME", p2.Items[3].CNAMEntry.CNAM)

	for _, tc := range []struct {
		c    *Caller
		q    AuditQuery
		want int
	}{
		{admin, AuditQuery{Limit: 100}, 15},
		{admin, AuditQuery{Limit: 100, EntityID: "ZA"}, 1},
		{admin, AuditQuery{Limit: 100, EventType: "update-cnam"}, 13},
		{admin, AuditQuery{Limit: 100, User: "USER@ZA.EXAMPLE"}, 1},
		{admin, AuditQuery{Limit: 100, TFN: "8339900238", EventType: EventCreate}, 1},
		{za, AuditQuery{Limit: 100}, 1},
	} {
		p, err := s.SearchAudit(tc.c, tc.q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, p.Count, "%+v", tc.q)
	}
	_, err = s.SearchAudit(za, AuditQuery{EntityID: "BR"})
	assert.ErrorContains(t, err, "not authorized")
	_, err = s.SearchAudit(admin, AuditQuery{EventType: "Nope"})
	assert.ErrorContains(t, err, "eventType")
}

func TestAdminUsers(t *testing.T) {
	e := newEnv(t, testSection)
	s := e.store
	admin, bra, bru, zau := caller(s, "admin@somos.example"), caller(s, "admin@br.example"), caller(s, "user@br.example"), caller(s, "user@za.example")
	global, own, lit := UserScope{Global: true}, UserScope{Entity: "BR"}, UserScope{Entity: "entity"}
	for _, tc := range []struct {
		name string
		c    *Caller
		sc   UserScope
		ch   UserChange
		err  string
	}{
		{"global needs Admin", bra, global, UserChange{Email: "user@br.example", Action: "promote"}, "requires role Admin"},
		{"user cannot manage", bru, own, UserChange{Email: "user@br.example", Action: "promote"}, "requires role RespOrgAdmin"},
		{"other entity path", bra, UserScope{Entity: "ZA"}, UserChange{Email: "user@za.example", Action: "disable"}, "entity ZA"},
		{"other entity user", bra, own, UserChange{Email: "user@za.example", Action: "disable"}, "entity ZA"},
		{"unknown user", bra, own, UserChange{Email: "ghost@br.example", Action: "enable"}, "not found"},
		{"promote", bra, lit, UserChange{Email: "user@br.example", Action: "promote"}, ""},
		{"promote again", bra, own, UserChange{Email: "user@br.example", Action: "promote"}, "already"},
		{"demote", admin, global, UserChange{Email: "user@br.example", Action: "demote"}, ""},
		{"demote user", admin, global, UserChange{Email: "user@br.example", Action: "demote"}, "already"},
		{"demote admin", admin, global, UserChange{Email: "admin@somos.example", Action: "demote"}, "cannot be demoted"},
		{"self disable", bra, own, UserChange{Email: "admin@br.example", Action: "disable"}, "themselves"},
		{"enable", bra, own, UserChange{Email: "off@br.example", Action: "enable"}, ""},
		{"update", bra, lit, UserChange{Email: "user@br.example", Action: "update", GivenName: str("Joe"), FamilyName: str("Doe")}, ""},
		{"update nothing", bra, own, UserChange{Email: "user@br.example", Action: "update"}, "firstName"},
		{"admin entity scope", admin, UserScope{Entity: "za"}, UserChange{Email: "user@za.example", Action: "disable"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.ChangeUser(tc.c, tc.sc, tc.ch)
			if tc.err == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, tc.err)
			}
		})
	}
	users, err := s.ListUsers(bra, own, "Y")
	require.NoError(t, err)
	require.Len(t, users, 3)
	for _, u := range users {
		assert.Equal(t, "BR", u.EntityID)
	}
	all, err := s.ListUsers(admin, global, "N")
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.Equal(t, "user@za.example", all[0].Email)
	_, err = s.ListUsers(zau, UserScope{Entity: "ZA"}, "")
	assert.ErrorContains(t, err, "RespOrgAdmin")
	_, err = s.ListUsers(admin, global, "maybe")
	assert.ErrorContains(t, err, "Y or N")
}

// TestLastVerifiedIDToken checks the tenant's memo of the last IdToken it
// verified: a tampered copy is still refused, and a state import with
// another signing secret forgets it.
func TestLastVerifiedIDToken(t *testing.T) {
	e := newEnv(t, testSection)
	s := e.store
	res, err := s.IssueTokens("demo-refresh-br-user")
	require.NoError(t, err)
	_, err = s.Authenticate(res.IdToken)
	require.NoError(t, err)
	for _, bad := range []string{res.IdToken + "x", res.IdToken[:len(res.IdToken)-1], res.AccessToken} {
		_, err = s.Authenticate(bad)
		assert.Equal(t, errUnauthorized, err)
	}
	c, err := s.Authenticate(res.IdToken)
	require.NoError(t, err, "the remembered token again")
	assert.Equal(t, "user@br.example", c.Email)

	var snap map[string]any
	raw, err := json.Marshal(s.Export())
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &snap))
	snap["secret"] = "YW5vdGhlciBzZWNyZXQ=" // "another secret"
	raw, err = json.Marshal(snap)
	require.NoError(t, err)
	require.NoError(t, s.Import(raw))
	_, err = s.Authenticate(res.IdToken)
	assert.Equal(t, errUnauthorized, err, "signed with the secret the import replaced")
}
