package okta_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// signedIn starts the embedded fake Okta on a clock stopped at
// 2026-11-28 08:00 UTC, with a client and user 00u1 (ann@example.com)
// signed in, and returns the value of her session cookie. A real program
// points the Configuration at its org, and gets the cookie with the user's
// request.
func signedIn() (srv *oktatest.Server, client *okta.APIClient, userCookie string) {
	srv, err := oktatest.Start(oktatest.WithClock(oktatest.NewFakeClock(time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC))))
	if err != nil {
		log.Fatal(err)
	}
	// In the fake, a session's sid or idx cookie value is its id.
	userCookie, err = srv.SeedSession(oktatest.SessionSeed{User: oktatest.User{ID: "00u1", Login: "ann@example.com"}})
	if err != nil {
		log.Fatal(err)
	}
	cfg := okta.NewConfiguration()
	cfg.BasePath = srv.URL // a real org: cfg.Subdomain = "dev-123456"
	cfg.APIToken = srv.APIToken
	return srv, okta.NewAPIClient(cfg), userCookie
}

// ExampleUserSessionsApiService_RevokeUserSessions signs a user out of
// every session, revoking the OAuth tokens issued to them; an unknown user
// is ErrNotFound.
func ExampleUserSessionsApiService_RevokeUserSessions() {
	srv, client, userCookie := signedIn()
	defer srv.Close()
	ctx := context.Background()

	// Sign the user out everywhere, and revoke the OAuth tokens issued to them.
	resp, err := client.UserSessionsApi.RevokeUserSessions(ctx, "00u1", &okta.RevokeUserSessionsOpts{OauthTokens: okta.PtrBool(true)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode)

	_, _, err = client.SessionApi.GetCurrentSession(ctx, &http.Cookie{Name: "idx", Value: userCookie})
	fmt.Println(errors.Is(err, okta.ErrNotFound))

	_, err = client.UserSessionsApi.RevokeUserSessions(ctx, "00uUnknownUser", nil)
	fmt.Println(errors.Is(err, okta.ErrNotFound))
	// Output:
	// 204
	// true
	// true
}

// ExampleSessionApiService_GetCurrentSession gets the session of the user
// whose cookie came with a request.
func ExampleSessionApiService_GetCurrentSession() {
	srv, client, userCookie := signedIn()
	defer srv.Close()
	ctx := context.Background()

	// In an app on the org's domain the cookie comes with the user's request:
	// cookie, err := r.Cookie("idx").
	cookie := &http.Cookie{Name: "idx", Value: userCookie}
	session, _, err := client.SessionApi.GetCurrentSession(ctx, cookie)
	switch {
	case errors.Is(err, okta.ErrNotFound):
		fmt.Println("not signed in")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(session.Login, session.IsActive())
	}
	// Output:
	// ann@example.com true
}

// ExampleSessionApiService_RefreshCurrentSession extends the session of the
// user whose cookie came with a request.
func ExampleSessionApiService_RefreshCurrentSession() {
	srv, client, userCookie := signedIn()
	defer srv.Close()
	ctx := context.Background()

	cookie := &http.Cookie{Name: "idx", Value: userCookie}
	session, _, err := client.SessionApi.RefreshCurrentSession(ctx, cookie)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(session.ExpiresAt.Format("2006-01-02 15:04"))
	// Output:
	// 2026-11-28 10:00
}

// ExampleSessionApiService_CloseCurrentSession signs the user whose cookie
// came with a request out of that session.
func ExampleSessionApiService_CloseCurrentSession() {
	srv, client, userCookie := signedIn()
	defer srv.Close()
	ctx := context.Background()

	cookie := &http.Cookie{Name: "idx", Value: userCookie}
	resp, err := client.SessionApi.CloseCurrentSession(ctx, cookie)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode)

	// The session is gone: the same cookie no longer signs the user in.
	_, err = client.SessionApi.CloseCurrentSession(ctx, cookie)
	fmt.Println(errors.Is(err, okta.ErrNotFound))

	// A cookie of another name is refused before any I/O.
	_, err = client.SessionApi.CloseCurrentSession(ctx, &http.Cookie{Name: "JSESSIONID", Value: userCookie})
	var ve *okta.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)
	// Output:
	// 204
	// true
	// true cookie
}
