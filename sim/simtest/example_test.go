package simtest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/telecomsim/simulator/sim/simtest"
)

// send is the small HTTP helper the examples share: it sends a JSON (or
// form) body with the given headers and decodes a JSON answer into out.
func send(method, u string, header map[string]string, body string, out any) int {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		panic(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			panic(err)
		}
	}
	return resp.StatusCode
}

// A Flowroute CNAM record is pending until the approval workflow runs, 4
// hours after creation in the default scenario. On a frozen clock, Advance
// makes it happen at once.
func Example_flowroute() {
	srv, err := simtest.NewServer(simtest.Frozen(time.Time{}))
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	base := srv.URL("flowroute") // like https://api.flowroute.com/v2

	// HTTP Basic with demo-access-key / demo-secret-key
	auth := map[string]string{"Authorization": "Basic ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ=="}
	var created struct {
		Data struct {
			ID         string `json:"id"`
			Attributes struct {
				Value      string `json:"value"`
				IsApproved bool   `json:"is_approved"`
			} `json:"attributes"`
		} `json:"data"`
	}
	status := send("POST", base+"/cnams", auth, `{"value":"Acme Labs"}`, &created)
	fmt.Println(status, created.Data.Attributes.Value, "approved:", created.Data.Attributes.IsApproved)

	srv.Advance(4 * time.Hour)
	send("GET", base+"/cnams/"+created.Data.ID, auth, "", &created)
	fmt.Println(created.Data.Attributes.Value, "approved:", created.Data.Attributes.IsApproved)
	srv.RequireCalled(nil, "POST", "/v2/cnams", 1)
	// Output:
	// 201 ACME LABS approved: false
	// ACME LABS approved: true
}

// Somos TFN Identity: an IdToken from a refresh token, a CNAM record whose
// partner propagation takes 2 minutes, and the token's expiry after 1 hour
// of tenant clock.
func Example_somos() {
	srv, err := simtest.NewServer(simtest.Frozen(time.Time{}))
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	base := srv.URL("somos")
	auth := map[string]string{"Authorization": srv.SomosIDToken(nil, "demo-refresh-br-user")}
	var rec struct {
		TFN                 string `json:"tfn"`
		CNAM                string `json:"cnam"`
		PartnerUpdateStatus string `json:"partnerUpdateStatus"`
	}
	send("POST", base+"/cnam", auth, `{"tfn":"8339900238","cnam":"BRIGHTLINE CARE"}`, &rec)
	fmt.Println(rec.TFN, rec.CNAM, rec.PartnerUpdateStatus)

	srv.Advance(2 * time.Minute)
	send("GET", base+"/cnam/8339900238", auth, "", &rec)
	fmt.Println(rec.PartnerUpdateStatus)

	srv.Advance(time.Hour)
	var e struct{ Message string }
	fmt.Println(send("GET", base+"/cnam/8339900238", auth, "", &e), e.Message)
	// Output:
	// 8339900238 BRIGHTLINE CARE pending
	// success
	// 401 The incoming token has expired
}

// Call48: log in, search local numbers in a state and buy the first one.
func Example_call48() {
	srv, err := simtest.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	base := srv.URL("call48") // like https://apicontrol.call48.com/api/v4
	auth := map[string]string{"Authorization": srv.Call48Token(nil, "mark", "password")}
	var found struct {
		Data struct {
			Result []struct {
				Number, NPA, NXX, XXXX, State, Ratecenter, Monthly string
			} `json:"result"`
		} `json:"data"`
	}
	// as the live service's clients do: search a rate center, buy by npa/nxx/xxxx
	send("GET", base+"/search?type=local&state=NY&ratecenter=NWYRCYZN01&limit=3", auth, "", &found)
	n := found.Data.Result[0]
	order, _ := json.Marshal(map[string]any{"type": "local", "numbers": []map[string]any{{
		"npa": n.NPA, "nxx": n.NXX, "xxxx": n.XXXX, "state": n.State, "ratecenter": n.Ratecenter,
	}}})
	var bought struct {
		Code int `json:"code"`
	}
	send("POST", base+"/purchase", auth, string(order), &bought)
	fmt.Println("found", len(found.Data.Result), "in", n.Ratecenter, n.State, "- purchase code", bought.Code)
	// Output:
	// found 3 in NWYRCYZN01 NY - purchase code 200
}

