// Package guard checks Okta sessions on every request without spending the
// org's rate limit, and honours their revocation at once.
//
// A Guard answers Check (and its Middleware) from what Okta said of a
// session id at most Options.MaxStale ago, asks Okta (GetSession) when that
// is older, one question per id at a time, and refuses, from the moment
// EndSession, RevokeUser or an accepted Universal Logout (UniversalLogout)
// returns, every session they revoke, even one whose GetSession was in
// flight. Its time is the client's Configuration.Clock, so that tests drive
// it with oktatest.FakeClock; it starts no timer.
package guard

// Design notes, for whoever changes this package.
//
// Layers of a Check: the hot cache (hot.go, by session id: no hash, no
// store, no lock) holds sessions judged usable, each tagged with the
// version of the revocation list it was judged against; any revocation
// bumps the version, so every hot entry is judged again through the store
// (SHA-256 of the id, Store.Load, revocations.covers). Only a miss or a
// stale entry asks Okta, through a flight per key (flight.go).
//
// Revocation wins races in two places: Store.Save refuses, atomically with
// Store.Revoke, an answer a recorded revocation covers (so an answer that
// predates a revocation is never stored after it), and every Check judges
// the entry it returns against the guard's own revocation list after its
// question lands (so a waiter never returns an answer the list covers).
// The guard records a revocation in its own list before the store and
// before calling Okta, so it holds locally whatever the store or Okta say.
//
// User and login revocations cover sessions created up to CreationSkew
// after them (Okta's clock may run ahead of the guard's), and sessions
// whose question started before them. Okta ends those sessions itself; the
// guard's record only closes the window before Okta's answer changes, and
// the Universal Logout case where the fake (or a slow data centre) still
// answers ACTIVE.
//
// A revocation's At is the guard's time, or the latest time it asked Okta
// at when its clock has gone back since (revocationTime): else an answer
// asked before the step would look asked after the revocation and escape
// it. The cost is fail-closed: after a step back of d, a session of a
// revoked user created within d of the revocation is refused until the
// clock catches up. Likewise an answer is trusted only from its AskedAt
// (trusted, hot.get): after a step back its age is unknown, and Okta is
// asked again.
//
// After a 429 (or any answer with a RetryAt) the limiter holds every
// question until RetryAt, then gives each key its own moment within the
// next MaxStale (capped to a minute) by the first bytes of its hash: the
// sessions that went stale during the wait do not all ask at the reset.
//
// Ids the guard has never seen cost a question each, capped by
// MaxUnknownPerMinute so that made-up cookies cannot spend the org's
// limit; but an attacker who spends that cap would lock out every user who
// signs in meanwhile. Remember is the way around it: the app hands the
// guard Okta's own answer to CreateSession, saved as an answer asked now,
// so a new session never needs a question. It goes through the same Save
// and Covers as any answer, so revocations still win.
//
// Nothing here starts a timer or a goroutine but the flights, which the
// client's Timeout bounds and Close cancels.
