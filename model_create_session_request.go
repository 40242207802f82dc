package okta

import (
	"log/slog"
	"strconv"
)

// CreateSessionRequest is the body of CreateSession.
//
// The session token is a one-time secret equivalent to the user's credentials:
// String, GoString and LogValue never print it. MarshalJSON is the default
// one, since the token must reach Okta: do not log the JSON.
type CreateSessionRequest struct {
	// SessionToken is the one-time token obtained during authentication. It is
	// valid once, for 5 minutes.
	SessionToken string `json:"sessionToken"`
}

// String describes the request without revealing the session token.
func (r CreateSessionRequest) String() string {
	return "CreateSessionRequest{SessionToken: " + strconv.Quote(hidden(r.SessionToken)) + "}"
}

// GoString is String, so that %#v does not print the token either.
func (r CreateSessionRequest) GoString() string { return r.String() }

// LogValue describes the request to log/slog without revealing the token.
func (r CreateSessionRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("SessionToken", hidden(r.SessionToken)))
}
