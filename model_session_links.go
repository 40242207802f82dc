package okta

// SessionLinks are the HAL links of a session.
type SessionLinks struct {
	// Self is the session itself (GET, DELETE).
	Self *HrefObject `json:"self,omitempty"`
	// Refresh is the session's refresh operation (POST).
	Refresh *HrefObject `json:"refresh,omitempty"`
	// User is the session's user (GET); its Name is the user's display name.
	User *HrefObject `json:"user,omitempty"`
}
