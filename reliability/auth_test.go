package reliability

import (
	"encoding/json"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/provider"
)

// publicRoutes are the provider routes that are reachable without the
// provider's auth scheme on purpose, each with the reason. A route with no
// auth classification that is not listed here fails TestAuthMatrix: a new
// route must either name a scheme or be added here, deliberately.
var publicRoutes = map[string]string{
	"somos POST /public/apitoken":                       "exchanges a refresh token (the credential is in the body)",
	"somos PUT /uploads/{token}":                        "presigned S3 upload: the token in the path is the credential",
	"somos GET /downloads/{token}":                      "presigned S3 download: the token in the path is the credential",
	"tmobile GET /account-mgmt/linkAccount":             "browser login page: the user signs in on it",
	"tmobile POST /account-mgmt/linkAccount":            "browser login form",
	"tmobile POST /account-mgmt/changeEmergencyAddress": "browser page opened with the access token in the form; checked below",
	"call48 POST /api/v4/login":                         "customer login",
	"call48 POST /api/v4/admin_login":                   "SP admin login",
	"call48 POST /api/v4/signup":                        "account creation",
}

// knownAuthBugs are auth matrix cases that fail because of a provider bug
// this suite does not fix (provider packages belong to their owners). Keys
// are "<provider> <case>"; docs/reliability.md lists them.
var knownAuthBugs = map[string]string{}

// authCase is one way of presenting bad credentials.
type authCase struct {
	Name string
	// Tenant the request is sent to (the credential may come from another).
	Tenant string
	Sign   signer
}

// authFixture is, per provider, the tenants and credentials of the matrix.
type authFixture struct {
	main  string // tenant the requests go to
	cases []authCase
	na    map[string]string // case -> why it does not apply
}

// refusal checks the provider refused the credentials its way; "" if so.
func refusal(ri routeInfo, out res) string {
	switch ri.Provider {
	case "call48":
		if code := call48Code(out); code != 401 || (out.Status != http.StatusOK && out.Status != http.StatusUnauthorized) {
			return "want Call48's 401 envelope"
		}
		return ""
	case "tmobile":
		// 400 for a missing PoP token or credentials (the document's
		// INVALID_REQUEST family), 401/403 for bad ones.
		if out.Status != 400 && out.Status != 401 && out.Status != 403 {
			return "want 400/401/403"
		}
		return errorShape(ri, out)
	case "somos":
		if out.Status != http.StatusUnauthorized {
			return "want the API Gateway's 401"
		}
		return errorShape(ri, out)
	default:
		if out.Status != http.StatusUnauthorized && out.Status != http.StatusForbidden {
			return "want 401/403"
		}
		return errorShape(ri, out)
	}
}

// authRefused reports whether out is an authentication refusal (for the
// positive control: valid credentials must never get one).
func authRefused(ri routeInfo, out res) bool {
	switch ri.Provider {
	case "call48":
		return call48Code(out) == 401
	case "tmobile":
		var e struct {
			Errors []struct{ ReasonCode string } `json:"errors"`
		}
		_ = json.Unmarshal(out.Body, &e)
		if len(e.Errors) == 0 {
			return false
		}
		switch e.Errors[0].ReasonCode {
		case "MISSING_POP_TOKEN", "INVALID_POP_TOKEN", "POP_SIGNATURE_INVALID", "POP_EDTS_MISMATCH", "POP_EHTS_INCOMPLETE",
			"POP_TOKEN_EXPIRED", "POP_TOKEN_NOT_YET_VALID", "POP_LIFETIME_TOO_LONG", "POP_TOKEN_REPLAYED",
			"MISSING_CREDENTIALS", "INVALID_CLIENT", "INVALID_TOKEN", "TOKEN_EXPIRED", "TOKEN_REVOKED":
			return true
		}
		return false
	default:
		return out.Status == http.StatusUnauthorized
	}
}

