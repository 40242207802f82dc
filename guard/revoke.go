package guard

import (
	"context"
	"errors"
	"log/slog"

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
	now := g.link.Now()
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
// them.
func (g *Guard) RevokeUser(ctx context.Context, userID string) error {
	if userID == "" {
		return &OptionError{Field: "userID", Reason: "is empty"}
	}
	if g.closed.Load() {
		return ErrClosed
	}
	now := g.link.Now()
	g.revoke(ctx, Revocation{Kind: RevokeUserID, Subject: userID, At: now, Until: now.Add(g.opts.RevocationTTL)})
	_, err := g.client.UserSessionsApi.RevokeUserSessions(ctx, userID, nil)
	return err
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
