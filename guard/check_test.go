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

var alice = oktatest.User{ID: "00ualice0000000000", Login: "Alice@Example.com"}

func TestCheckConfirmedSessionIsTrustedForMaxStale(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{MaxStale: 30 * time.Second})
	id := o.session(t, alice)

	s := mustCheck(t, g, id)
	if s.Id != id || s.UserId != alice.ID || s.Links != nil {
		t.Fatalf("session = %v, want id restored, user %s, no links", s, alice.ID)
	}
	o.clock.Advance(29 * time.Second)
	mustCheck(t, g, id)
	if n := o.calls(oktatest.RouteGetSession); n != 1 {
		t.Fatalf("GetSession calls within MaxStale = %d, want 1", n)
	}
	o.clock.Advance(time.Second)
	mustCheck(t, g, id)
	if n := o.calls(oktatest.RouteGetSession); n != 2 {
		t.Fatalf("GetSession calls at MaxStale = %d, want 2", n)
	}
}

func TestCheckNeverPastExpiresAt(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{MaxStale: time.Hour})
	id := o.seed(t, oktatest.SessionSeed{User: alice, ExpiresAt: start.Add(10 * time.Second)})
	mustCheck(t, g, id)
	o.clock.Advance(10 * time.Second)
	_, err := g.Check(context.Background(), id)
	if !errors.Is(err, guard.ErrInvalidSession) {
		t.Fatalf("Check at expiresAt: %v, want ErrInvalidSession", err)
	}
}

func TestCheckStatuses(t *testing.T) {
	for _, tc := range []struct {
		status okta.SessionStatus
		allow  []okta.SessionStatus
		ok     bool
	}{
		{okta.SessionStatusActive, nil, true},
		{okta.SessionStatusMFARequired, nil, false},
		{okta.SessionStatusMFAEnroll, nil, false},
		{okta.SessionStatusMFARequired, []okta.SessionStatus{okta.SessionStatusActive, okta.SessionStatusMFARequired}, true},
		{okta.SessionStatusActive, []okta.SessionStatus{okta.SessionStatusMFAEnroll}, false},
	} {
		t.Run(fmt.Sprintf("%s/%v", tc.status, tc.allow), func(t *testing.T) {
			o := newOrg(t)
			g := o.guard(t, guard.Options{AllowStatuses: tc.allow})
			id := o.seed(t, oktatest.SessionSeed{User: alice, Status: tc.status})
			_, err := g.Check(context.Background(), id)
			if tc.ok != (err == nil) {
				t.Fatalf("Check: %v, want ok %v", err, tc.ok)
			}
			if !tc.ok {
				assertReason(t, err, guard.ReasonStatus)
			}
		})
	}
}

func TestCheckMalformedIDsAskNothing(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	for _, id := range []string{"", " ", "102abc def", "../../api/v1/users", "102\r\nX: y", "102abc%2f", strings.Repeat("a", 129), "102é"} {
		mustRefuse(t, g, id, guard.ReasonMalformed)
	}
	if n := len(o.srv.Requests()); n != 0 {
		t.Fatalf("requests = %d, want 0", n)
	}
}

func TestCheckRemembersUnknownIDsBriefly(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{NegativeTTL: 10 * time.Second})
	for range 5 {
		mustRefuse(t, g, "102unknownunknownunknown", guard.ReasonNotFound)
	}
	if n := o.calls(oktatest.RouteGetSession); n != 1 {
		t.Fatalf("GetSession calls = %d, want 1", n)
	}
	o.clock.Advance(10 * time.Second)
	mustRefuse(t, g, "102unknownunknownunknown", guard.ReasonNotFound)
	if n := o.calls(oktatest.RouteGetSession); n != 2 {
		t.Fatalf("GetSession calls after NegativeTTL = %d, want 2", n)
	}
}

func TestCheckFloodOfMadeUpIDsIsBudgeted(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{MaxUnknownPerMinute: 10})
	for i := range 100 {
		_, err := g.Check(context.Background(), fmt.Sprintf("102madeup%08d", i))
		if !errors.Is(err, guard.ErrInvalidSession) {
			t.Fatalf("Check: %v", err)
		}
	}
	if n := o.calls(oktatest.RouteGetSession); n != 10 {
		t.Fatalf("GetSession calls = %d, want the budget, 10", n)
	}
	// A known session still gets through after the flood, once confirmed.
	o.clock.Advance(6 * time.Second) // one token back
	mustCheck(t, g, o.session(t, alice))
}

