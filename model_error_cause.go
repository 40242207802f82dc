package okta

// ErrorCause is one detail of a ModelError.
type ErrorCause struct {
	// ErrorSummary describes the cause.
	ErrorSummary string `json:"errorSummary,omitempty"`
}
