package oktatest

import (
	"encoding/json"
	"net/http"
)

// oktaError is one of Okta's error answers: the status, errorCode and
// errorSummary; see https://developer.okta.com/docs/reference/error-codes/.
type oktaError struct {
	status  int
	code    string
	summary string
}

// The error answers of the fake.
var (
	errMalformedBody    = oktaError{http.StatusBadRequest, "E0000003", "The request body was not well-formed."}
	errAuthFailed       = oktaError{http.StatusUnauthorized, "E0000004", "Authentication failed"}
	errInvalidToken     = oktaError{http.StatusUnauthorized, "E0000011", "Invalid token provided"}
	errForbidden        = oktaError{http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action"}
	errInvalidSession   = oktaError{http.StatusForbidden, "E0000005", "Invalid session"}
	errPathNotFound     = oktaError{http.StatusNotFound, "E0000008", "The requested path was not found"}
	errMethodNotAllowed = oktaError{http.StatusMethodNotAllowed, "E0000022", "The endpoint does not support the provided HTTP method"}
	errRateLimited      = oktaError{http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests."}
	errInternal         = oktaError{http.StatusInternalServerError, "E0000009", "Internal Server Error"}
)

// errNotFound is 404 E0000007 for the id of a resource of kind ("Session",
// "User"), which Okta echoes.
func errNotFound(id, kind string) oktaError {
	return oktaError{http.StatusNotFound, "E0000007", "Not found: Resource not found: " + id + " (" + kind + ")"}
}

// errValidation is 400 E0000001 for a field, query parameter or control
// request Okta (or the fake) refuses.
func errValidation(field string) oktaError {
	return oktaError{http.StatusBadRequest, "E0000001", "Api validation failed: " + field}
}

// errorBody is Okta's error object.
type errorBody struct {
	ErrorCode    string       `json:"errorCode"`
	ErrorSummary string       `json:"errorSummary"`
	ErrorLink    string       `json:"errorLink"`
	ErrorID      string       `json:"errorId"`
	ErrorCauses  []errorCause `json:"errorCauses"`
}

type errorCause struct {
	ErrorSummary string `json:"errorSummary"`
}

// write answers with e and a new errorId.
func (e oktaError) write(w http.ResponseWriter) {
	writeJSON(w, e.status, errorBody{
		ErrorCode: e.code, ErrorSummary: e.summary, ErrorLink: e.code,
		ErrorID: newErrorID(), ErrorCauses: []errorCause{},
	})
}

// writeStatus answers status as Okta would, for an injected fault, with
// Okta's error body for it: a 404 is notFound, the route's own; a status
// Okta has a code for gets it; any other 5xx (502, 503, 504) E0000009, Okta's
// code for a server error, with the status's text; any other status its
// text and no code.
func writeStatus(w http.ResponseWriter, status int, notFound oktaError) {
	if status == http.StatusNotFound {
		notFound.write(w)
		return
	}
	for _, e := range []oktaError{errMalformedBody, errInvalidToken, errForbidden, errMethodNotAllowed, errRateLimited, errInternal} {
		if e.status == status {
			e.write(w)
			return
		}
	}
	code := ""
	if status >= 500 {
		code = errInternal.code
	}
	oktaError{status: status, code: code, summary: http.StatusText(status)}.write(w)
}

// jsonContentType is the Content-Type of Okta's JSON answers.
const jsonContentType = "application/json;charset=UTF-8"

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// errNotWellFormed is 400 E0000003 for a control request whose body is not
// what the route takes, saying why.
func errNotWellFormed(why string) oktaError {
	return oktaError{errMalformedBody.status, errMalformedBody.code, errMalformedBody.summary + " " + why}
}
