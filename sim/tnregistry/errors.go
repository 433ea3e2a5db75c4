package tnregistry

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
)

// Error is a store or control failure with the HTTP status it maps to.
type Error struct {
	Status int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

func badRequest(msg string) error { return &Error{Status: http.StatusBadRequest, Msg: msg} }
func notFound(msg string) error   { return &Error{Status: http.StatusNotFound, Msg: msg} }
func conflict(msg string) error   { return &Error{Status: http.StatusConflict, Msg: msg} }

// errBody is the TFNRegistry REST error shape:
// {"errList":[{"errLvl":"ERROR","errCode":"...","errMsg":"..."}]}.
type errBody struct {
	ErrList []errItem `json:"errList"`
}

type errItem struct {
	ErrLvl  string `json:"errLvl"`
	ErrCode string `json:"errCode"`
	ErrMsg  string `json:"errMsg"`
}

// writeError renders any error in the TFNRegistry error shape. The provider
// has no public routes today, so this only answers unknown paths under the
// mount and injected faults.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *provider.HTTPError
	var ve *oas.ValidationError
	var e *Error
	switch {
	case errors.As(err, &he):
		if he.Body != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(he.Status)
			_, _ = w.Write(he.Body)
			return
		}
		provider.WriteJSON(w, he.Status, errBody{ErrList: []errItem{{ErrLvl: "ERROR", ErrCode: codeFor(he.Status), ErrMsg: he.Message}}})
	case errors.As(err, &ve):
		provider.WriteJSON(w, ve.Status, errBody{ErrList: []errItem{{ErrLvl: "ERROR", ErrCode: codeFor(ve.Status), ErrMsg: ve.Error()}}})
	case errors.As(err, &e):
		provider.WriteJSON(w, e.Status, errBody{ErrList: []errItem{{ErrLvl: "ERROR", ErrCode: codeFor(e.Status), ErrMsg: e.Msg}}})
	default:
		slog.Error("tnregistry: unexpected error", "err", err, "path", r.URL.Path)
		provider.WriteJSON(w, http.StatusInternalServerError, errBody{ErrList: []errItem{{ErrLvl: "ERROR", ErrCode: "500000", ErrMsg: "Internal Server Error"}}})
	}
}

// codeFor maps an HTTP status to a six-digit TFNRegistry-style error code.
func codeFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "400000"
	case http.StatusUnauthorized:
		return "401000"
	case http.StatusForbidden:
		return "403000"
	case http.StatusNotFound:
		return "404000"
	case http.StatusMethodNotAllowed:
		return "405000"
	case http.StatusRequestEntityTooLarge:
		return "413000"
	case http.StatusUnsupportedMediaType:
		return "415000"
	case http.StatusTooManyRequests:
		return "429000"
	case http.StatusServiceUnavailable:
		return "503000"
	}
	return "500000"
}

// writeControlError renders a store error on a control route.
func writeControlError(w http.ResponseWriter, err error) {
	var e *Error
	if errors.As(err, &e) {
		provider.WriteControlError(w, e.Status, e.Msg)
		return
	}
	provider.WriteControlError(w, http.StatusInternalServerError, err.Error())
}
