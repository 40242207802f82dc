package okta

// ModelError is the error body Okta sends with a non-2xx answer. Okta says
// only ErrorCode is meant for flow control; ErrorSummary may change over time.
type ModelError struct {
	// ErrorCode is Okta's code for the kind of error, such as "E0000007".
	ErrorCode string `json:"errorCode,omitempty"`
	// ErrorSummary is a human-readable description.
	ErrorSummary string `json:"errorSummary,omitempty"`
	// ErrorLink is currently the same as ErrorCode.
	ErrorLink string `json:"errorLink,omitempty"`
	// ErrorId identifies this occurrence of the error for Okta Support.
	ErrorId string `json:"errorId,omitempty"`
	// ErrorCauses gives further details, often empty.
	ErrorCauses []ErrorCause `json:"errorCauses,omitempty"`
}
