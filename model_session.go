package okta

import (
	"fmt"
	"log/slog"
	"time"
)

// Session is an Okta session: the server-side state behind a signed-in user.
//
// The session ID is a bearer secret: whoever holds it can act as the user in
// the browser. String, GoString and LogValue therefore print only a short
// prefix of it. json.Marshal keeps the whole session (it is data a caller may
// store): never log a Session's JSON.
type Session struct {
	// Id is the unique key of the session (a bearer secret).
	Id string `json:"id,omitempty"`
	// Login is the username of the session's user.
	Login string `json:"login,omitempty"`
	// UserId is the unique key of the session's user.
	UserId string `json:"userId,omitempty"`
	// Status tells whether the session is fully established or still needs MFA.
	Status SessionStatus `json:"status,omitempty"`
	// CreatedAt is when the session was created; zero when the server omits it.
	CreatedAt time.Time `json:"createdAt,omitempty"`
	// ExpiresAt is when the session expires unless it is refreshed.
	ExpiresAt time.Time `json:"expiresAt,omitempty"`
	// LastPasswordVerification is when the user last verified a password; nil when
	// the server sends null or omits it.
	LastPasswordVerification *time.Time `json:"lastPasswordVerification,omitempty"`
	// LastFactorVerification is when the user last verified a second factor; nil
	// when the server sends null or omits it.
	LastFactorVerification *time.Time `json:"lastFactorVerification,omitempty"`
	// Amr lists the authentication methods used to establish the session.
	Amr []SessionAuthenticationMethod `json:"amr,omitempty"`
	// Idp is the identity provider that authenticated the user.
	Idp *SessionIdentityProvider `json:"idp,omitempty"`
	// MfaActive tells whether MFA is active for the session. Okta documents it as
	// deprecated; it is decoded when present.
	MfaActive bool `json:"mfaActive,omitempty"`
	// Links holds the session's HAL links (self, refresh, user).
	Links *SessionLinks `json:"_links,omitempty"`
}

// IsActive reports whether the session is fully established (status ACTIVE).
// It does not look at the clock; use TimeLeft for expiry.
func (s Session) IsActive() bool {
	return s.Status == SessionStatusActive
}

// TimeLeft returns how long the session has before it expires, measured from
// now. It returns 0 when the session has expired or has no expiry time.
func (s Session) TimeLeft(now time.Time) time.Duration {
	if s.ExpiresAt.IsZero() {
		return 0
	}
	return max(s.ExpiresAt.Sub(now), 0)
}

// String describes the session without revealing its ID.
func (s Session) String() string {
	return fmt.Sprintf("Session{Id: %s, UserId: %s, Status: %s, ExpiresAt: %s}",
		shortID(s.Id), s.UserId, s.Status, s.ExpiresAt.UTC().Format(time.RFC3339))
}

// GoString is String, so that %#v does not print the session ID either.
func (s Session) GoString() string { return s.String() }

// LogValue describes the session to log/slog without revealing its ID: the
// fields String prints, plus the login and the creation time.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("Id", shortID(s.Id)),
		slog.String("UserId", s.UserId),
		slog.String("Login", s.Login),
		slog.String("Status", string(s.Status)),
		slog.Time("CreatedAt", s.CreatedAt),
		slog.Time("ExpiresAt", s.ExpiresAt),
	)
}
