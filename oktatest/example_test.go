package oktatest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

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
