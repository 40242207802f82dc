package okta_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	okta "github.com/oktasessions/okta-session-go"
)

// userCookie is the value of the idx cookie that the stand-in org knows.
const userCookie = "102currentSessionCookie0"

// stubOrg starts a stand-in for an Okta org that answers the current-session
// routes for the idx cookie userCookie (and only without Authorization, as
// Okta), and revokes the sessions of user 00u1; a real program points the
// Configuration at its org instead.
func stubOrg() (*httptest.Server, *okta.APIClient) {
	notFound := func(w http.ResponseWriter, what string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: %s"}`, what)
	}
	current := func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("idx")
		switch {
		case err != nil || c.Value != userCookie || r.Header.Get("Authorization") != "":
			notFound(w, "me (Session)")
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"102currentSession","login":"ann@example.com","userId":"00u1","status":"ACTIVE",`+
				`"expiresAt":"2026-11-28T10:00:00.000Z"}`)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/sessions/me", current)
	mux.HandleFunc("DELETE /api/v1/sessions/me", current)
	mux.HandleFunc("POST /api/v1/sessions/me/lifecycle/refresh", current)
	mux.HandleFunc("DELETE /api/v1/users/{userId}/sessions", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("userId") != "00u1" {
			notFound(w, r.PathValue("userId")+" (User)")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	cfg := okta.NewConfiguration()
	cfg.BasePath = srv.URL // a real org: cfg.Subdomain = "dev-123456"
	cfg.APIToken = "00stand-in-api-token"
	return srv, okta.NewAPIClient(cfg)
}

func ExampleUserSessionsApiService_RevokeUserSessions() {
	srv, client := stubOrg()
	defer srv.Close()
	ctx := context.Background()

	// Sign the user out everywhere, and revoke the OAuth tokens issued to them.
	resp, err := client.UserSessionsApi.RevokeUserSessions(ctx, "00u1", &okta.RevokeUserSessionsOpts{OauthTokens: okta.PtrBool(true)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode)

	_, err = client.UserSessionsApi.RevokeUserSessions(ctx, "00uUnknownUser", nil)
	fmt.Println(errors.Is(err, okta.ErrNotFound))
	// Output:
	// 204
	// true
}

func ExampleSessionApiService_GetCurrentSession() {
	srv, client := stubOrg()
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

func ExampleSessionApiService_RefreshCurrentSession() {
	srv, client := stubOrg()
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

func ExampleSessionApiService_CloseCurrentSession() {
	srv, client := stubOrg()
	defer srv.Close()
	ctx := context.Background()

	cookie := &http.Cookie{Name: "idx", Value: userCookie}
	resp, err := client.SessionApi.CloseCurrentSession(ctx, cookie)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode)

	// A cookie of another name is refused before any I/O.
	_, err = client.SessionApi.CloseCurrentSession(ctx, &http.Cookie{Name: "JSESSIONID", Value: userCookie})
	var ve *okta.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)
	// Output:
	// 204
	// true cookie
}
