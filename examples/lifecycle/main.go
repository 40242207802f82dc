// Command lifecycle walks a session through its life with okta-session-go:
// create it from a session token, get it, refresh it, end it, and show that
// it is gone; then find a user's current session by their session cookie,
// and revoke every session of the user.
//
//	go run ./examples/lifecycle
//
// With OKTA_SESSION_TOKEN set it runs against a real org, configured by
// okta.LoadConfiguration as any program would be: ~/.okta/okta.yaml,
// ./.okta.yaml and the OKTA_CLIENT_* variables (OKTA_CLIENT_ORGURL and
// OKTA_CLIENT_TOKEN at least). It then signs the token's user out everywhere:
// use a test user. Without it, it starts the embedded fake Okta (package
// oktatest) and mints session tokens there.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Environ()); err != nil {
		fmt.Fprintln(os.Stderr, "lifecycle:", err)
		os.Exit(1)
	}
}

// run does the walk-through in the environment environ ("NAME=value"
// entries), printing each step to out.
func run(ctx context.Context, out io.Writer, environ []string) error {
	var fake *oktatest.Server // nil for a real org
	sessionToken := lookupEnv(environ, "OKTA_SESSION_TOKEN")
	var cfg *okta.Configuration
	var err error
	if sessionToken != "" {
		cfg, err = okta.LoadConfiguration(okta.WithEnviron(environ))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "org: %s\n", cfg.BasePath)
	} else {
		if fake, err = oktatest.Start(); err != nil {
			return err
		}
		defer fake.Close()
		// The fake's URL and token alone: no file or variable of the
		// developer's can send the walk-through elsewhere.
		cfg, err = okta.LoadConfiguration(okta.WithoutSource(okta.SourceHomeFile, okta.SourceWorkDirFile),
			okta.WithEnviron([]string{"OKTA_CLIENT_ORGURL=" + fake.URL, "OKTA_CLIENT_TOKEN=" + fake.APIToken}))
		if err != nil {
			return err
		}
		sessionToken = fake.IssueSessionToken(oktatest.User{Login: "ann@example.com", DisplayName: "Ann Lee"})
		fmt.Fprintf(out, "org: embedded fake Okta at %s (for a real org set OKTA_SESSION_TOKEN, and OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN or ~/.okta/okta.yaml)\n", fake.URL)
	}
	client := okta.NewAPIClient(cfg)
	s, err := walkThrough(ctx, out, client.SessionApi, sessionToken)
	if err != nil {
		return err
	}
	return currentAndRevoke(ctx, out, client, fake, s.UserId)
}

// walkThrough creates a session from sessionToken, gets, refreshes and ends
// it, then sees the 404; it returns the session as last refreshed.
func walkThrough(ctx context.Context, out io.Writer, api okta.SessionApi, sessionToken string) (okta.Session, error) {
	s, resp, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: sessionToken})
	if err != nil {
		return s, err
	}
	step(out, "CreateSession", resp, &s)

	if s, resp, err = api.GetSession(ctx, s.Id); err != nil {
		return s, err
	}
	step(out, "GetSession", resp, &s)

	if s, resp, err = api.RefreshSession(ctx, s.Id); err != nil {
		return s, err
	}
	step(out, "RefreshSession", resp, &s)

	if resp, err = api.EndSession(ctx, s.Id); err != nil {
		return s, err
	}
	step(out, "EndSession", resp, nil)

	_, _, err = api.GetSession(ctx, s.Id)
	return s, notFound(out, "GetSession", err)
}

// currentAndRevoke signs the user in again on the fake and gets that
// session by the user's idx cookie (a real org's cookie is in the user's
// browser, so that step is skipped there), then revokes every session of
// the user.
func currentAndRevoke(ctx context.Context, out io.Writer, client *okta.APIClient, fake *oktatest.Server, userID string) error {
	var cookie *http.Cookie
	if fake == nil {
		fmt.Fprintf(out, "%-18s skipped: it needs the user's sid or idx cookie, which only a browser signed in to the org holds\n", "GetCurrentSession")
	} else {
		s, resp, err := client.SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: fake.IssueSessionToken(oktatest.User{ID: userID})})
		if err != nil {
			return err
		}
		step(out, "CreateSession", resp, &s)
		cookie = &http.Cookie{Name: "idx", Value: s.Id} // in the fake, the cookie's value is the session id
		if s, resp, err = client.SessionApi.GetCurrentSession(ctx, cookie); err != nil {
			return err
		}
		step(out, "GetCurrentSession", resp, &s)
	}

	resp, err := client.UserSessionsApi.RevokeUserSessions(ctx, userID, nil)
	if err != nil {
		return err
	}
	step(out, "RevokeUserSessions", resp, nil)
	if cookie == nil {
		return nil
	}
	_, _, err = client.SessionApi.GetCurrentSession(ctx, cookie)
	return notFound(out, "GetCurrentSession", err)
}

// notFound prints the 404 that err must be, and returns an error if it is
// anything else.
func notFound(out io.Writer, op string, err error) error {
	var apiErr *okta.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, okta.ErrNotFound) {
		return fmt.Errorf("%s: want 404, got %v", op, err)
	}
	step(out, op, apiErr.Response, nil)
	fmt.Fprintf(out, "  error: %v\n", err)
	return nil
}

// lookupEnv returns the value of name in environ, the last if repeated.
func lookupEnv(environ []string, name string) string {
	value := ""
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			value = v
		}
	}
	return value
}

// step prints what one call returned: status, the session fields that
// matter, the request id and the rate limit left.
func step(out io.Writer, op string, resp *http.Response, s *okta.Session) {
	remaining := "?"
	if rl, ok := okta.ParseRateLimit(resp); ok {
		remaining = fmt.Sprint(rl.Remaining)
	}
	fmt.Fprintf(out, "%-18s %s  request %s  rate limit remaining %s\n", op, resp.Status, resp.Header.Get("X-Okta-Request-Id"), remaining)
	if s != nil {
		fmt.Fprintf(out, "  %v  login=%s  expires in %s\n", s, s.Login, s.TimeLeft(time.Now()).Round(time.Second))
	}
}
