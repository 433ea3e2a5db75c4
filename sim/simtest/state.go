package simtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// State decodes one provider's part of the tenant's exported state (GET
// /__sim/state, key providers[name]) into v. The export is the simulator's
// own persistence format, documented per provider; it is the way to look at
// state the provider's API does not show.
//
//	var st struct{ Subscriptions []struct{ CIC, URL string } }
//	srv.State("tnregistry", &st)
func (s *Server) State(name string, v any) {
	s.t.Helper()
	var doc struct {
		Providers map[string]json.RawMessage `json:"providers"`
	}
	s.do(http.MethodGet, "/state", nil, http.StatusOK, &doc)
	raw, ok := doc.Providers[name]
	if !ok {
		s.t.Fatalf("simtest: the state export has no provider %q", name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		s.t.Fatalf("simtest: decoding %s state: %v", name, err)
	}
}

// Subscribe registers (or replaces) carrier cic's TFNRegistry GNA
// subscription: UNS-SNA and UNS-APP messages for records that name the CIC
// are POSTed to url + "/v3/ext/uns/sna" and "/app". url is an http(s)
// receiver or an Inbox's URL.
func (s *Server) Subscribe(cic, url string) {
	s.t.Helper()
	s.do(http.MethodPost, "/tnregistry/subscriptions", map[string]string{"cic": cic, "url": url}, 0, nil)
}

// SubscribeRespOrg registers a Resp Org's GUN/GAN subscription: UNS-RSV,
// RCH, ACT, SCP, ASL and CRA messages, POSTed to url + "/v3/ext/uns/<type>".
func (s *Server) SubscribeRespOrg(respOrg, url string) {
	s.t.Helper()
	s.do(http.MethodPost, "/tnregistry/subscriptions", map[string]string{"respOrg": respOrg, "url": url}, 0, nil)
}

// RecordChange is the body of a TFNRegistry customer record change; see
// docs/tnregistry.md (Table 7) for which fields each kind uses. A map with
// the same JSON keys works too.
type RecordChange struct {
	// Change is the kind: cic-addition, routing-change, cic-deletion,
	// resp-org-change, cancel-cic-addition, cancel-routing-change,
	// approval-resent, pending-cr-deleted, cancel-approval-resend.
	Change  string         `json:"change"`
	CIC     string         `json:"cic,omitempty"`
	RespOrg string         `json:"respOrg,omitempty"`
	LATA    string         `json:"lata,omitempty"`
	ApprReq bool           `json:"apprReq,omitempty"`
	Routing map[string]any `json:"routing,omitempty"`
	EffDtTm string         `json:"effDtTm,omitempty"`
	Notes   string         `json:"notes,omitempty"`
}

// ChangeResult is what a record change did: the Table 7 code and the UNS
// deliveries it queued, one per subscriber.
type ChangeResult struct {
	Change     string          `json:"change"`
	Code       string          `json:"code"`
	Created    bool            `json:"created"`
	Record     json.RawMessage `json:"record"`
	Deliveries []struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		CIC     string `json:"cic"`
		RespOrg string `json:"respOrg"`
		URL     string `json:"url"`
	} `json:"deliveries"`
}

// Change applies a change to the TFNRegistry customer record of tfn (POST
// /__sim/tnregistry/records/{tfn}/changes), the way the registry changes it
// when a Resp Org acts; subscribed carriers get UNS-SNA messages. body is a
// RecordChange or anything encoding to the same JSON.
//
//	srv.Change("8339900238", simtest.RecordChange{Change: "cic-addition", CIC: "0555"})
func (s *Server) Change(tfn string, body any) ChangeResult {
	s.t.Helper()
	var out ChangeResult
	s.do(http.MethodPost, "/tnregistry/records/"+url.PathEscape(tfn)+"/changes", body, 0, &out)
	return out
}

// SetNumber creates or updates a number in the TFNRegistry (status SPARE,
// RESERVED, ASSIGNED, WORKING, DISCONNECT, TRANSITIONAL or UNAVAILABLE;
// respOrg "" keeps the current one). Somos TFN Identity reads it: CNAM can be
// provisioned only for WORKING or ASSIGNED numbers of the caller's entity.
func (s *Server) SetNumber(tfn, status, respOrg string) {
	s.t.Helper()
	body := map[string]string{"tfn": tfn, "status": status}
	if respOrg != "" {
		body["respOrg"] = respOrg
	}
	s.do(http.MethodPost, "/tnregistry/numbers", body, 0, nil)
}

