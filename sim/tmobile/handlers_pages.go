package tmobile

import (
	"net/http"
	"net/url"
	"strings"
)

// parsePageForm reads a page's form body (bounded).
func parsePageForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	return r.ParseForm() == nil
}

// withParams returns target with params added to its query.
func withParams(target string, params url.Values) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
			}
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func redirect(w http.ResponseWriter, r *http.Request, target string) {
	stampTransaction(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusFound)
}

type linkQuery struct {
	ClientID, RedirectURI, State string
}

// checkLink validates the link page's query, rendering the error page (and
// never redirecting) when the client or redirect URI is wrong.
func checkLink(w http.ResponseWriter, r *http.Request) (*Client, linkQuery, bool) {
	q := r.URL.Query()
	lq := linkQuery{ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), State: q.Get("state")}
	c, msg := storeOf(r).CheckLinkRequest(lq.ClientID, lq.RedirectURI, q.Get("client_secret"), q.Has("client_secret"))
	if c == nil {
		renderErrorPage(w, r, http.StatusBadRequest, msg+" The link cannot continue; return to the app you came from.")
		return nil, lq, false
	}
	return c, lq, true
}

func loginPage(w http.ResponseWriter, r *http.Request, c *Client, username, errMsg string) {
	renderPage(w, r, http.StatusOK, "login", pageData{
		Title: "Sign in to link your line", Error: errMsg, Action: requestURI(r), ClientName: c.Name, Username: username,
	})
}

// handleLinkPage is GET /account-mgmt/linkAccount.
func handleLinkPage(w http.ResponseWriter, r *http.Request) {
	c, _, ok := checkLink(w, r)
	if !ok {
		return
	}
	loginPage(w, r, c, "", "")
}

// handleLinkSubmit is the link page's form: step=login (username,
// password), step=select (session, msisdn) or step=cancel.
func handleLinkSubmit(w http.ResponseWriter, r *http.Request) {
	c, lq, ok := checkLink(w, r)
	if !ok {
		return
	}
	if !parsePageForm(w, r) {
		loginPage(w, r, c, "", "The form could not be read. Please try again.")
		return
	}
	st, f := storeOf(r), r.PostForm
	switch f.Get("step") {
	case "cancel":
		redirect(w, r, withParams(lq.RedirectURI, url.Values{
			"error": {"access_denied"}, "error_description": {"The subscriber cancelled the link."}, "state": {lq.State},
		}))
	case "login":
		user := f.Get("username")
		sess, lines, ok := st.Login(lq.ClientID, lq.RedirectURI, user, f.Get("password"))
		if !ok {
			loginPage(w, r, c, user, "The username or password is incorrect.")
			return
		}
		if len(lines) == 0 {
			renderErrorPage(w, r, http.StatusOK, "Your account has no lines that can be linked.")
			return
		}
		linesPage(w, r, c, sess.ID, lines, "")
	case "select":
		sid := f.Get("session")
		code, msg := st.IssueCode(sid, lq.ClientID, lq.RedirectURI, f.Get("msisdn"))
		if code != "" {
			redirect(w, r, withParams(lq.RedirectURI, url.Values{"code": {code}, "state": {lq.State}}))
			return
		}
		if _, lines, ok := st.Session(sid, lq.ClientID, lq.RedirectURI); ok {
			linesPage(w, r, c, sid, lines, msg)
			return
		}
		loginPage(w, r, c, "", msg)
	default:
		loginPage(w, r, c, "", "Please sign in.")
	}
}

func linesPage(w http.ResponseWriter, r *http.Request, c *Client, session string, lines []LinePick, errMsg string) {
	renderPage(w, r, http.StatusOK, "lines", pageData{
		Title: "Choose a line", Error: errMsg, Action: requestURI(r), ClientName: c.Name, Session: session, Lines: lines,
	})
}

// validRedirectURL accepts absolute http(s) URLs and app schemes (myapp://cb).
func validRedirectURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return false
	}
	return true
}

// failTo is where an e911 failure goes: the failure URL, or the success URL
// with the error when no failure URL was given (as the document says).
func failTo(success, failure, code, msg string) string {
	target := failure
	if target == "" {
		target = success
	}
	return withParams(target, url.Values{"error": {code}, "error_description": {msg}})
}

// handleE911 is POST /account-mgmt/changeEmergencyAddress: without a
// session field it opens the page (Authorization in the query or header);
// with one it is the page's own form.
func handleE911(w http.ResponseWriter, r *http.Request) {
	if !parsePageForm(w, r) {
		renderErrorPage(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	st := storeOf(r)
	action, _, _ := strings.Cut(requestURI(r), "?")
	if sid := r.PostForm.Get("session"); sid != "" {
		addr := Address{Line1: r.PostForm.Get("addressLine1"), Line2: r.PostForm.Get("addressLine2"),
			City: r.PostForm.Get("city"), State: r.PostForm.Get("state"), Zip: r.PostForm.Get("zip")}
		es, code, msg, ok := st.SubmitE911(sid, addr, r.PostForm.Get("action") == "cancel")
		if !ok {
			renderErrorPage(w, r, http.StatusBadRequest, "This page has expired. Return to the app and open it again.")
			return
		}
		if code != "" {
			redirect(w, r, failTo(es.SuccessURL, es.FailureURL, code, msg))
			return
		}
		redirect(w, r, es.SuccessURL)
		return
	}
	q := r.URL.Query()
	success, failure := q.Get("success-redirect-url"), q.Get("failure-redirect-url")
	if !validRedirectURL(success) {
		renderErrorPage(w, r, http.StatusBadRequest, "The success-redirect-url query parameter is required and must be an absolute URL.")
		return
	}
	if failure != "" && !validRedirectURL(failure) {
		renderErrorPage(w, r, http.StatusBadRequest, "The failure-redirect-url query parameter must be an absolute URL.")
		return
	}
	auth := queryFold(q, "Authorization")
	if auth == "" {
		auth = r.Header.Get("Authorization")
	}
	tok := strings.TrimSpace(auth)
	if b, ok := bearer(auth); ok {
		tok = b
	}
	if tok == "" {
		redirect(w, r, failTo(success, failure, E911InvalidToken, "an access token is required in the Authorization query parameter or header"))
		return
	}
	view, e := st.OpenE911(tok, success, failure)
	if e != nil {
		redirect(w, r, failTo(success, failure, E911InvalidToken, e.SystemMessage))
		return
	}
	renderPage(w, r, http.StatusOK, "e911", pageData{
		Title: "Emergency address", Action: action, Session: view.SessionID,
		Line: FormatMSISDN(view.MSISDN), Current: view.Address.String(), Address: view.Address,
	})
}

// queryFold returns the query parameter name, matched without regard to case
// (partners send Authorization and authorization alike); the exact spelling
// wins.
func queryFold(q url.Values, name string) string {
	if v := q.Get(name); v != "" {
		return v
	}
	for k, vs := range q {
		if strings.EqualFold(k, name) && len(vs) > 0 && vs[0] != "" {
			return vs[0]
		}
	}
	return ""
}
