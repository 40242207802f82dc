package oktatest

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	okta "github.com/oktasessions/okta-session-go"
)

// SessionSeed is a session to put straight into the org with SeedSession,
// in any state Okta documents, so that code that branches on a session's
// fields can be tested without a stub. A zero field gets the value a
// session created from a session token has, but LastPasswordVerification:
// zero is null, where a token's session has the token's issue time. Its
// JSON form is what the control API's POST /oktatest/v1/sessions takes.
type SessionSeed struct {
	// ID is the session id, which is also its sid/idx cookie value in the
	// fake; empty means a new 102... id.
	ID string `json:"id,omitempty"`
	// User is the session's user, seeded as SeedUser does.
	User User `json:"user"`
	// Status is ACTIVE (the default), MFA_REQUIRED or MFA_ENROLL.
	Status okta.SessionStatus `json:"status,omitempty"`
	// AMR lists the authentication methods; empty means ["pwd"].
	AMR []okta.SessionAuthenticationMethod `json:"amr,omitempty"`
	// IDPType is the identity provider's type; empty means OKTA.
	IDPType okta.SessionIdentityProviderType `json:"idpType,omitempty"`
	// IDPID is the identity provider's id; empty means the org's id for
	// OKTA, a new 0oa... id for the other types.
	IDPID string `json:"idpId,omitempty"`
	// MFAActive is the deprecated mfaActive flag.
	MFAActive bool `json:"mfaActive,omitempty"`
	// LastPasswordVerification is when the password was last verified;
	// zero means null.
	LastPasswordVerification time.Time `json:"lastPasswordVerification,omitzero"`
	// LastFactorVerification is when a second factor was last verified;
	// zero means null.
	LastFactorVerification time.Time `json:"lastFactorVerification,omitzero"`
	// CreatedAt is when the session was created; zero means now, by the
	// server's clock.
	CreatedAt time.Time `json:"createdAt,omitzero"`
	// ExpiresAt is when the session expires; zero means the idle timeout
	// from now, capped by the maximum lifetime from CreatedAt. It must be
	// after CreatedAt.
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// SeedError is SeedSession's refusal of a seed: the field (by its JSON name)
// and why.
type SeedError struct {
	// Field is the JSON name of the field refused, such as "status".
	Field string
	// Reason says why.
	Reason string
}

// Error returns the field and the reason.
func (e *SeedError) Error() string { return "oktatest: session seed: " + e.Field + ": " + e.Reason }

// SeedSession puts a session into the org as seed says, seeds its user, and
// returns the session's id. The session then answers on every session route
// (by id, and as the current session with the cookie sid=<id> or idx=<id>)
// and expires as any other. It returns a *SeedError for a value Okta does
// not document, an ExpiresAt not after CreatedAt, or an ID already in use.
func (s *Server) SeedSession(seed SessionSeed) (string, error) {
	return s.sessions.seed(seed, s.clock.Now(), nil)
}

// seed is SeedSession, at now; then, when not nil, is called with the new
// session under the same hold of ss.mu, so that it sees the session before
// anything can end it.
func (ss *sessions) seed(seed SessionSeed, now time.Time, then func(*session)) (string, error) {
	if err := checkSeed(seed); err != nil {
		return "", err
	}
	sess := ss.newSession(seed, now)
	if !sess.expiresAt.After(sess.createdAt) {
		return "", &SeedError{Field: "expiresAt", Reason: "is not after createdAt"}
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if _, taken := ss.live[sess.id]; taken {
		return "", &SeedError{Field: "id", Reason: "is in use"}
	}
	sess.userID = ss.putUser(seed.User).ID
	ss.live[sess.id] = sess
	if then != nil {
		then(sess)
	}
	return sess.id, nil
}

// newSession makes a session as seed says, at now, its zero fields
// defaulted (see SessionSeed), and no user: the caller sets userID. It is
// the one maker of sessions, for CreateSession as for SeedSession.
func (ss *sessions) newSession(seed SessionSeed, now time.Time) *session {
	sess := &session{
		id:         cmp.Or(seed.ID, newSessionID()),
		status:     cmp.Or(seed.Status, okta.SessionStatusActive),
		amr:        slices.Clone(seed.AMR),
		idp:        wireIDP{ID: seed.IDPID, Type: string(cmp.Or(seed.IDPType, okta.SessionIdentityProviderTypeOkta))},
		mfaActive:  seed.MFAActive,
		createdAt:  cmp.Or(seed.CreatedAt, now),
		expiresAt:  seed.ExpiresAt,
		passwordAt: seed.LastPasswordVerification,
		factorAt:   seed.LastFactorVerification,
	}
	if len(sess.amr) == 0 {
		sess.amr = []okta.SessionAuthenticationMethod{okta.SessionAuthenticationMethodPassword}
	}
	if sess.idp.ID == "" && sess.idp.Type == string(okta.SessionIdentityProviderTypeOkta) {
		sess.idp.ID = ss.orgID
	}
	sess.idp.ID = cmp.Or(sess.idp.ID, newIdPID())
	if sess.expiresAt.IsZero() {
		sess.expiresAt = ss.expiry(sess, now)
	}
	return sess
}

// checkSeed refuses the values Okta does not document.
func checkSeed(seed SessionSeed) error {
	if seed.ID == "me" {
		return &SeedError{Field: "id", Reason: `"me" names the current session`}
	}
	if seed.Status != "" && !seed.Status.IsKnown() {
		return &SeedError{Field: "status", Reason: fmt.Sprintf("%q is not ACTIVE, MFA_REQUIRED or MFA_ENROLL", seed.Status)}
	}
	for _, m := range seed.AMR {
		if !m.IsKnown() {
			return &SeedError{Field: "amr", Reason: fmt.Sprintf("%q is not an authentication method Okta documents: pwd, swk, hwk, otp, sms, tel, geo, fpt, kba, mfa, mca or sc", m)}
		}
	}
	if seed.IDPType != "" && !seed.IDPType.IsKnown() {
		return &SeedError{Field: "idpType", Reason: fmt.Sprintf("%q is not an identity provider type Okta documents: ACTIVE_DIRECTORY, FEDERATION, LDAP, OKTA or SOCIAL", seed.IDPType)}
	}
	return nil
}
