package guard_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// revokers are the ways to revoke alice's session id, each returning once
// the revocation is accepted.
var revokers = []struct {
	name   string
	revoke func(t *testing.T, o *org, g *guard.Guard, id string)
}{
	{"EndSession", func(t *testing.T, _ *org, g *guard.Guard, id string) {
		if err := g.EndSession(context.Background(), id); err != nil {
			t.Error(err)
		}
	}},
	{"RevokeUser", func(t *testing.T, _ *org, g *guard.Guard, _ string) {
		if err := g.RevokeUser(context.Background(), alice.ID); err != nil {
			t.Error(err)
		}
	}},
	{"UniversalLogout/email", func(t *testing.T, o *org, g *guard.Guard, _ string) {
		if code := o.logout(t, g, `{"subject":{"format":"email","email":"alice@EXAMPLE.com"}}`); code != 204 {
			t.Errorf("Universal Logout: %d, want 204", code)
		}
	}},
	{"UniversalLogout/iss_sub", func(t *testing.T, o *org, g *guard.Guard, _ string) {
		body := fmt.Sprintf(`{"sub_id":{"format":"iss_sub","iss":%q,"sub":%q}}`, o.srv.URL+"/", alice.ID)
		if code := o.logout(t, g, body); code != 204 {
			t.Errorf("Universal Logout: %d, want 204", code)
		}
	}},
}

// checkedSession returns a new org, a guard of it and a session of alice
// the guard has checked.
func checkedSession(t *testing.T) (*org, *guard.Guard, string) {
	t.Helper()
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	id := o.session(t, alice)
	mustCheck(t, g, id)
	return o, g, id
}

func TestRevocationRefusesAtOnce(t *testing.T) {
	for _, rv := range revokers {
		t.Run(rv.name, func(t *testing.T) {
			o, g, id := checkedSession(t)
			rv.revoke(t, o, g, id)
			mustRefuse(t, g, id, guard.ReasonRevoked)
			// Past MaxStale, even if Okta still answered ACTIVE, it stays refused.
			o.clock.Advance(time.Minute)
			_, err := g.Check(context.Background(), id)
			if !errors.Is(err, guard.ErrInvalidSession) {
				t.Fatalf("Check after MaxStale: %v", err)
			}
			if rv.name != "EndSession" {
				// A session the user creates afterwards works.
				mustCheck(t, g, o.session(t, alice))
			}
		})
	}
}

func TestUniversalLogoutRefusesSessionsOktaStillCallsActive(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	id := o.session(t, alice)
	other := o.session(t, oktatest.User{ID: "00ubob0000000000000", Login: "bob@example.com"})
	if code := o.logout(t, g, `{"subject":{"format":"email","email":"ALICE@example.com"}}`); code != 204 {
		t.Fatalf("Universal Logout: %d", code)
	}
	// The fake did not end the session: Okta's answer is ACTIVE.
	mustRefuse(t, g, id, guard.ReasonRevoked)
	mustCheck(t, g, other)
	o.clock.Advance(2 * time.Minute)
	mustRefuse(t, g, id, guard.ReasonRevoked)
	if o.calls(oktatest.RouteGetSession) < 2 {
		t.Fatal("Okta was not asked again after MaxStale")
	}
}

func TestRevocationWinsOverAnswerInFlight(t *testing.T) {
	for _, rv := range revokers {
		t.Run(rv.name, func(t *testing.T) {
			o := newOrg(t)
			g, gt := gatedGuard(t, o, guard.Options{})
			id := o.session(t, alice)
			result := make(chan error, 1)
			go func() { _, err := g.Check(context.Background(), id); result <- err }()
			<-gt.arrived // Okta answered ACTIVE; the answer is held
			rv.revoke(t, o, g, id)
			close(gt.release)
			if err := <-result; !errors.Is(err, guard.ErrInvalidSession) {
				t.Fatalf("Check in flight: %v, want refused", err)
			}
			if _, err := g.Check(context.Background(), id); !errors.Is(err, guard.ErrInvalidSession) {
				t.Fatalf("Check after: %v, want refused", err)
			}
		})
	}
}

func TestRevocationDoesNotWaitForChecks(t *testing.T) {
	o := newOrg(t)
	g, gt := gatedGuard(t, o, guard.Options{})
	id := o.session(t, alice)
	go func() { _, _ = g.Check(context.Background(), id) }()
	<-gt.arrived
	done := make(chan struct{})
	go func() {
		_ = g.RevokeUser(context.Background(), alice.ID)
		_ = g.EndSession(context.Background(), id)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("revocation waited for the Check in flight")
	}
	close(gt.release)
}

func TestRevocationRace64(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	ids := make([]string, 8)
	for i := range ids {
		ids[i] = o.session(t, alice)
	}
	var revoked atomic.Bool
	var leaks atomic.Int64
	parallel(64, func(i int) {
		if i == 0 {
			if err := g.RevokeUser(context.Background(), alice.ID); err != nil {
				t.Error(err)
			}
			revoked.Store(true)
			return
		}
		for j := range 50 {
			after := revoked.Load()
			_, err := g.Check(context.Background(), ids[(i+j)%len(ids)])
			if after && err == nil {
				leaks.Add(1)
			}
		}
	})
	if n := leaks.Load(); n != 0 {
		t.Fatalf("%d Checks begun after RevokeUser returned let a revoked session through", n)
	}
	for _, id := range ids {
		if _, err := g.Check(context.Background(), id); !errors.Is(err, guard.ErrInvalidSession) {
			t.Fatalf("Check after: %v, want refused", err)
		}
	}
}

