package call48

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
)

// Error is a Call48 error: the API reports it in the body's "code" and
// "error" fields.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Msg) }

func errf(code int, format string, a ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, a...)}
}

// The errors clients meet most.
var (
	ErrUnauthorized       = &Error{Code: 401, Msg: "Unauthorized Access"}
	ErrInvalidCredentials = &Error{Code: 400, Msg: "Invalid credentials"}
	ErrForbidden          = &Error{Code: 403, Msg: "You are not allowed to access this resource"}
)

func missing(field string) *Error { return errf(400, "%s is required", field) }

func invalid(field, why string) *Error { return errf(400, "Invalid %s: %s", field, why) }

func notFound(what string) *Error { return errf(404, "%s not found", what) }

// errorBody is the one error envelope.
type errorBody struct {
	Code    int     `json:"code"`
	Error   string  `json:"error"`
	Message string  `json:"message"`
	Data    *bool   `json:"data,omitempty"`
	Details *string `json:"details,omitempty"`
}

// WriteError renders every error in Call48's envelope. Application errors
// (auth, validation, domain) are sent with HTTP 200 by default, as the real
// API's clients read the body's code; the scenario can switch to real HTTP
// statuses. Engine errors (unknown route, faults) keep their HTTP status.
func (p *Provider) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		ce  *Error
		he  *provider.HTTPError
		ve  *oas.ValidationError
		app = true
	)
	switch {
	case errors.As(err, &ce):
	case errors.As(err, &he):
		if he.Body != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(he.Status)
			_, _ = w.Write(he.Body)
			return
		}
		ce = &Error{Code: he.Status, Msg: he.Message}
		app = false
	case errors.As(err, &ve):
		msg := "Invalid request"
		if ve.Field != "" && ve.In != "body" && strings.Contains(ve.Reason, "required") {
			// A missing parameter reads as the handlers' own message.
			msg = missing(ve.Field).Msg
		} else if ve.Field != "" {
			msg = fmt.Sprintf("Invalid request: %s %s: %s", ve.In, ve.Field, ve.Reason)
		} else if ve.Reason != "" {
			msg = fmt.Sprintf("Invalid request: %s", ve.Reason)
		}
		ce = &Error{Code: ve.Status, Msg: msg}
	default:
		ce = &Error{Code: 500, Msg: "Internal Server Error"}
		app = false
	}
	status := http.StatusOK
	provider.MarkRefused(r)
	if !app || statusModeOf(r) {
		status = ce.Code
		if status < 400 || status > 599 {
			status = http.StatusBadRequest
		}
	}
	if ce.Code == ErrInvalidCredentials.Code && ce.Msg == ErrInvalidCredentials.Msg {
		// The login failure of the document, key for key.
		provider.WriteJSON(w, status, o("error", ce.Msg, "data", false, "code", ce.Code))
		return
	}
	body := errorBody{Code: ce.Code, Error: ce.Msg, Message: ce.Msg}
	if ce.Code != 401 {
		f := false
		body.Data = &f
	}
	provider.WriteJSON(w, status, body)
}

// statusModeOf reports whether the tenant's scenario asks for real HTTP
// statuses on application errors.
func statusModeOf(r *http.Request) bool {
	s := storeOf(r)
	return s != nil && s.cfg.ErrorStatus == "http"
}
