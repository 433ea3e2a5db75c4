package flowroute_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

const (
	access = "demo-access-key"
	secret = "demo-secret-key"
)

type cnam struct {
	Attributes struct {
		ApprovalDatetime *string `json:"approval_datetime"`
		CreationDatetime *string `json:"creation_datetime"`
		IsApproved       bool    `json:"is_approved"`
		RejectionReason  *string `json:"rejection_reason"`
		Value            string  `json:"value"`
	} `json:"attributes"`
	ID    string `json:"id"`
	Links struct {
		Self string `json:"self"`
	} `json:"links"`
	Relationships struct {
		Numbers struct {
			Data []struct{ ID, Type string } `json:"data"`
		} `json:"numbers"`
	} `json:"relationships"`
	Type string `json:"type"`
}

type errorsDoc struct {
	Errors []struct {
		Detail json.RawMessage `json:"detail"`
		ID     string          `json:"id"`
		Status int             `json:"status"`
		Title  string          `json:"title"`
	} `json:"errors"`
}

// call sends a request with the demo credentials (unless auth is false) and
// checks the response against the OpenAPI document.
func call(t *testing.T, srv *simtest.Server, method, path, contentType, body string, auth bool) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL("flowroute")+path, rd)
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/vnd.api+json")
	if auth {
		req.SetBasicAuth(access, secret)
	}
	resp, data := srv.Do(t, "flowroute", req)
	return resp.StatusCode, data
}

func decode[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(data, &v), string(data))
	return v
}

func TestCNAMLifecycle(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))

	// create (JSON:API media type), value upper-cased, pending
	status, body := call(t, srv, "POST", "/cnams", "application/vnd.api+json", `{"value":"Lifecycle Co"}`, true)
	require.Equal(t, http.StatusCreated, status, string(body))
	created := decode[struct{ Data cnam }](t, body).Data
	assert.Equal(t, "LIFECYCLE CO", created.Attributes.Value)
	assert.False(t, created.Attributes.IsApproved)
	assert.Nil(t, created.Attributes.ApprovalDatetime)
	assert.Regexp(t, `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$`, *created.Attributes.CreationDatetime)
	assert.True(t, strings.HasSuffix(created.Links.Self, "/flowroute/v2/cnams/"+created.ID), created.Links.Self)

	// a pending record cannot be associated yet
	status, body = call(t, srv, "PATCH", "/numbers/12065550101/relationships/cnams/"+created.ID, "", "", true)
	assert.Equal(t, http.StatusUnprocessableEntity, status, string(body))

	// after the approval delay it is approved
	srv.Advance(4 * time.Hour)
	status, body = call(t, srv, "GET", "/cnams/"+created.ID, "", "", true)
	require.Equal(t, http.StatusOK, status)
	got := decode[struct{ Data cnam }](t, body).Data
	assert.True(t, got.Attributes.IsApproved)
	require.NotNil(t, got.Attributes.ApprovalDatetime)

	// associate (plural and the SDK's singular spelling)
	for _, rel := range []string{"cnams", "cnam"} {
		status, body = call(t, srv, "PATCH", "/numbers/12065550101/relationships/"+rel+"/"+created.ID, "", "", true)
		require.Equal(t, http.StatusAccepted, status, string(body))
		assoc := decode[struct {
			Data struct {
				Attributes struct {
					DateCreated string `json:"date_created"`
				} `json:"attributes"`
				ID   int64  `json:"id"`
				Type string `json:"type"`
			} `json:"data"`
		}](t, body)
		assert.Equal(t, created.ID, jsonInt(assoc.Data.ID))
		assert.Equal(t, "cnam", assoc.Data.Type)
		// an HTTP date in GMT, like "Fri, 01 Jun 2018 00:17:52 GMT"
		assert.Equal(t, "Mon, 05 Jan 2026 13:00:00 GMT", assoc.Data.Attributes.DateCreated)
	}
	status, body = call(t, srv, "GET", "/cnams/"+created.ID, "", "", true)
	require.Equal(t, http.StatusOK, status)
	got = decode[struct{ Data cnam }](t, body).Data
	require.Len(t, got.Relationships.Numbers.Data, 1)
	assert.Equal(t, "12065550101", got.Relationships.Numbers.Data[0].ID)

	// disassociate, then delete; a second delete is the real 404
	status, _ = call(t, srv, "DELETE", "/numbers/12065550101/relationships/cnams", "", "", true)
	assert.Equal(t, http.StatusAccepted, status)
	status, _ = call(t, srv, "DELETE", "/cnams/"+created.ID, "", "", true)
	assert.Equal(t, http.StatusNoContent, status)
	status, body = call(t, srv, "DELETE", "/cnams/"+created.ID, "", "", true)
	require.Equal(t, http.StatusNotFound, status)
	e := decode[errorsDoc](t, body)
	require.Len(t, e.Errors, 1)
	assert.JSONEq(t, `"CNAM record not found. Nothing to delete."`, string(e.Errors[0].Detail))
	assert.Equal(t, "Resource not found", e.Errors[0].Title)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, e.Errors[0].ID)
}

