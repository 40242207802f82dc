package guard_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestOktaUnavailableFailsClosed(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusForbidden} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			o := newOrg(t)
			g := o.guard(t, guard.Options{})
			id := o.session(t, alice)
			mustCheck(t, g, id)
			o.clock.Advance(30 * time.Second)
			o.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Status: status})
			_, err := g.Check(context.Background(), id)
			if !errors.Is(err, guard.ErrUnavailable) || !errors.Is(err, guard.ErrInvalidSession) {
				t.Fatalf("Check: %v, want ErrUnavailable", err)
			}
		})
	}
}

func TestStaleIfUnavailable(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{MaxStale: 30 * time.Second, StaleIfUnavailable: time.Minute})
	id := o.session(t, alice)
	mustCheck(t, g, id)
	o.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Status: http.StatusServiceUnavailable})
	o.clock.Advance(89 * time.Second)
	mustCheck(t, g, id)
	o.clock.Advance(time.Second)
	if _, err := g.Check(context.Background(), id); !errors.Is(err, guard.ErrUnavailable) {
		t.Fatalf("Check past MaxStale+StaleIfUnavailable: %v", err)
	}
	// A revocation still wins over the fail-open policy.
	o.srv.ClearFaults()
	o.clock.Set(start)
	g2 := o.guard(t, guard.Options{StaleIfUnavailable: time.Hour})
	mustCheck(t, g2, id)
	if err := g2.RevokeUser(context.Background(), alice.ID); err != nil {
		t.Fatal(err)
	}
	o.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Status: http.StatusServiceUnavailable})
	o.clock.Advance(time.Minute)
	mustRefuse(t, g2, id, guard.ReasonRevoked)
}

func TestRateLimitRetryAtIsRespected(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{MaxStale: 30 * time.Second, MaxUnknownPerMinute: -1})
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = o.session(t, alice)
		mustCheck(t, g, ids[i])
	}
	o.clock.Advance(30 * time.Second)
	o.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Status: http.StatusTooManyRequests, Count: 1,
		Header: http.Header{"Retry-After": {"20"}}})
	_, err := g.Check(context.Background(), ids[0])
	var se *guard.SessionError
	if !errors.As(err, &se) || se.Reason != guard.ReasonUnavailable || se.RetryAt.IsZero() {
		t.Fatalf("Check on a 429: %v, want unavailable with a RetryAt", err)
	}
	retryAt := se.RetryAt
	before := o.calls(oktatest.RouteGetSession)
	for _, id := range ids {
		_, _ = g.Check(context.Background(), id)
	}
	if n := o.calls(oktatest.RouteGetSession) - before; n != 0 {
		t.Fatalf("%d questions before RetryAt, want 0", n)
	}
	// Just after the reset, only a few ids may ask: no stampede.
	o.clock.Set(retryAt.Add(time.Second))
	for _, id := range ids {
		_, _ = g.Check(context.Background(), id)
	}
	first := o.calls(oktatest.RouteGetSession) - before
	if first == 0 || first > 30 {
		t.Fatalf("%d of %d ids asked in the first second after the reset, want a few", first, len(ids))
	}
	// Over the next MaxStale, every id gets its turn.
	o.clock.Set(retryAt.Add(30 * time.Second))
	for _, id := range ids {
		mustCheck(t, g, id)
	}
}

func TestOktaTimeoutOrDropFailsClosed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault oktatest.Fault
	}{
		{"timeout", oktatest.Fault{Route: oktatest.RouteGetSession, Latency: time.Second}},
		{"dropped", oktatest.Fault{Route: oktatest.RouteGetSession, Drop: true}},
		{"malformed", oktatest.Fault{Route: oktatest.RouteGetSession, Body: oktatest.BodyMalformed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t)
			cfg := o.config()
			cfg.AttemptTimeout = 5 * time.Millisecond
			g, err := guard.New(okta.NewAPIClient(cfg), guard.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			o.srv.InjectFault(tc.fault)
			_, err = g.Check(context.Background(), o.session(t, alice))
			if !errors.Is(err, guard.ErrUnavailable) {
				t.Fatalf("Check: %v, want ErrUnavailable", err)
			}
		})
	}
}