// fixture builds the matrix's credentials for one provider and scheme.
func (s *sim) authFixture(t *testing.T, name, scheme string) authFixture {
	t.Helper()
	main := s.tenant("auth-" + name)
	other := s.tenant("auth-other-" + name)
	expired := s.tenant("auth-expired-" + name)
	revoked := s.tenant("auth-revoked-" + name)
	garbage := func(v string) signer { return setHeader("Authorization", v) }
	f := authFixture{main: main, na: map[string]string{}}
	add := func(n, tn string, sg signer) { f.cases = append(f.cases, authCase{Name: n, Tenant: tn, Sign: sg}) }
	add("no credentials", main, nil)
	switch name {
	case "flowroute":
		add("garbage", main, garbage("Basic Z2FyYmFnZQ=="))
		add("not base64", main, garbage("Basic ***"))
		add("bearer instead of basic", main, garbage("Bearer demo-access-key"))
		add("wrong secret", main, garbage(basicAuth(flowrouteKey, "wrong")))
		add("unknown key", main, garbage(basicAuth("nobody", flowrouteSecret)))
		add("empty key and secret", main, garbage(basicAuth("", "")))
		f.na["expired"] = "API keys do not expire"
		f.na["revoked"] = "the API has no key revocation; keys come from the scenario"
		f.na["other tenant"] = "keys come from the scenario, so every tenant on it shares them by design"
	case "somos":
		add("garbage", main, garbage("garbage"))
		add("bearer garbage", main, garbage("Bearer a.b.c"))
		add("unsigned JWT", main, garbage("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."))
		tokB := s.somosToken(t, other, somosRefresh)
		add("other tenant", main, garbage(tokB))
		tokE := s.somosToken(t, expired, somosRefresh)
		s.advance(t, expired, "2h")
		add("expired", expired, garbage(tokE))
		// Revocation: Cognito keeps IdTokens valid after a token reset, but
		// a disabled user's IdTokens are refused at once.
		tokU := s.somosToken(t, revoked, somosUserRef)
		admin := s.somosToken(t, revoked, somosRefresh)
		out := s.do(req{Tenant: revoked, Provider: "somos", Method: "POST", Path: "/admin/user/disable",
			Body: mustJSON(map[string]string{"email": "user@br.example"}), Header: jsonHeader(), Sign: garbage(admin)})
		require.Equal(t, http.StatusOK, out.Status, out.String())
		add("revoked (user disabled)", revoked, garbage(tokU))
	case "call48":
		add("garbage", main, garbage("garbage"))
		add("bearer garbage", main, garbage("Bearer x.y.z"))
		add("quoted empty", main, garbage(`""`))
		add("other tenant", main, garbage(s.call48Token(t, other)))
		tokE := s.call48Token(t, expired)
		s.advance(t, expired, "25h")
		add("expired", expired, garbage(tokE))
		f.na["revoked"] = "the API has no logout or token revocation"
	case "tmobile":
		switch scheme {
		case "client+pop":
			basic := basicAuth(tmClient, tmSecret)
			add("no PoP", main, garbage(basic))
			add("garbage PoP", main, func(r *http.Request, _ []byte) {
				r.Header.Set("Authorization", basic)
				r.Header.Set("X-Authorization", "garbage.pop.token")
			})
			add("wrong client secret", main, popSigner(t, basicAuth(tmClient, "wrong")))
			add("unknown client", main, popSigner(t, basicAuth("nobody", tmSecret)))
			add("no client credentials", main, popSigner(t, ""))
			add("expired PoP", main, popSignerAt(t, basic, clock.Wall().Add(-10*time.Minute)))
			f.na["revoked"] = "client credentials are not revocable; revoked access tokens are covered by the bearer+pop routes"
			f.na["other tenant"] = "client credentials come from the scenario; other-tenant access tokens are covered by the bearer+pop routes"
		case "bearer+pop":
			accessB := s.tmobileAccess(t, other)
			add("garbage bearer", main, popSigner(t, "Bearer garbage"))
			add("other tenant", s.tenant("auth-fresh-tmobile"), popSigner(t, "Bearer "+accessB))
			add("other tenant, same line linked there", main, popSigner(t, "Bearer "+accessB))
			accessE := s.tmobileAccess(t, expired)
			s.advance(t, expired, "25h")
			add("expired", expired, popSigner(t, "Bearer "+accessE))
			accessM := s.tmobileAccess(t, main)
			add("garbage PoP", main, func(r *http.Request, _ []byte) {
				r.Header.Set("Authorization", "Bearer "+accessM)
				r.Header.Set("X-Authorization", "e30.e30.e30")
			})
			add("PoP over another URI", main, func(r *http.Request, body []byte) {
				r.Header.Set("Authorization", "Bearer "+accessM)
				names := []string{"Authorization", "uri", "http-method"}
				r.Header.Set("X-Authorization", popToken(t, names, []string{"Bearer " + accessM, "/elsewhere", r.Method}))
			})
			accessR := s.tmobileAccess(t, revoked)
			out := s.do(req{Tenant: revoked, Provider: "tmobile", Method: "DELETE", Path: "/account/unlink", Sign: popSigner(t, "Bearer "+accessR)})
			require.Less(t, out.Status, 300, out.String())
			add("revoked (unlinked)", revoked, popSigner(t, "Bearer "+accessR))
		}
	}
	return f
}

