package okta

// HrefHints describes the HTTP methods a link allows.
type HrefHints struct {
	// Allow lists the allowed HTTP methods (GET, POST, PUT, DELETE).
	Allow []string `json:"allow,omitempty"`
}
