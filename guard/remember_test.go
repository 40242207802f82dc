package guard_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// signIn creates a session of user with the client, as an app's sign-in
// handler would, and returns what Okta answered.
func (o *org) signIn(t *testing.T, user oktatest.User) okta.Session {
	t.Helper()
	client := okta.NewAPIClient(o.config())
	s, _, err := client.SessionApi.CreateSession(context.Background(), okta.CreateSessionRequest{SessionToken: o.srv.IssueSessionToken(user)})
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return s
}

// A flood of made-up cookies that spends MaxUnknownPerMinute does not lock
// out a user who signs in meanwhile: the session the app remembered is let
// through without a question to Okta.
func TestRememberSignInOutlastsAFloodOfMadeUpIDs(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{MaxUnknownPerMinute: 10})
	for i := range 50 {
		_, _ = g.Check(context.Background(), fmt.Sprintf("102madeup%08d", i))
	}
	asked := o.calls(oktatest.RouteGetSession)
	s := o.signIn(t, alice)
	if err := g.Remember(context.Background(), s); err != nil {
		t.Fatalf("Remember: %v", err)
	}
	got := mustCheck(t, g, s.Id)
	if got.Id != s.Id || got.UserId != alice.ID {
		t.Fatalf("Check = %v, want the remembered session", got)
	}
	if n := o.calls(oktatest.RouteGetSession); n != asked {
		t.Fatalf("GetSession calls = %d, want %d: a remembered session needs no question", n, asked)
	}
}

// A remembered session is trusted for MaxStale, then Okta is asked again.
func TestRememberIsTrustedForMaxStale(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{MaxStale: time.Minute})
	s := o.signIn(t, alice)
	if err := g.Remember(context.Background(), s); err != nil {
		t.Fatalf("Remember: %v", err)
	}
	o.clock.Advance(59 * time.Second)
	mustCheck(t, g, s.Id)
	if n := o.calls(oktatest.RouteGetSession); n != 0 {
		t.Fatalf("GetSession calls within MaxStale = %d, want 0", n)
	}
	o.clock.Advance(2 * time.Second)
	mustCheck(t, g, s.Id)
	if n := o.calls(oktatest.RouteGetSession); n != 1 {
		t.Fatalf("GetSession calls after MaxStale = %d, want 1", n)
	}
}

// Revocations win over Remember, before and after it.
func TestRememberRevocationsWin(t *testing.T) {
	ctx := context.Background()
	t.Run("ended after", func(t *testing.T) {
		o := newOrg(t)
		g := o.guard(t, guard.Options{})
		s := o.signIn(t, alice)
		if err := g.Remember(ctx, s); err != nil {
			t.Fatalf("Remember: %v", err)
		}
		if err := g.EndSession(ctx, s.Id); err != nil {
			t.Fatalf("EndSession: %v", err)
		}
		mustRefuse(t, g, s.Id, guard.ReasonRevoked)
	})
	t.Run("ended before", func(t *testing.T) {
		o := newOrg(t)
		g := o.guard(t, guard.Options{})
		s := o.signIn(t, alice)
		if err := g.EndSession(ctx, s.Id); err != nil {
			t.Fatalf("EndSession: %v", err)
		}
		assertReason(t, g.Remember(ctx, s), guard.ReasonRevoked)
		mustRefuse(t, g, s.Id, guard.ReasonRevoked)
	})
	t.Run("user revoked after the session was created", func(t *testing.T) {
		o := newOrg(t)
		g := o.guard(t, guard.Options{})
		s := o.signIn(t, alice)
		if err := g.RevokeUser(ctx, alice.ID); err != nil {
			t.Fatalf("RevokeUser: %v", err)
		}
		assertReason(t, g.Remember(ctx, s), guard.ReasonRevoked)
		if _, err := g.Check(ctx, s.Id); !errors.Is(err, guard.ErrInvalidSession) {
			t.Fatalf("Check of the revoked user's session: %v, want ErrInvalidSession", err)
		}
		o.clock.Advance(time.Minute) // past CreationSkew: a new sign-in works
		fresh := o.signIn(t, alice)
		if err := g.Remember(ctx, fresh); err != nil {
			t.Fatalf("Remember of a session created after the revocation: %v", err)
		}
		mustCheck(t, g, fresh.Id)
	})
}

func TestRememberRefusesWhatItCannotRecord(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	for _, id := range []string{"", "../users/x", "102\x00abc"} {
		assertReason(t, g.Remember(context.Background(), okta.Session{Id: id, Status: okta.SessionStatusActive}), guard.ReasonMalformed)
	}
	s := o.signIn(t, alice)
	_ = g.Close()
	assertReason(t, g.Remember(context.Background(), s), guard.ReasonClosed)
}
