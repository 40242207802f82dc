package guard

import (
	"context"

	okta "github.com/oktasessions/okta-session-go"
)

// Remember records s, a session the app has just received from Okta itself
// (the answer of CreateSession, RefreshSession or GetSession, with its Id),
// as confirmed now: Checks of its id trust it for MaxStale, never past its
// ExpiresAt, without asking Okta. Call it where the app signs a user in,
// right after CreateSession returns: a new session's first Check then spends
// nothing of the org's limit, and nothing of MaxUnknownPerMinute, so a flood
// of made-up cookies that spends that budget cannot lock out users who
// sign in meanwhile.
//
// Revocations still win: a session covered by a revocation (its id ended,
// its user revoked or logged out everywhere before it was created) is
// refused with a *SessionError matching ErrInvalidSession, and so is a
// malformed id; nothing is recorded then. An older answer never replaces a
// newer one in the Store. Remember trusts s: pass only what Okta answered.
func (g *Guard) Remember(ctx context.Context, s okta.Session) error {
	if !validID(s.Id) {
		return errMalformed
	}
	if g.closed.Load() {
		return errClosed
	}
	now := g.link.Now()
	key := KeyOf(s.Id)
	g.noteAsk(now)
	s.Id, s.Links = "", nil
	e := Entry{Verdict: VerdictFound, Session: s, AskedAt: now, Until: g.entryUntil(s, now)}
	// covers checks the session's own revocation too (e is VerdictFound).
	if g.revs.covers(key, e, now) || g.save(ctx, key, e) {
		return errRevoked
	}
	return nil
}
