package okta

import "slices"

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

// sessionStatuses are the documented statuses.
var sessionStatuses = []SessionStatus{SessionStatusActive, SessionStatusMFAEnroll, SessionStatusMFARequired}

// IsKnown reports whether s is one of the documented statuses.
func (s SessionStatus) IsKnown() bool { return slices.Contains(sessionStatuses, s) }

// UnmarshalJSON decodes a status as encoding/json decodes a string; a
// documented one costs no allocation.
func (s *SessionStatus) UnmarshalJSON(b []byte) error { return decodeEnum(b, s, sessionStatuses) }