// TestAuthMatrix is generated from the route table: every route with an
// auth scheme is called with no, garbage, expired, revoked and another
// tenant's credentials, and must refuse each the provider's way; with valid
// credentials it must not refuse. A route without a scheme must be in
// publicRoutes.
func TestAuthMatrix(t *testing.T) {
	s := newSim(t)
	infos := s.routeInfos()

	t.Run("classification", func(t *testing.T) {
		seen := map[string]bool{}
		for _, ri := range infos {
			if ri.Route.Auth != provider.AuthNone {
				continue
			}
			seen[ri.String()] = true
			_, ok := publicRoutes[ri.String()]
			assert.True(t, ok, "%s has no auth classification (Route.Auth is empty) and is not in publicRoutes: give it a scheme or list it as public on purpose", ri)
		}
		for k := range publicRoutes {
			assert.True(t, seen[k], "publicRoutes lists %q, which is not a public route any more", k)
		}
	})

	fixtures := map[string]authFixture{}
	var keys []string
	for _, ri := range infos {
		if ri.Route.Auth == provider.AuthNone {
			continue
		}
		k := ri.Provider + " " + ri.Route.Auth
		if _, ok := fixtures[k]; !ok {
			fixtures[k] = s.authFixture(t, ri.Provider, ri.Route.Auth)
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for n, why := range fixtures[k].na {
			t.Logf("%s: %q does not apply: %s", k, n, why)
		}
	}

	for _, ri := range infos {
		if ri.Route.Auth == provider.AuthNone {
			continue
		}
		f := fixtures[ri.Provider+" "+ri.Route.Auth]
		t.Run(ri.String(), func(t *testing.T) {
			for _, c := range f.cases {
				t.Run(c.Name, func(t *testing.T) {
					if why, ok := knownAuthBugs[ri.Provider+" "+c.Name]; ok {
						t.Skip("known bug: " + why + ", see docs/reliability.md")
					}
					out := s.do(req{Tenant: c.Tenant, Provider: ri.Provider, Method: ri.Route.Method, Path: ri.path(nil),
						Body: []byte(`{}`), Header: jsonHeader(), Sign: c.Sign})
					assert.Empty(t, refusal(ri, out), "%s: %s", c.Name, out)
				})
			}
			t.Run("valid credentials", func(t *testing.T) {
				tn := s.tenant("auth-ok")
				out := s.do(req{Tenant: tn, Provider: ri.Provider, Method: ri.Route.Method, Path: ri.path(nil),
					Body: []byte(`{}`), Header: jsonHeader(), Sign: s.creds(t, tn, ri.Provider)[ri.Route.Auth]})
				assert.False(t, authRefused(ri, out), "valid credentials refused: %s", out)
				assert.Less(t, out.Status, 500, out.String())
			})
		})
	}

	// The e911 page is public in the route table but opens only with a
	// valid access token.
	t.Run("tmobile e911 page without a valid token", func(t *testing.T) {
		if len(s.app.Routes("tmobile")) == 0 {
			t.Skip("tmobile is not served")
		}
		tn := s.tenant("auth-e911")
		for _, body := range []string{"", "Authorization=Bearer+garbage", "access_token=garbage"} {
			out := s.do(req{Tenant: tn, Provider: "tmobile", Method: "POST", Path: "/account-mgmt/changeEmergencyAddress",
				Body: []byte(body), Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
			assert.GreaterOrEqual(t, out.Status, 400, "%q: %s", body, out)
			assert.Less(t, out.Status, 500, "%q: %s", body, out)
		}
	})
}
