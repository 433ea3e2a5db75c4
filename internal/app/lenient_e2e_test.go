package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/sim/simtest"
)

// Every provider reads null in an optional field as the field left out, and
// a JSON body sent without a Content-Type as JSON, as the real services'
// gateways do. The Somos list requests are what Java and Python clients
// send for the first page.
func TestNullIsAbsentAndJSONNeedsNoContentType(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	somos := srv.SomosIDToken(t, "demo-refresh-admin")
	cases := []struct {
		name, provider, method, path, ctype, body string
		auth                                      func(*http.Request)
		want                                      int
	}{
		{"somos cnam list, first page", "somos", "POST", "/cnam/list", "application/json", `{"LastEvaluatedKey":null,"entityID":null}`, bearerLess(somos), 200},
		{"somos files list, first page", "somos", "POST", "/bulkfiles/list", "application/json", `{"LastEvaluatedKey":null}`, bearerLess(somos), 200},
		{"somos metrics, first page", "somos", "POST", "/metrics/list", "application/json", `{"LastEvaluatedKey":null,"entityID":null}`, bearerLess(somos), 200},
		{"somos users, first page", "somos", "POST", "/admin/user/list", "application/json", `{"LastEvaluatedKey":null}`, bearerLess(somos), 200},
		{"somos without a content type", "somos", "POST", "/cnam/list", "", `{"limit":5}`, bearerLess(somos), 200},
		{"flowroute without a content type", "flowroute", "POST", "/cnams", "", `{"value":"NO TYPE"}`, basicDemo, 201},
		{"flowroute null relationship", "flowroute", "POST", "/cnams", "application/vnd.api+json", `{"value":"NULL REL","relationships":null}`, basicDemo, 201},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, srv.URL(c.provider)+c.path, strings.NewReader(c.body))
			require.NoError(t, err)
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			c.auth(req)
			resp, body := srv.Do(t, "", req)
			assert.Equal(t, c.want, resp.StatusCode, string(body))
		})
	}
}

func bearerLess(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", tok) }
}

func basicDemo(r *http.Request) { r.SetBasicAuth("demo-access-key", "demo-secret-key") }

// null in an optional field is the field left out for Call48 and for the
// control API's inputs too (TFNRegistry's subscriptions and record changes,
// which a test harness builds from objects with unset members).
func TestNullIsAbsentBeyondSomosAndFlowroute(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)

	req, err := http.NewRequest("POST", srv.URL("call48")+"/login", strings.NewReader(`{"user_name":"mark","password":"password","remember":null}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, body := srv.Do(t, "", req)
	require.Equal(t, 200, resp.StatusCode, string(body))
	assert.Contains(t, string(body), `"token"`, "logged in: %s", body)

	var sub map[string]any
	srv.Control("POST", "/tnregistry/subscriptions", map[string]any{
		"cic": "0777", "url": "inbox://nulls", "respOrg": nil, "caFile": nil, "networkId": nil,
		"restricted": nil, "insecureSkipVerify": nil, "messages": nil,
	}, http.StatusCreated, &sub)
	assert.Equal(t, "0777", sub["cic"])
	assert.Equal(t, "inbox://nulls", sub["url"])
}
