package guard_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// loggedGuard returns a guard whose client logs at Debug into the buffer.
func loggedGuard(t *testing.T, o *org, opts guard.Options) (*guard.Guard, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	cfg := o.config()
	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	g, err := guard.New(okta.NewAPIClient(cfg), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g, &logs
}

func TestMiddleware(t *testing.T) {
	o := newOrg(t)
	g, logs := loggedGuard(t, o, guard.Options{Cookie: "sid"})
	good := o.session(t, alice)
	mfa := o.seed(t, oktatest.SessionSeed{User: alice, Status: okta.SessionStatusMFARequired})
	ended := o.session(t, alice)
	if err := g.EndSession(context.Background(), ended); err != nil {
		t.Fatal(err)
	}
	o.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Status: http.StatusInternalServerError, Count: 1})
	down := o.session(t, alice)
	_, _ = g.Check(context.Background(), down)

	var seen okta.Session
	h := g.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := guard.SessionFrom(r.Context())
		if !ok {
			t.Error("no session on the context")
		}
		seen = s
		w.WriteHeader(http.StatusTeapot)
	}))
	for _, tc := range []struct {
		name   string
		cookie *http.Cookie
		want   int
	}{
		{"usable", &http.Cookie{Name: "sid", Value: good}, http.StatusTeapot},
		{"no cookie", nil, http.StatusUnauthorized},
		{"other cookie", &http.Cookie{Name: "other", Value: good}, http.StatusUnauthorized},
		{"empty", &http.Cookie{Name: "sid", Value: ""}, http.StatusUnauthorized},
		{"made up", &http.Cookie{Name: "sid", Value: "102madeupmadeupmadeup00"}, http.StatusUnauthorized},
		{"hostile", &http.Cookie{Name: "sid", Value: "102<script>alert(1)</script>"}, http.StatusUnauthorized},
		{"MFA required", &http.Cookie{Name: "sid", Value: mfa}, http.StatusUnauthorized},
		{"ended", &http.Cookie{Name: "sid", Value: ended}, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.cookie != nil {
				r.Header.Set("Cookie", tc.cookie.Name+"="+tc.cookie.Value)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d", w.Code, tc.want)
			}
			if tc.want == http.StatusUnauthorized && (w.Body.Len() != 0 || len(w.Header()) != 1) {
				t.Fatalf("401 with detail: headers %v body %q", w.Header(), w.Body)
			}
		})
	}
	if seen.Id != good || seen.UserId != alice.ID {
		t.Fatalf("SessionFrom = %v", seen)
	}
	for _, id := range []string{good, mfa, ended, down} {
		if strings.Contains(logs.String(), id) {
			t.Fatalf("a session id is in the logs: %s", logs.String())
		}
	}
}

func TestErrorsHoldNoSessionID(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	id := o.session(t, alice)
	mfa := o.seed(t, oktatest.SessionSeed{User: alice, Status: okta.SessionStatusMFAEnroll})
	unknown := "102unknownunknownunknown"
	var errs []error
	check := func(id string) {
		if _, err := g.Check(context.Background(), id); err != nil {
			errs = append(errs, err)
		}
	}
	check(unknown)
	check(mfa)
	o.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Status: http.StatusServiceUnavailable, Count: 1})
	check(id)
	o.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Status: http.StatusBadRequest, Count: 1})
	o.clock.Advance(time.Minute)
	check(id)
	if len(errs) != 4 {
		t.Fatalf("%d errors, want 4", len(errs))
	}
	for _, err := range errs {
		for _, secret := range []string{id, mfa, unknown} {
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error holds a session id: %v", err)
			}
		}
	}
}

func TestSessionFromEmptyContext(t *testing.T) {
	if _, ok := guard.SessionFrom(context.Background()); ok {
		t.Fatal("a session on an empty context")
	}
}

func TestClose(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	id := o.session(t, alice)
	mustCheck(t, g, id)
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := g.Check(context.Background(), id); !errors.Is(err, guard.ErrClosed) || !errors.Is(err, guard.ErrInvalidSession) {
		t.Fatalf("Check after Close: %v", err)
	}
	if err := g.EndSession(context.Background(), id); !errors.Is(err, guard.ErrClosed) {
		t.Fatalf("EndSession after Close: %v", err)
	}
}

func TestNewRefusesBadInput(t *testing.T) {
	o := newOrg(t)
	if _, err := guard.New(nil, guard.Options{}); err == nil {
		t.Fatal("New(nil) did not fail")
	}
	bad := okta.NewAPIClient(&okta.Configuration{BasePath: "http://example.com"})
	if _, err := guard.New(bad, guard.Options{}); err == nil {
		t.Fatal("New with an invalid configuration did not fail")
	}
	client := okta.NewAPIClient(o.config())
	for _, opts := range []guard.Options{
		{MaxStale: -1}, {StaleIfUnavailable: -1}, {NegativeTTL: -1}, {RevocationTTL: -1}, {MaxEntries: -1},
		{MaxStale: math.MaxInt64, StaleIfUnavailable: time.Nanosecond}, {StaleIfUnavailable: math.MaxInt64},
	} {
		var oe *guard.OptionError
		if _, err := guard.New(client, opts); !errors.As(err, &oe) {
			t.Fatalf("New(%+v): %v, want an *OptionError", opts, err)
		}
	}
}

func TestMiddlewareReadsItsCookie(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{Cookie: "sid"})
	id := o.session(t, alice)
	h := g.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	for _, tc := range []struct {
		headers []string
		want    int
	}{
		{[]string{"sid=" + id}, http.StatusTeapot},
		{[]string{"a=1; sid=" + id + "; b=2"}, http.StatusTeapot},
		{[]string{"a=1;sid=" + id}, http.StatusTeapot},
		{[]string{`sid="` + id + `"`}, http.StatusTeapot},
		{[]string{"a=1", "sid=" + id}, http.StatusTeapot},
		{[]string{"xsid=" + id}, http.StatusUnauthorized},
		{[]string{"sidx=" + id}, http.StatusUnauthorized},
		{[]string{"sid"}, http.StatusUnauthorized},
		{[]string{"sid=" + id + "x; sid=" + id}, http.StatusUnauthorized}, // the first wins
		{[]string{"SID=" + id}, http.StatusUnauthorized},
		{[]string{"sid=" + id + " x"}, http.StatusUnauthorized},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Cookie"] = tc.headers
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("Cookie %q: %d, want %d", tc.headers, w.Code, tc.want)
		}
	}
}