// TFNRegistry: subscribe an inbox for a carrier, change a customer record,
// read the UNS-SNA message the registry sent.
func Example_tnregistry() {
	srv, err := simtest.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	inbox := srv.Inbox()
	srv.Subscribe("0777", inbox.URL())
	srv.Change("8339900238", simtest.RecordChange{Change: "cic-addition", CIC: "0777"})

	msg, err := inbox.Next(5 * time.Second)
	if err != nil {
		panic(err)
	}
	var sna struct{ TfNum, CicCode, ChgParam, ApprReason string }
	_ = msg.Decode(&sna)
	fmt.Println(msg.Type, sna.TfNum, sna.CicCode, sna.ChgParam, sna.ApprReason)
	// Output:
	// uns-sna 833-990-0238 0777 01 CIC ADDED
}

// T-Mobile: the subscriber signs in on the link page and picks a line; the
// browser is sent to the partner's redirect URI with an authorization code.
// (Exchanging the code needs PoP signing: see examples/tmobile-link.)
func Example_tmobile() {
	srv, err := simtest.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	page := srv.URL("tmobile") + "/account-mgmt/linkAccount?" + url.Values{
		"client_id": {"demo-client"}, "redirect_uri": {"http://127.0.0.1:3000/callback"}, "state": {"xyz"},
	}.Encode()
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.PostForm(page, url.Values{"step": {"login"}, "username": {"demo-user"}, "password": {"demo-pass"}})
	if err != nil {
		panic(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	session := regexp.MustCompile(`name="session" value="([^"]+)"`).FindSubmatch(html)[1]

	resp, err = browser.PostForm(page, url.Values{"step": {"select"}, "session": {string(session)}, "msisdn": {"4251234567"}})
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	fmt.Println(resp.StatusCode, loc.Host+loc.Path, "state="+loc.Query().Get("state"), "code:", loc.Query().Get("code") != "")
	// Output:
	// 302 127.0.0.1:3000/callback state=xyz code: true
}

// Faults make a provider fail the way the real one does: here the next list
// call answers 503 in Flowroute's error shape, the one after works.
func ExampleServer_Fault() {
	srv, err := simtest.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	id := srv.Fault(simtest.FaultRule{Provider: "flowroute", Route: "GET /cnams", Status: 503, Times: 1})
	auth := map[string]string{"Authorization": "Basic ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ=="}
	var e struct {
		Errors []struct{ Title string } `json:"errors"`
	}
	fmt.Println(send("GET", srv.URL("flowroute")+"/cnams", auth, "", &e), e.Errors[0].Title)
	fmt.Println(send("GET", srv.URL("flowroute")+"/cnams", auth, "", nil))
	fmt.Println(id, srv.Faults()[0].Fired)
	srv.ClearFaults()
	// Output:
	// 503 Service Unavailable
	// 200
	// fault-1 1
}

// The inbox of the default scenario: carrier 0222 is added to 833-990-0238
// five minutes after the clock start, and CIC 0222 is subscribed to the
// built-in inbox "demo".
func ExampleServer_InboxNamed() {
	srv, err := simtest.NewServer(simtest.Frozen(time.Time{}))
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	demo := srv.InboxNamed("demo")
	srv.Advance(5 * time.Minute)
	msg, err := demo.Next(5 * time.Second)
	if err != nil {
		panic(err)
	}
	var sna struct{ TfNum, CicCode, ApprReq string }
	_ = msg.Decode(&sna)
	fmt.Println(msg.Type, sna.TfNum, sna.CicCode, sna.ApprReq)
	// Output:
	// uns-sna 833-990-0238 0222 Yes
}

// Verify asks whether requests were made; when too few were, the answer
// lists the closest others and what differed, which RequireVerified and
// RequireCalled print on failure.
func ExampleServer_Verify() {
	srv, err := simtest.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	auth := map[string]string{"Authorization": "Basic ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ==", "Content-Type": "application/json"}
	send("POST", srv.URL("flowroute")+"/cnams", auth, `{"value":"Acme Labs"}`, nil)

	v := srv.Verify(simtest.Expect{Method: "POST", Path: "/v2/cnams", Body: map[string]any{"value": "Acme Labs"}, Count: simtest.Exactly(1)})
	fmt.Println(v.OK, v.Count)
	v = srv.Verify(simtest.Expect{Method: "POST", Path: "/v2/cnams", Body: map[string]any{"value": "ACME LABS"}})
	fmt.Println(v.Message)
	// Output:
	// true 1
	// expected at least 1 request(s) matching POST /v2/cnams, got 0; closest requests:
	//   POST /v2/cnams -> 201 (flowroute)
	//     body.value: expected "ACME LABS", got "Acme Labs"
}