// gate is a transport that holds GetSession answers (already answered by
// the fake) until released.
type gate struct {
	next     http.RoundTripper
	arrived  chan struct{}
	release  chan struct{}
	requests atomic.Int64
}

func newGate(next http.RoundTripper) *gate {
	return &gate{next: next, arrived: make(chan struct{}, 1024), release: make(chan struct{})}
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(r)
	if strings.HasPrefix(r.URL.Path, "/api/v1/sessions/") && r.Method == http.MethodGet {
		g.requests.Add(1)
		g.arrived <- struct{}{}
		<-g.release
	}
	return resp, err
}

// gatedGuard returns a guard whose GetSession answers wait at a gate.
func gatedGuard(t *testing.T, o *org, opts guard.Options) (*guard.Guard, *gate) {
	t.Helper()
	cfg := o.config()
	gt := newGate(cfg.HTTPClient.Transport)
	cfg.HTTPClient.Transport = gt
	g, err := guard.New(okta.NewAPIClient(cfg), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g, gt
}

func TestCheckOneQuestionPerIDAtATime(t *testing.T) {
	o := newOrg(t)
	g, gt := gatedGuard(t, o, guard.Options{})
	id := o.session(t, alice)
	var started atomic.Int64
	done := make(chan error, 64)
	go parallel(64, func(int) {
		started.Add(1)
		_, err := g.Check(context.Background(), id)
		done <- err
	})
	<-gt.arrived
	for started.Load() < 64 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(5 * time.Millisecond) // let the last ones join the question
	close(gt.release)
	for range 64 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := gt.requests.Load(); n != 1 {
		t.Fatalf("GetSession calls = %d, want 1", n)
	}
}

func TestCheckCallerLeavingDoesNotFailOthers(t *testing.T) {
	o := newOrg(t)
	g, gt := gatedGuard(t, o, guard.Options{})
	id := o.session(t, alice)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { _, err := g.Check(ctx, id); first <- err }()
	<-gt.arrived
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) || !errors.Is(err, guard.ErrInvalidSession) {
		t.Fatalf("cancelled Check: %v", err)
	}
	second := make(chan error, 1)
	go func() { _, err := g.Check(context.Background(), id); second <- err }()
	close(gt.release)
	if err := <-second; err != nil {
		t.Fatalf("second Check: %v", err)
	}
}

func TestCheckAsksAgainWhenTheClockGoesBack(t *testing.T) {
	// A confirmation is trusted for MaxStale (plus StaleIfUnavailable while
	// Okta cannot be asked) from when it was asked, on the guard's clock;
	// when that clock steps back past it, its age is unknown, so Okta is
	// asked again rather than trusting it for the step and more.
	for _, tc := range []struct {
		name   string
		opts   guard.Options
		meddle func(t *testing.T, o *org, id string)
		want   guard.Reason
	}{
		{"ended elsewhere", guard.Options{}, func(t *testing.T, o *org, id string) {
			if _, err := o.srv.Client().SessionApi.EndSession(context.Background(), id); err != nil {
				t.Fatal(err)
			}
		}, guard.ReasonNotFound},
		{"Okta unavailable, StaleIfUnavailable", guard.Options{StaleIfUnavailable: time.Hour}, func(_ *testing.T, o *org, _ string) {
			o.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Status: http.StatusServiceUnavailable})
		}, guard.ReasonUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t)
			g := o.guard(t, tc.opts)
			id := o.session(t, alice)
			mustCheck(t, g, id)
			tc.meddle(t, o, id)
			o.clock.Set(start.Add(-time.Hour))
			mustRefuse(t, g, id, tc.want)
		})
	}
}

func TestCheckOfAConfirmedSessionDoesNotAllocate(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	id := o.session(t, alice)
	mustCheck(t, g, id)
	ctx := context.Background()
	if allocs := testing.AllocsPerRun(100, func() { _, _ = g.Check(ctx, id) }); allocs != 0 {
		t.Fatalf("%.1f allocations per Check of a confirmed session, want 0", allocs)
	}
}
