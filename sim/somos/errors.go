package somos

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
)

// Error is a TFN Identity error. Gateway errors come from the API Gateway in
// front of the service ({"message": ...}); the others from the service itself
// ({"result":"error","message": ...}).
type Error struct {
	Status  int
	Message string
	Gateway bool
}

func (e *Error) Error() string { return e.Message }

func badRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

func notAuthorized(format string, args ...any) *Error {
	return &Error{Status: http.StatusUnauthorized, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *Error {
	return &Error{Status: http.StatusNotFound, Message: fmt.Sprintf(format, args...)}
}

func internalError(format string, args ...any) *Error {
	return &Error{Status: http.StatusInternalServerError, Message: fmt.Sprintf(format, args...)}
}

// The API Gateway's Cognito authorizer answers these.
var (
	errUnauthorized = &Error{Status: http.StatusUnauthorized, Message: "Unauthorized", Gateway: true}
	errTokenExpired = &Error{Status: http.StatusUnauthorized, Message: "The incoming token has expired", Gateway: true}
)

type gatewayBody struct {
	Message string `json:"message"`
}

type errorBody struct {
	Result  string `json:"result"`
	Message string `json:"message"`
}

// WriteError is the provider's one error writer.
func (p *Provider) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, err)
}

func writeError(w http.ResponseWriter, err error) {
	var e *Error
	var ve *oas.ValidationError
	var he *provider.HTTPError
	switch {
	case errors.As(err, &e):
		if e.Gateway {
			writeJSON(w, e.Status, gatewayBody{Message: e.Message})
			return
		}
		writeJSON(w, e.Status, errorBody{Result: "error", Message: e.Message})
	case errors.As(err, &ve):
		writeJSON(w, ve.Status, gatewayBody{Message: "Invalid request body: " + ve.Error()})
	case errors.As(err, &he):
		if he.Body != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(he.Status)
			_, _ = w.Write(he.Body)
			return
		}
		msg := he.Message
		switch he.Status {
		case http.StatusTooManyRequests:
			msg = "Too Many Requests"
		case http.StatusInternalServerError:
			msg = "Internal server error"
		case http.StatusServiceUnavailable:
			msg = "Service Unavailable"
		case http.StatusRequestEntityTooLarge:
			msg = "Request Too Long"
		}
		if msg == "" {
			msg = http.StatusText(he.Status)
		}
		writeJSON(w, he.Status, gatewayBody{Message: msg})
	default:
		slog.Error("somos: unexpected error", "err", err)
		writeJSON(w, http.StatusInternalServerError, gatewayBody{Message: "Internal server error"})
	}
}
