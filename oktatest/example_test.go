package oktatest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// A fake without a listener: Config routes the client through the fake's
// RoundTripper, and a seeded session lets code that branches on its status
// be tested.
func ExampleNewInProcess() {
	srv, err := oktatest.NewInProcess()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	id, err := srv.SeedSession(oktatest.SessionSeed{
		User:   oktatest.User{Login: "ann@example.com"},
		Status: okta.SessionStatusMFARequired,
	})
	if err != nil {
		panic(err)
	}
	s, _, err := srv.Client().SessionApi.GetSession(context.Background(), id)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Login, s.Status)
	// Output: ann@example.com MFA_REQUIRED
}

// A suite that mocks its other services with httpmock hands every request
// httpmock has no responder for to the fake.
func ExampleServer_Responder() {
	srv, err := oktatest.NewInProcess()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	hc := &http.Client{}
	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder(http.MethodGet, "https://api.example.com/health", httpmock.NewStringResponder(http.StatusOK, "ok"))
	httpmock.RegisterNoResponder(srv.Responder())

	cfg := srv.Config()
	cfg.HTTPClient = hc
	tok := srv.IssueSessionToken(oktatest.User{Login: "ann@example.com"})
	s, _, err := okta.NewAPIClient(cfg).SessionApi.CreateSession(context.Background(), okta.CreateSessionRequest{SessionToken: tok})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Login, s.Status)
	// Output: ann@example.com ACTIVE
}

// The fake is also the org authorization server: a service app registered
// with it gets DPoP-bound access tokens, and a token without an
// operation's scope gets Okta's 403, whose challenge names the scope.
func ExampleServer_ServiceAppConfig() {
	app, key := oktatest.NewServiceApp("0oaSessionReader", true, "okta.sessions.read")
	srv, err := oktatest.NewInProcess(oktatest.WithServiceApp(app))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := okta.NewAPIClient(srv.ServiceAppConfig(app, key))
	ctx := context.Background()

	_, _, err = client.SessionApi.GetSession(ctx, "102unknown")
	fmt.Println(errors.Is(err, okta.ErrNotFound))
	_, err = client.SessionApi.EndSession(ctx, "102unknown")
	var apiErr *okta.APIError
	if errors.As(err, &apiErr) && apiErr.Challenge != nil {
		fmt.Println(apiErr.StatusCode, apiErr.Challenge.Error, apiErr.Challenge.Scope)
	}
	// Output:
	// true
	// 403 insufficient_scope okta.sessions.manage
}

// The fake acts as the org toward an app: it sends the app's Universal
// Logout endpoint the request Okta sends, signed by the key it publishes at
// KeysPath, and returns the endpoint's status.
func ExampleServer_SendUniversalLogout() {
	srv, err := oktatest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A real receiver verifies the JWT with srv.URL + oktatest.KeysPath first.
		var body struct{ Subject oktatest.LogoutSubject }
		if json.NewDecoder(r.Body).Decode(&body) != nil || body.Subject.Format != oktatest.SubjectEmail {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		fmt.Println("log out", body.Subject.Email)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer app.Close()

	status, err := srv.SendUniversalLogout(context.Background(), app.URL+"/okta/logout", "ann@example.com")
	if err != nil {
		panic(err)
	}
	fmt.Println(status)
	// Output:
	// log out ann@example.com
	// 204
}

// NewServer is the one line a test starts the fake with; the server closes
// when the test ends. (Not run: it takes the test's *testing.T.)
func ExampleNewServer() {
	testSignIn := func(t *testing.T) { // a test of yours: func TestSignIn(t *testing.T)
		srv := oktatest.NewServer(t) // closed when the test ends
		tok := srv.IssueSessionToken(oktatest.User{Login: "ann@example.com"})
		s, _, err := srv.Client().SessionApi.CreateSession(context.Background(), okta.CreateSessionRequest{SessionToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		if s.Login != "ann@example.com" {
			t.Errorf("login %q", s.Login)
		}
	}
	_ = testSignIn
}

// A fault makes the fake answer as a failing Okta would: here one 503 on
// GetSession, which the client retries. On a fake clock (WithClock), the
// client's wait before the retry moves the server's time instead of
// sleeping.
func ExampleServer_InjectFault() {
	srv, err := oktatest.NewInProcess(oktatest.WithClock(oktatest.NewFakeClock(time.Now())))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Status: http.StatusServiceUnavailable, Count: 1})

	_, _, err = srv.Client().SessionApi.GetSession(context.Background(), "102unknownSessionId000000")
	fmt.Println(errors.Is(err, okta.ErrNotFound))
	for _, r := range srv.Requests() {
		fmt.Println(r.Route, r.Status)
	}
	// Output:
	// true
	// GetSession 503
	// GetSession 404
}

// On a fake clock, a test moves time instead of waiting for it: a session
// idle for longer than the org's idle timeout (2 hours by default) has
// expired.
func ExampleWithClock() {
	clock := oktatest.NewFakeClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	srv, err := oktatest.NewInProcess(oktatest.WithClock(clock))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	id, err := srv.SeedSession(oktatest.SessionSeed{User: oktatest.User{Login: "ann@example.com"}})
	if err != nil {
		panic(err)
	}
	client := srv.Client()

	s, _, _ := client.SessionApi.GetSession(context.Background(), id)
	fmt.Println(s.ExpiresAt)
	clock.Advance(3 * time.Hour)
	_, _, err = client.SessionApi.GetSession(context.Background(), id)
	fmt.Println(errors.Is(err, okta.ErrNotFound))
	// Output:
	// 2026-03-01 11:00:00 +0000 UTC
	// true
}
