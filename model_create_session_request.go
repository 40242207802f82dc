package okta

// CreateSessionRequest is the body of CreateSession.
//
// The session token is a one-time secret equivalent to the user's credentials:
// String and GoString never print it.
type CreateSessionRequest struct {
	// SessionToken is the one-time token obtained during authentication. It is
	// valid once, for 5 minutes.
	SessionToken string `json:"sessionToken"`
}

// String describes the request without revealing the session token.
func (r CreateSessionRequest) String() string {
	return "CreateSessionRequest{SessionToken: " + mask(r.SessionToken) + "}"
}

// GoString is String, so that %#v does not print the token either.
func (r CreateSessionRequest) GoString() string { return r.String() }
