package guard

import (
	"context"
	"errors"
	"log/slog"
	"time"

	okta "github.com/oktasessions/okta-session-go"
)

// EndSession revokes the session sessionID names and ends it at Okta
// (EndSession). From the moment it returns, whatever it returns, no Check
// of this guard (nor of the guards sharing its Store) lets the session
// through, including one whose GetSession was in flight; it does not wait
// for those. An error says that Okta did not end the session (a 404, an
// already ended session, is not an error) or the id is malformed.
func (g *Guard) EndSession(ctx context.Context, sessionID string) error {
	if !validID(sessionID) {
		return errMalformed
	}
	if g.closed.Load() {
		return ErrClosed
	}
	now := g.revocationTime()
	g.revoke(ctx, Revocation{Kind: RevokeSession, Key: KeyOf(sessionID), At: now, Until: now.Add(g.opts.RevocationTTL)})
	_, err := g.client.SessionApi.EndSession(ctx, sessionID)
	if err != nil && !errors.Is(err, okta.ErrNotFound) {
		return err
	}
	return nil
}

// RevokeUser revokes every session of the Okta user userID created until
// now and ends them at Okta (RevokeUserSessions). From the moment it
// returns, whatever it returns, no Check lets one of them through; a session
// the user creates afterwards works. An error says that Okta did not end
// them, or, as an *okta.ValidationError, that userID is not shaped as an
// Okta user id (nothing is then recorded or sent).
func (g *Guard) RevokeUser(ctx context.Context, userID string) error {
	if !validID(userID) {
		// Nothing is recorded for an id Okta cannot have made: a caller
		// passing on what a request says must not fill the revocation
		// list with arbitrary (or huge) strings.
		return &okta.ValidationError{Op: "RevokeUser", Field: "userID", Reason: "is not shaped as an Okta user id (letters, digits, '-' and '_', at most 128)"}
	}
	if g.closed.Load() {
		return ErrClosed
	}
	now := g.revocationTime()
	g.revoke(ctx, Revocation{Kind: RevokeUserID, Subject: userID, At: now, Until: now.Add(g.opts.RevocationTTL)})
	_, err := g.client.UserSessionsApi.RevokeUserSessions(ctx, userID, nil)
	return err
}

// revocationTime returns the At of a revocation made now: the guard's time,
// or the latest time it asked Okta at when that is later (its clock went
// back), so that the revocation covers every answer it has had
// (Revocation.Covers compares At with AskedAt).
func (g *Guard) revocationTime() time.Time {
	now := g.link.Now()
	if latest := time.Unix(0, g.latestAsk.Load()); latest.After(now) {
		return latest
	}
	return now
}

// noteAsk records that the guard asks Okta at t.
func (g *Guard) noteAsk(t time.Time) {
	n := t.UnixNano()
	for {
		old := g.latestAsk.Load()
		if n <= old || g.latestAsk.CompareAndSwap(old, n) {
			return
		}
	}
}

// revoke records r in this guard, in its local store and in the shared
// store. It returns the shared store's error (after logging it): this guard
// refuses what r covers either way.
func (g *Guard) revoke(ctx context.Context, r Revocation) error {
	g.revs.add(r)
	if g.store == Store(g.local) {
		return g.local.Revoke(ctx, r)
	}
	_ = g.local.Revoke(ctx, r)
	err := g.store.Revoke(ctx, r)
	if err != nil {
		g.log(ctx, slog.LevelWarn, "guard: the store did not record a revocation", slog.Any("error", err))
	}
	return err
}