// Approve answers, as carrier cic, the open approval request of tfn's
// customer record: UNS-ACT goes to the Resp Org once every carrier approved.
func (s *Server) Approve(tfn, cic string) {
	s.t.Helper()
	s.do(http.MethodPost, "/tnregistry/records/"+url.PathEscape(tfn)+"/approvals", map[string]string{"cic": cic, "decision": "approve"}, 0, nil)
}

// Deny refuses, as carrier cic, tfn's open approval request: UNS-ACT
// (apprInf 02) goes to the Resp Org, and UNS-APP to the carriers at the
// record's effective time.
func (s *Server) Deny(tfn, cic, reason string) {
	s.t.Helper()
	s.do(http.MethodPost, "/tnregistry/records/"+url.PathEscape(tfn)+"/approvals", map[string]string{"cic": cic, "decision": "deny", "reason": reason}, 0, nil)
}

// Reserve takes SPARE or TRANSITIONAL numbers to RESERVED for respOrg,
// which gets one UNS-RSV listing them.
func (s *Server) Reserve(respOrg string, tfns ...string) {
	s.t.Helper()
	s.do(http.MethodPost, "/tnregistry/reservations", map[string]any{"respOrg": respOrg, "tfns": tfns}, 0, nil)
}

// post sends a JSON request to a provider route and decodes the answer,
// failing t unless the status is 200.
func (s *Server) post(t testing.TB, url string, body, out any) {
	t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	resp, raw := s.Do(t, "", req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("simtest: POST %s: status %d: %s", url, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("simtest: POST %s: decoding %s: %v", url, raw, err)
	}
}

// SomosIDToken gets an IdToken from a Somos refresh token (POST
// /public/apitoken), for the Authorization header of TFN Identity calls.
// Default scenario refresh tokens: demo-refresh-admin, demo-refresh-br-admin,
// demo-refresh-br-user, demo-refresh-za-user. It lives 1 hour of tenant
// clock. A nil t uses the Server's own failure reporting.
func (s *Server) SomosIDToken(t testing.TB, refreshToken string) string {
	t = s.tbOr(t)
	t.Helper()
	var out struct {
		Data struct {
			AuthenticationResult struct {
				IdToken string `json:"IdToken"`
			} `json:"AuthenticationResult"`
		} `json:"data"`
	}
	s.post(t, s.URL("somos")+"/public/apitoken", map[string]string{"refreshToken": refreshToken}, &out)
	if out.Data.AuthenticationResult.IdToken == "" {
		t.Fatalf("simtest: somos apitoken gave no IdToken")
	}
	return out.Data.AuthenticationResult.IdToken
}

// Call48Token logs in to Call48 (POST /login) and returns the token for the
// Authorization header. Default scenario: mark / password, acme /
// acme-password. It lives 24 hours of tenant clock. A nil t uses the
// Server's own failure reporting.
func (s *Server) Call48Token(t testing.TB, user, password string) string {
	t = s.tbOr(t)
	t.Helper()
	var out struct {
		Token string `json:"token"`
		Data  struct {
			Token string `json:"token"`
		} `json:"data"`
		Error any `json:"error"`
	}
	s.post(t, s.URL("call48")+"/login", map[string]string{"user_name": user, "password": password}, &out)
	tok := out.Data.Token
	if tok == "" {
		tok = out.Token
	}
	if tok == "" {
		t.Fatalf("simtest: call48 login as %s failed: %v", user, out.Error)
	}
	return tok
}

// tbOr returns t, or an adapter over the Server's failure reporting when t
// is nil (for Servers made by NewServer).
func (s *Server) tbOr(t testing.TB) testing.TB {
	if t != nil {
		return t
	}
	return fatalTB{TB: nil, f: s.t}
}

// fatalTB is a testing.TB whose Fatalf and Errorf go to a tb; it is used only
// by helpers that take a testing.TB, and only those two methods (and Helper)
// are called on it.
type fatalTB struct {
	testing.TB
	f tb
}

func (x fatalTB) Helper()                           {}
func (x fatalTB) Fatalf(format string, args ...any) { x.f.Fatalf(format, args...) }
func (x fatalTB) Errorf(format string, args ...any) { x.f.Fatalf(format, args...) }
