package flowroute

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
)

// apiError is a Flowroute error. Detail is a string, or an object keyed by
// parameter for invalid query parameters (as the real API answers).
type apiError struct {
	Status int
	Title  string
	Detail any
}

func (e *apiError) Error() string {
	if s, ok := e.Detail.(string); ok {
		return s
	}
	return e.Title
}

var titles = map[int]string{
	http.StatusBadRequest:            "Bad Request",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "Resource not found",
	http.StatusMethodNotAllowed:      "Method Not Allowed",
	http.StatusRequestEntityTooLarge: "Request Entity Too Large",
	http.StatusUnsupportedMediaType:  "Unsupported Media Type",
	http.StatusUnprocessableEntity:   "Unprocessable Entity",
	http.StatusTooManyRequests:       "Too Many Requests",
	http.StatusInternalServerError:   "Internal Server Error",
	http.StatusServiceUnavailable:    "Service Unavailable",
}

func errorf(status int, detail string) *apiError {
	return &apiError{Status: status, Title: titles[status], Detail: detail}
}

var (
	errAuth          = errorf(http.StatusUnauthorized, "Authentication failed.")
	errCNAMNotFound  = errorf(http.StatusNotFound, "CNAM record not found.")
	errNumberMissing = errorf(http.StatusNotFound, "Phone number not found on your account.")
	errDuplicate     = errorf(http.StatusUnprocessableEntity, "Duplicate CNAM entry found on your account")
)

// errMissingValue is the 422 for a create or update without a value.
func errMissingValue() *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Title: titles[http.StatusUnprocessableEntity], Detail: map[string][]string{"value": {"Missing data for required field."}}}
}

// paramError is the 422 the real API gives for an invalid query parameter:
// detail keyed by parameter, no title.
func paramError(name string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Detail: map[string][]string{name: {"Invalid value."}}}
}

type wireError struct {
	Detail any    `json:"detail"`
	ID     string `json:"id"`
	Status int    `json:"status"`
	Title  string `json:"title,omitempty"`
}

// WriteError is Flowroute's one error writer.
func (p *Provider) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		ae *apiError
		he *provider.HTTPError
		ve *oas.ValidationError
	)
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &he):
		if he.Body != nil {
			w.Header().Set("Content-Type", mediaType)
			w.WriteHeader(he.Status)
			_, _ = w.Write(he.Body)
			return
		}
		ae = errorf(he.Status, he.Message)
		if he.Status == http.StatusNotFound {
			ae.Detail = "The requested URL was not found on the server."
		}
		if ae.Title == "" {
			ae.Title = http.StatusText(he.Status)
		}
	case errors.As(err, &ve):
		switch {
		case ve.Status == http.StatusUnsupportedMediaType:
			ae = errorf(http.StatusUnsupportedMediaType, "Unsupported Content-Type; send application/vnd.api+json, application/json or a form.")
		case ve.In == "body" && strings.Contains(ve.Reason, "decode"):
			ae = errorf(http.StatusBadRequest, "The request body is not valid JSON.")
		case ve.In == "query":
			ae = paramError(ve.Field)
		case ve.In == "body" && ve.Field == "" && strings.Contains(ve.Reason, "required"):
			// no body at all: the same answer as a body without a value
			ae = errMissingValue()
		case ve.In == "body" && ve.Field != "":
			field := ve.Field[strings.LastIndexByte(ve.Field, '.')+1:] // the last segment of the path
			ae = &apiError{Status: http.StatusUnprocessableEntity, Title: titles[422], Detail: map[string][]string{field: {ve.Reason}}}
		default:
			ae = errorf(http.StatusUnprocessableEntity, "Invalid request body: "+ve.Reason)
		}
	default:
		p.log.Error("unexpected error", "err", err)
		ae = errorf(http.StatusInternalServerError, "Internal server error.")
	}
	if ae.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="Flowroute API"`)
	}
	id := ""
	if st := provider.StateOf[*State](r, Name); st != nil {
		id = st.newUUID()
	}
	body, _ := json.Marshal(map[string][]wireError{"errors": {{Detail: ae.Detail, ID: id, Status: ae.Status, Title: ae.Title}}})
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(ae.Status)
	_, _ = w.Write(body)
}
