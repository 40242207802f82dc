package okta_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"
	"sync"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// fakeOrg starts the embedded fake Okta for the examples; a real program
// points the Configuration at its org instead.
func fakeOrg() (*oktatest.Server, *okta.Configuration) {
	srv, err := oktatest.Start()
	if err != nil {
		log.Fatal(err)
	}
	cfg := okta.NewConfiguration()
	cfg.BasePath = srv.URL // a real org: cfg.Subdomain = "dev-123456"
	cfg.APIToken = srv.APIToken
	return srv, cfg
}

// fakeSession starts the fake Okta with a client and a session made there.
func fakeSession() (*oktatest.Server, *okta.APIClient, okta.Session) {
	srv, cfg := fakeOrg()
	client := okta.NewAPIClient(cfg)
	session, _, err := client.SessionApi.CreateSession(context.Background(),
		okta.CreateSessionRequest{SessionToken: srv.IssueSessionToken(oktatest.User{})})
	if err != nil {
		log.Fatal(err)
	}
	return srv, client, session
}

func ExampleNewConfiguration() {
	cfg := okta.NewConfiguration()
	fmt.Println(cfg.Validate())

	cfg.Subdomain = "dev-123456"
	cfg.APIToken = "00your-api-token"
	fmt.Println(cfg.Validate())

	// A Configuration is safe to log (fmt, log/slog, encoding/json): its
	// secrets are hidden.
	fmt.Println(strings.Contains(fmt.Sprint(cfg), cfg.APIToken))
	// Output:
	// okta: invalid BasePath: is not set: set it to your org URL, such as https://dev-123456.okta.com, or set Subdomain
	// <nil>
	// false
}

// One APIClient per org, made once and shared: its goroutines share the
// connections, the access token of PrivateKey mode and the throttle. The
// Configuration is copied, so changing it afterwards changes nothing.
func ExampleNewAPIClient() {
	srv, cfg := fakeOrg()
	defer srv.Close()
	client := okta.NewAPIClient(cfg)
	cfg.APIToken = "changed later" // no effect on client

	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			_, _, err := client.SessionApi.GetSession(context.Background(), "102unknownSessionId000000")
			if !errors.Is(err, okta.ErrNotFound) {
				log.Fatal(err)
			}
		})
	}
	wg.Wait()

	// An invalid Configuration does not panic: every call returns what
	// Validate returns.
	_, _, err := okta.NewAPIClient(okta.NewConfiguration()).SessionApi.GetSession(context.Background(), "102unknownSessionId000000")
	var invalid *okta.ValidationError
	fmt.Println(errors.As(err, &invalid), invalid.Field)
	// Output:
	// true BasePath
}

func ExampleSessionApiService_CreateSession() {
	srv, cfg := fakeOrg()
	defer srv.Close()
	sessionToken := srv.IssueSessionToken(oktatest.User{Login: "ann@example.com"})

	client := okta.NewAPIClient(cfg)
	ctx := context.Background()
	session, resp, err := client.SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: sessionToken})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, session.Login, session.Status, session.Amr)

	// A session token works once.
	_, _, err = client.SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: sessionToken})
	fmt.Println(errors.Is(err, okta.ErrUnauthorized))
	// Output:
	// 200 ann@example.com ACTIVE [pwd]
	// true
}

func ExampleSessionApiService_GetSession() {
	srv, cfg := fakeOrg()
	defer srv.Close()
	client := okta.NewAPIClient(cfg)
	ctx := context.Background()

	session, _, err := client.SessionApi.GetSession(ctx, "102unknownSessionId000000")
	switch {
	case errors.Is(err, okta.ErrNotFound):
		fmt.Println("no such session: sign the user in again")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(session.IsActive())
	}
	// Output:
	// no such session: sign the user in again
}

func ExampleSessionApiService_RefreshSession() {
	srv, client, session := fakeSession()
	defer srv.Close()
	ctx := context.Background()

	refreshed, _, err := client.SessionApi.RefreshSession(ctx, session.Id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(!refreshed.ExpiresAt.Before(session.ExpiresAt))
	// Output:
	// true
}

func ExampleSessionApiService_EndSession() {
	srv, client, session := fakeSession()
	defer srv.Close()
	ctx := context.Background()

	resp, err := client.SessionApi.EndSession(ctx, session.Id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode)
	// Output:
	// 204
}

func ExampleAPIError() {
	srv, cfg := fakeOrg()
	defer srv.Close()
	client := okta.NewAPIClient(cfg)

	_, _, err := client.SessionApi.GetSession(context.Background(), "102unknownSessionId000000")
	var apiErr *okta.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.ErrorCode, apiErr.ErrorSummary)
		fmt.Println(apiErr.RequestId != "", apiErr.RateLimit.Limit)
	}
	// Output:
	// 404 E0000007 Not found: Resource not found: 102u... (Session)
	// true 750
}

func ExampleParseRateLimit() {
	srv, cfg := fakeOrg()
	defer srv.Close()
	client := okta.NewAPIClient(cfg)

	_, resp, err := client.SessionApi.CreateSession(context.Background(), okta.CreateSessionRequest{SessionToken: srv.IssueSessionToken(oktatest.User{})})
	if err != nil {
		log.Fatal(err)
	}
	if rl, ok := okta.ParseRateLimit(resp); ok {
		fmt.Println(rl.Limit, rl.Remaining)
	}
	// Output:
	// 750 749
}

func Example_contextCredential() {
	srv, err := oktatest.Start(oktatest.WithAccessToken("an-oauth2-access-token"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	cfg := okta.NewConfiguration()
	cfg.BasePath = srv.URL // no APIToken: each call brings its credential

	// A credential on the context wins over Configuration.APIToken.
	ctx := context.WithValue(context.Background(), okta.ContextAccessToken, "an-oauth2-access-token")
	resp, err := okta.NewAPIClient(cfg).SessionApi.EndSession(ctx, "102unknownSessionId000000")
	fmt.Println(resp.StatusCode == http.StatusNotFound, errors.Is(err, okta.ErrNotFound))
	// Output:
	// true true
}
