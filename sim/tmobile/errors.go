package tmobile

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
)

// Reason codes. The document defines the error shape but no codes; these are
// the simulator's, stable and documented in docs/tmobile.md.
const (
	ReasonInvalidInput       = "INVALID_INPUT"
	ReasonMissingPoP         = "MISSING_POP_TOKEN"
	ReasonInvalidPoP         = "INVALID_POP_TOKEN"
	ReasonPoPSignature       = "POP_SIGNATURE_INVALID"
	ReasonPoPEdts            = "POP_EDTS_MISMATCH"
	ReasonPoPIncomplete      = "POP_EHTS_INCOMPLETE"
	ReasonPoPExpired         = "POP_TOKEN_EXPIRED"
	ReasonPoPNotYetValid     = "POP_TOKEN_NOT_YET_VALID"
	ReasonPoPLifetime        = "POP_LIFETIME_TOO_LONG"
	ReasonPoPReplayed        = "POP_TOKEN_REPLAYED"
	ReasonMissingCredentials = "MISSING_CREDENTIALS"
	ReasonInvalidClient      = "INVALID_CLIENT"
	ReasonInvalidGrant       = "INVALID_GRANT"
	ReasonUnsupportedGrant   = "UNSUPPORTED_GRANT_TYPE"
	ReasonInvalidToken       = "INVALID_TOKEN"
	ReasonTokenExpired       = "TOKEN_EXPIRED"
	ReasonTokenRevoked       = "TOKEN_REVOKED"
	ReasonAccountConflict    = "ACCOUNT_CONFLICT"
	ReasonNotFound           = "NOT_FOUND"
	ReasonMethodNotAllowed   = "METHOD_NOT_ALLOWED"
	ReasonUnsupportedMedia   = "UNSUPPORTED_MEDIA_TYPE"
	ReasonPayloadTooLarge    = "PAYLOAD_TOO_LARGE"
	ReasonRequestTimeout     = "REQUEST_TIMEOUT"
	ReasonTooManyRequests    = "TOO_MANY_REQUESTS"
	ReasonServiceUnavailable = "SERVICE_UNAVAILABLE"
	ReasonServerError        = "SERVER_ERROR"
)

// Error is the provider's error: a status and one ErrorInfoBody.
type Error struct {
	Status        int
	ReasonCode    string
	SystemMessage string
	UserMessage   string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.ReasonCode, e.SystemMessage)
}

func newErr(status int, reason, system, user string) *Error {
	return &Error{Status: status, ReasonCode: reason, SystemMessage: system, UserMessage: user}
}

func errInvalidInput(msg string) *Error {
	return newErr(http.StatusBadRequest, ReasonInvalidInput, msg, "The request is invalid.")
}

// authErr builds an authentication failure with the scenario's status for
// them (403 by default: the document lists no 401).
func authErr(status int, reason, system string) *Error {
	return newErr(status, reason, system, "You are not authorized to perform this request.")
}

func errGrant(msg string) *Error {
	return newErr(http.StatusBadRequest, ReasonInvalidGrant, msg, "The authorization grant is invalid, expired or revoked.")
}

// engineReasons maps engine-level statuses to reason codes.
var engineReasons = map[int]string{
	http.StatusBadRequest:            ReasonInvalidInput,
	http.StatusForbidden:             ReasonInvalidToken,
	http.StatusNotFound:              ReasonNotFound,
	http.StatusMethodNotAllowed:      ReasonMethodNotAllowed,
	http.StatusRequestTimeout:        ReasonRequestTimeout,
	http.StatusConflict:              ReasonAccountConflict,
	http.StatusRequestEntityTooLarge: ReasonPayloadTooLarge,
	http.StatusUnsupportedMediaType:  ReasonUnsupportedMedia,
	http.StatusTooManyRequests:       ReasonTooManyRequests,
	http.StatusInternalServerError:   ReasonServerError,
	http.StatusServiceUnavailable:    ReasonServiceUnavailable,
}

// toError converts anything a handler, the router or the engine reports into
// the provider's error.
func toError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var ve *oas.ValidationError
	if errors.As(err, &ve) {
		reason := ReasonInvalidInput
		if ve.Status == http.StatusUnsupportedMediaType {
			reason = ReasonUnsupportedMedia
		}
		return newErr(ve.Status, reason, ve.Error(), "The request is invalid.")
	}
	var he *provider.HTTPError
	if errors.As(err, &he) {
		reason, ok := engineReasons[he.Status]
		if !ok {
			reason = http.StatusText(he.Status)
		}
		user := http.StatusText(he.Status)
		if user == "" {
			user = "Error"
		}
		return newErr(he.Status, reason, he.Message, user+".")
	}
	return newErr(http.StatusInternalServerError, ReasonServerError, "internal error", "Service unavailable.")
}

// writeError is the provider's one error writer.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	stampTransaction(w, r)
	var he *provider.HTTPError
	if errors.As(err, &he) && he.Body != nil {
		w.WriteHeader(he.Status)
		_, _ = w.Write(he.Body)
		return
	}
	e := toError(err)
	if e.Status >= 500 {
		slog.Debug("tmobile: server error", "err", err, "path", r.URL.Path)
	}
	provider.WriteJSON(w, e.Status, errorInfo{Errors: []errorInfoBody{{
		ReasonCode: e.ReasonCode, SystemMessage: e.SystemMessage, UserMessage: e.UserMessage,
	}}})
}
