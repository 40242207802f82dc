package okta

// SessionStatus is the state of a session. The server may send values this
// package does not know yet; they decode as-is (see IsKnown).
type SessionStatus string

// The session statuses Okta documents.
const (
	// SessionStatusActive: the session is established and fully validated.
	SessionStatusActive SessionStatus = "ACTIVE"
	// SessionStatusMFAEnroll: the session is established, but the user needs to
	// enroll a second factor.
	SessionStatusMFAEnroll SessionStatus = "MFA_ENROLL"
	// SessionStatusMFARequired: the session is established, but requires second
	// factor verification.
	SessionStatusMFARequired SessionStatus = "MFA_REQUIRED"
)

// IsKnown reports whether s is one of the documented statuses.
func (s SessionStatus) IsKnown() bool {
	switch s {
	case SessionStatusActive, SessionStatusMFAEnroll, SessionStatusMFARequired:
		return true
	}
	return false
}