func jsonInt(v int64) string { b, _ := json.Marshal(v); return string(b) }

func TestCreateAsFormAndDuplicate(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	status, body := call(t, srv, "POST", "/cnams", "application/x-www-form-urlencoded", url.Values{"value": {"form corp"}}.Encode(), true)
	require.Equal(t, http.StatusCreated, status, string(body))
	assert.Equal(t, "FORM CORP", decode[struct{ Data cnam }](t, body).Data.Attributes.Value)

	status, body = call(t, srv, "POST", "/cnams", "application/json", `{"value":"FORM CORP"}`, true)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	e := decode[errorsDoc](t, body)
	assert.JSONEq(t, `"Duplicate CNAM entry found on your account"`, string(e.Errors[0].Detail))

	status, _ = call(t, srv, "POST", "/cnams", "text/plain", `value=x`, true)
	assert.Equal(t, http.StatusUnsupportedMediaType, status)
	status, _ = call(t, srv, "POST", "/cnams", "application/json", `{"value":`, true)
	assert.Equal(t, http.StatusBadRequest, status)
	// no value, whether the body is empty, lacks the field or is an empty form
	for _, tc := range []struct{ contentType, body string }{
		{"application/json", `{}`},
		{"application/json", ``},
		{"", ``},
		{"application/x-www-form-urlencoded", `name=x`},
	} {
		status, body = call(t, srv, "POST", "/cnams", tc.contentType, tc.body, true)
		require.Equal(t, http.StatusUnprocessableEntity, status, "%+v: %s", tc, body)
		e = decode[errorsDoc](t, body)
		assert.JSONEq(t, `{"value":["Missing data for required field."]}`, string(e.Errors[0].Detail), "%+v", tc)
	}
}

func TestApprovalRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		value  string
		reason string // "" means approved
	}{
		{"ACME CORP", ""},
		{"O'BRIEN & SONS", ""},
		{"A VERY LONG NAME INDEED", "exceeds 15 characters"},
		{"12345", "at least one letter"},
		{"HELLO!", "characters that are not allowed"},
		{"CALL 2065550199", "phone number"},
		{"DAMN FINE", "inappropriate language"},
	}
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	ids := map[string]string{}
	for _, c := range cases {
		status, body := call(t, srv, "POST", "/cnams", "application/json", `{"value":"`+c.value+`"}`, true)
		require.Equal(t, http.StatusCreated, status, string(body))
		ids[c.value] = decode[struct{ Data cnam }](t, body).Data.ID
	}
	srv.Advance(4 * time.Hour)
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			status, body := call(t, srv, "GET", "/cnams/"+ids[c.value], "", "", true)
			require.Equal(t, http.StatusOK, status)
			got := decode[struct{ Data cnam }](t, body).Data
			if c.reason == "" {
				assert.True(t, got.Attributes.IsApproved)
				assert.Nil(t, got.Attributes.RejectionReason)
				return
			}
			assert.False(t, got.Attributes.IsApproved)
			require.NotNil(t, got.Attributes.RejectionReason)
			assert.Contains(t, *got.Attributes.RejectionReason, c.reason)
		})
	}
}

func TestListFiltersPagingAndLinks(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	status, body := call(t, srv, "GET", "/cnams?is_approved=true&limit=2", "", "", true)
	require.Equal(t, http.StatusOK, status)
	page := decode[struct {
		Data  []cnam `json:"data"`
		Links struct {
			Self string `json:"self"`
			Next string `json:"next"`
		} `json:"links"`
	}](t, body)
	require.Len(t, page.Data, 2)
	assert.True(t, strings.HasSuffix(page.Links.Self, "/v2/cnams?is_approved=True&limit=2&offset=0"), page.Links.Self)
	assert.True(t, strings.HasSuffix(page.Links.Next, "/v2/cnams?is_approved=True&limit=2&offset=2"), page.Links.Next)
	assert.NotContains(t, string(body), `\u0026`)

	// walking next links visits every approved record exactly once
	seen := map[string]bool{}
	next := page.Links.Self
	for next != "" {
		req, err := http.NewRequest("GET", next, nil)
		require.NoError(t, err)
		req.SetBasicAuth(access, secret)
		_, data := srv.Do(t, "flowroute", req)
		p := decode[struct {
			Data  []cnam `json:"data"`
			Links struct {
				Next string `json:"next"`
			} `json:"links"`
		}](t, data)
		for _, c := range p.Data {
			assert.False(t, seen[c.ID], "record %s twice", c.ID)
			seen[c.ID] = true
			assert.True(t, c.Attributes.IsApproved)
		}
		next = p.Links.Next
	}
	assert.Len(t, seen, 3)

	status, body = call(t, srv, "GET", "/cnams?value=brown", "", "", true)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), "BROWN BAG")
	assert.NotContains(t, string(body), "REGENCE")

	for _, q := range []string{"limit=abc", "limit=0", "offset=-1", "is_approved=maybe"} {
		t.Run(q, func(t *testing.T) {
			status, body := call(t, srv, "GET", "/cnams?"+q, "", "", true)
			require.Equal(t, http.StatusUnprocessableEntity, status, string(body))
			e := decode[errorsDoc](t, body)
			param, _, _ := strings.Cut(q, "=")
			assert.JSONEq(t, `{"`+param+`":["Invalid value."]}`, string(e.Errors[0].Detail))
		})
	}
}

func TestAuthAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	status, body := call(t, srv, "GET", "/cnams", "", "", false)
	require.Equal(t, http.StatusUnauthorized, status)
	e := decode[errorsDoc](t, body)
	assert.JSONEq(t, `"Authentication failed."`, string(e.Errors[0].Detail))
	assert.Equal(t, "Unauthorized", e.Errors[0].Title)

	req, _ := http.NewRequest("GET", srv.URL("flowroute")+"/cnams", nil)
	req.SetBasicAuth(access, "wrong")
	resp, _ := srv.Do(t, "", req)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	req, _ = http.NewRequest("PUT", srv.URL("flowroute")+"/cnams", nil)
	req.SetBasicAuth(access, secret)
	resp, body = srv.Do(t, "", req)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Contains(t, string(body), "The method is not allowed for the requested URL.")

	req, _ = http.NewRequest("GET", srv.URL("flowroute")+"/nothing-here", nil)
	resp, body = srv.Do(t, "", req)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, string(body), `"errors"`)
}

func TestNumbers(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	status, body := call(t, srv, "GET", "/numbers?limit=200", "", "", true)
	require.Equal(t, http.StatusOK, status)
	all := decode[struct {
		Data []struct {
			ID         string `json:"id"`
			Attributes struct {
				Value string `json:"value"`
			} `json:"attributes"`
		} `json:"data"`
	}](t, body)
	assert.Len(t, all.Data, 29) // 4 listed in the default scenario + 25 generated

	status, body = call(t, srv, "GET", "/numbers?starts_with=1206555010&ends_with=1", "", "", true)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), `"12065550101"`)
	assert.NotContains(t, string(body), `"12065550100"`)

	status, _ = call(t, srv, "GET", "/numbers?limit=201", "", "", true)
	assert.Equal(t, http.StatusUnprocessableEntity, status)

	status, body = call(t, srv, "GET", "/numbers/12065550100", "", "", true)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), `"cnam":{"data":{"id":"17604","type":"cnam"}}`)
	assert.Contains(t, string(body), `"TEST, MARIA"`)

	status, _ = call(t, srv, "GET", "/numbers/19995550100", "", "", true)
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = call(t, srv, "PATCH", "/numbers/19995550100/relationships/cnams/17604", "", "", true)
	assert.Equal(t, http.StatusNotFound, status)
}

func TestControlLevers(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	_, body := call(t, srv, "POST", "/cnams", "application/json", `{"value":"LEVER ONE"}`, true)
	one := decode[struct{ Data cnam }](t, body).Data.ID
	_, body = call(t, srv, "POST", "/cnams", "application/json", `{"value":"LEVER TWO"}`, true)
	two := decode[struct{ Data cnam }](t, body).Data.ID

	srv.Control("POST", "/flowroute/cnams/"+one+"/approve", nil, http.StatusOK, nil)
	srv.Control("POST", "/flowroute/cnams/"+two+"/reject", map[string]string{"reason": "Brand not verified."}, http.StatusOK, nil)
	srv.Control("POST", "/flowroute/cnams/"+two+"/approve", nil, http.StatusConflict, nil)
	srv.Control("POST", "/flowroute/cnams/999999/approve", nil, http.StatusNotFound, nil)

	_, body = call(t, srv, "GET", "/cnams/"+two, "", "", true)
	got := decode[struct{ Data cnam }](t, body).Data
	require.NotNil(t, got.Attributes.RejectionReason)
	assert.Equal(t, "Brand not verified.", *got.Attributes.RejectionReason)
	_, body = call(t, srv, "GET", "/cnams/"+one, "", "", true)
	assert.True(t, decode[struct{ Data cnam }](t, body).Data.Attributes.IsApproved)
	srv.RequireCalled(t, "POST", "/v2/cnams", 2)
}