func TestLoginSubject(t *testing.T) {
	for login, want := range map[string]string{
		"Alice@Example.COM":   "alice@example.com",
		"ÉLODIE@EXAMPLE.COM":  "élodie@example.com",
		"STRAẞE@example.com":  "straße@example.com",
		"\u0130K@example.com": "\u0130k@example.com", // dotted capital I stays
		"I\u212A@example.com": "i\u212A@example.com", // Kelvin sign stays
		"\u0130\u212A@x.com":  "\u0130\u212A@x.com",
		"ıvan@example.com":    "ıvan@example.com",
		"":                    "",
	} {
		if got := guard.LoginSubject(login); got != want {
			t.Errorf("LoginSubject(%q) = %q, want %q", login, got, want)
		}
	}
}

func TestUniversalLogoutDoesNotFoldNonASCIIIntoASCII(t *testing.T) {
	// Two logins that strings.ToLower folds together are two users: the
	// logout of one must not end the other's sessions.
	ik := oktatest.User{ID: "00uik0000000000000", Login: "ik@example.com"}
	lookalike := oktatest.User{ID: "00ulookalike000000", Login: "\u0130\u212A@example.com"}
	for _, tc := range []struct {
		name              string
		victim, loggedOut oktatest.User
	}{
		{"lookalike logged out", ik, lookalike},
		{"ASCII logged out", lookalike, ik},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t)
			o.srv.SeedUser(tc.victim)
			o.srv.SeedUser(tc.loggedOut)
			g := o.guard(t, guard.Options{})
			victim, loggedOut := o.session(t, tc.victim), o.session(t, tc.loggedOut)
			body := string(mustJSON(t, map[string]guard.Subject{"subject": {Format: guard.FormatEmail, Email: tc.loggedOut.Login}}))
			if code := o.logout(t, g, body); code != http.StatusNoContent {
				t.Fatalf("Universal Logout: %d", code)
			}
			mustRefuse(t, g, loggedOut, guard.ReasonRevoked)
			mustCheck(t, g, victim)
		})
	}
}

func TestRevocationWinsWhenTheClockGoesBack(t *testing.T) {
	// The guard's clock steps back (a corrected wall clock) after it asked
	// Okta: a revocation made then still covers the answers it had.
	for _, rv := range revokers {
		t.Run(rv.name, func(t *testing.T) {
			o, g, id := checkedSession(t)
			o.clock.Set(o.clock.Now().Add(-time.Hour))
			rv.revoke(t, o, g, id)
			mustRefuse(t, g, id, guard.ReasonRevoked)
		})
	}
}

func TestUniversalLogoutOutlivesAFloodOfEndSessions(t *testing.T) {
	// An app's logout handler ends whatever session its cookie names: a
	// flood of made-up cookies fills the revocation list. The sessions a
	// Universal Logout revoked, which Okta may still answer as ACTIVE for
	// a while, stay refused; the flood evicts its own revocations first.
	o := newOrg(t)
	o.srv.SeedUser(alice)
	g := o.guard(t, guard.Options{MaxEntries: 10})
	id := o.session(t, alice)
	mustCheck(t, g, id)
	if code := o.logout(t, g, aliceBody); code != http.StatusNoContent {
		t.Fatalf("Universal Logout: %d", code)
	}
	for i := range 30 {
		_ = g.EndSession(context.Background(), fmt.Sprintf("102madeup%015d", i))
	}
	mustRefuse(t, g, id, guard.ReasonRevoked)
	o.clock.Advance(time.Minute) // past MaxStale: Okta (the fake) still answers ACTIVE
	mustRefuse(t, g, id, guard.ReasonRevoked)
}

func TestRevokeUserRefusesHostileIDs(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{MaxEntries: 10})
	id := o.session(t, alice)
	mustCheck(t, g, id)
	if code := o.logout(t, g, aliceBody); code != http.StatusNoContent {
		t.Fatalf("Universal Logout: %d", code)
	}
	before := o.calls(oktatest.RouteRevokeUserSessions)
	hostile := []string{"", "../../users/00u1/lifecycle/deactivate", "00u1?x=1", "00u1 ", "00u\x00", strings.Repeat("0", 1<<20)}
	for i := range 20 { // more than MaxEntries, were they recorded
		hostile = append(hostile, fmt.Sprintf("00u/%d", i))
	}
	for _, userID := range hostile {
		err := g.RevokeUser(context.Background(), userID)
		var invalid *okta.ValidationError
		if !errors.As(err, &invalid) || invalid.Field != "userID" {
			t.Fatalf("RevokeUser(%.20q) = %v, want an *okta.ValidationError for userID", userID, err)
		}
	}
	if n := o.calls(oktatest.RouteRevokeUserSessions) - before; n != 0 {
		t.Fatalf("%d RevokeUserSessions sent for malformed ids", n)
	}
	// Nothing was recorded: the Universal Logout's revocation is still there.
	o.clock.Advance(time.Minute)
	mustRefuse(t, g, id, guard.ReasonRevoked)
}
