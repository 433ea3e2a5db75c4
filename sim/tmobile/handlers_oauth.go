package tmobile

import (
	"mime"
	"net/http"
	"net/url"

	"github.com/telecomsim/simulator/internal/provider"
)

// tokenParams reads the token request's parameters from the query (as the
// document has them) and, when the body is a form, from the body too; the
// query wins.
func tokenParams(r *http.Request) url.Values {
	params := url.Values{}
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && ct == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err == nil {
			for k, v := range r.PostForm {
				params[k] = v
			}
		}
	}
	for k, v := range r.URL.Query() {
		params[k] = v
	}
	return params
}

// handleToken is POST /oauth/token.
func handleToken(w http.ResponseWriter, r *http.Request) {
	st, who := storeOf(r), callerOf(r)
	q := tokenParams(r)
	var resp tokenResponse
	var e *Error
	switch gt := q.Get("grant_type"); gt {
	case "authorization_code":
		code, redirect := q.Get("code"), q.Get("redirect_uri")
		switch {
		case code == "":
			e = errInvalidInput("query parameter code is required")
		case redirect == "":
			e = errInvalidInput("query parameter redirect_uri is required")
		default:
			resp, e = st.ExchangeCode(who.Client, code, redirect)
		}
	case "refresh_token":
		rt := q.Get("refresh_token")
		if rt == "" {
			e = errInvalidInput("query parameter refresh_token is required")
		} else {
			resp, e = st.Refresh(who.Client, rt)
		}
	case "":
		e = errInvalidInput("query parameter grant_type is required")
	default:
		e = newErr(http.StatusBadRequest, ReasonUnsupportedGrant,
			"grant_type "+gt+" is not supported (authorization_code, refresh_token)", "The request is invalid.")
	}
	if e != nil {
		writeError(w, r, e)
		return
	}
	stampTransaction(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	provider.WriteJSON(w, http.StatusOK, resp)
}
