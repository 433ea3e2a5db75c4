package tmobile

import (
	"bytes"
	"html/template"
	"net/http"
)

// The browser pages: plain HTML forms, labelled fields, errors announced with
// role="alert", no scripts. html/template escapes everything that comes from
// the request or the scenario.
var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} | T-Mobile</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111}
label{display:block;margin-top:1rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
fieldset{margin-top:1rem}
button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem}
.error{border:2px solid #b00020;padding:.75rem;color:#b00020}
.brand{color:#e20074;font-weight:700}
</style>
</head>
<body>
<header><p class="brand">T-Mobile</p></header>
<main>
<h1>{{.Title}}</h1>
{{if .Error}}<p class="error" role="alert" id="error">{{.Error}}</p>{{end}}
{{end}}

{{define "foot"}}</main>
<footer><p><small>Simulated page: no real T-Mobile account is involved.</small></p></footer>
</body>
</html>
{{end}}

{{define "error"}}{{template "head" .}}<p>{{.Message}}</p>
{{template "foot" .}}{{end}}

{{define "login"}}{{template "head" .}}<p><strong>{{.ClientName}}</strong> wants to use one of your T-Mobile lines. Sign in to choose the line.</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="step" value="login">
<label for="username">Username</label>
<input type="text" id="username" name="username" value="{{.Username}}" autocomplete="username" required{{if .Error}} aria-describedby="error" aria-invalid="true"{{end}}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="{{.Action}}">
<input type="hidden" name="step" value="cancel">
<button type="submit">Cancel</button>
</form>
{{template "foot" .}}{{end}}

{{define "lines"}}{{template "head" .}}<form method="post" action="{{.Action}}">
<input type="hidden" name="step" value="select">
<input type="hidden" name="session" value="{{.Session}}">
<fieldset>
<legend>Choose the line to link to <strong>{{.ClientName}}</strong></legend>
{{range $i, $l := .Lines}}<div>
<input type="radio" id="line-{{$l.MSISDN}}" name="msisdn" value="{{$l.MSISDN}}"{{if eq $i 0}} checked{{end}} required>
<label for="line-{{$l.MSISDN}}" style="display:inline;font-weight:400">{{$l.Display}}{{if $l.RegStatus}} (already registered){{end}}</label>
</div>
{{end}}</fieldset>
<button type="submit">Link this line</button>
</form>
<form method="post" action="{{.Action}}">
<input type="hidden" name="step" value="cancel">
<button type="submit">Cancel</button>
</form>
{{template "foot" .}}{{end}}

{{define "e911"}}{{template "head" .}}<p>Emergency (911) address of <strong>{{.Line}}</strong>. Emergency services are sent to this address when you call 911 over Wi-Fi.</p>
<h2>Current address</h2>
<p id="current">{{.Current}}</p>
<h2>New address</h2>
<form method="post" action="{{.Action}}">
<input type="hidden" name="session" value="{{.Session}}">
<label for="addressLine1">Street address</label>
<input type="text" id="addressLine1" name="addressLine1" value="{{.Address.Line1}}" autocomplete="address-line1" required>
<label for="addressLine2">Apartment, suite, unit (optional)</label>
<input type="text" id="addressLine2" name="addressLine2" value="{{.Address.Line2}}" autocomplete="address-line2">
<label for="city">City</label>
<input type="text" id="city" name="city" value="{{.Address.City}}" autocomplete="address-level2" required>
<label for="state">State (two letters)</label>
<input type="text" id="state" name="state" value="{{.Address.State}}" autocomplete="address-level1" maxlength="2" required>
<label for="zip">ZIP code</label>
<input type="text" id="zip" name="zip" value="{{.Address.Zip}}" autocomplete="postal-code" inputmode="numeric" required>
<button type="submit" name="action" value="save">Save address</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</form>
{{template "foot" .}}{{end}}
`))

// pageData is what every page gets; each page reads its own fields.
type pageData struct {
	Title      string
	Error      string
	Message    string
	Action     string
	ClientName string
	Username   string
	Session    string
	Lines      []LinePick
	Line       string
	Current    string
	Address    Address
}

// renderPage writes an HTML page.
func renderPage(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, d); err != nil {
		writeError(w, r, err)
		return
	}
	stampTransaction(w, r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderErrorPage is the page shown when the simulator cannot redirect.
func renderErrorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	renderPage(w, r, status, "error", pageData{Title: "Something went wrong", Message: msg})
}
