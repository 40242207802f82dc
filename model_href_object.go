package okta

// HrefObject is a HAL link.
type HrefObject struct {
	// Href is the link's URI.
	Href string `json:"href"`
	// Name is the link's name, such as a user's display name.
	Name string `json:"name,omitempty"`
	// Type is the media type of the link target; empty means application/json.
	Type string `json:"type,omitempty"`
	// Templated tells whether Href is a URI template.
	Templated bool `json:"templated,omitempty"`
	// Hints describes what may be done with the link.
	Hints *HrefHints `json:"hints,omitempty"`
}
