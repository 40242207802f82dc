// Command lifecycle walks a session through its life with okta-session-go:
// create it from a session token, get it, refresh it, end it, and show that
// it is gone.
//
//	go run ./examples/lifecycle
//
// With OKTA_CLIENT_ORGURL, OKTA_CLIENT_TOKEN and OKTA_SESSION_TOKEN set it
// runs against that org; otherwise it starts the embedded fake Okta
// (package oktatest) and mints a session token there.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "lifecycle:", err)
		os.Exit(1)
	}
}

// run does the walk-through, printing each step to out.
func run(ctx context.Context, out io.Writer, getenv func(string) string) error {
	cfg := okta.NewConfiguration()
	orgURL, apiToken, sessionToken := getenv("OKTA_CLIENT_ORGURL"), getenv("OKTA_CLIENT_TOKEN"), getenv("OKTA_SESSION_TOKEN")
	if orgURL != "" && apiToken != "" && sessionToken != "" {
		cfg.BasePath, cfg.APIToken = orgURL, apiToken
		fmt.Fprintf(out, "org: %s\n", orgURL)
	} else {
		srv, err := oktatest.Start()
		if err != nil {
			return err
		}
		defer srv.Close()
		cfg.BasePath, cfg.APIToken = srv.URL, srv.APIToken
		sessionToken = srv.IssueSessionToken(oktatest.User{Login: "ann@example.com", DisplayName: "Ann Lee"})
		fmt.Fprintf(out, "org: embedded fake Okta at %s (set OKTA_CLIENT_ORGURL, OKTA_CLIENT_TOKEN and OKTA_SESSION_TOKEN for a real org)\n", srv.URL)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	api := okta.NewAPIClient(cfg).SessionApi

	s, resp, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: sessionToken})
	if err != nil {
		return err
	}
	step(out, "CreateSession", resp, &s)

	s, resp, err = api.GetSession(ctx, s.Id)
	if err != nil {
		return err
	}
	step(out, "GetSession", resp, &s)

	s, resp, err = api.RefreshSession(ctx, s.Id)
	if err != nil {
		return err
	}
	step(out, "RefreshSession", resp, &s)

	resp, err = api.EndSession(ctx, s.Id)
	if err != nil {
		return err
	}
	step(out, "EndSession", resp, nil)

	_, _, err = api.GetSession(ctx, s.Id)
	var apiErr *okta.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, okta.ErrNotFound) {
		return fmt.Errorf("GetSession after EndSession: want 404, got %v", err)
	}
	step(out, "GetSession", apiErr.Response, nil)
	fmt.Fprintf(out, "  error: %v\n", err)
	return nil
}

// step prints what one call returned: status, the session fields that
// matter, the request id and the rate limit left.
func step(out io.Writer, op string, resp *http.Response, s *okta.Session) {
	remaining := "?"
	if rl, ok := okta.ParseRateLimit(resp); ok {
		remaining = fmt.Sprint(rl.Remaining)
	}
	fmt.Fprintf(out, "%-15s %s  request %s  rate limit remaining %s\n", op, resp.Status, resp.Header.Get("X-Okta-Request-Id"), remaining)
	if s != nil {
		fmt.Fprintf(out, "  %v  login=%s  expires in %s\n", s, s.Login, s.TimeLeft(time.Now()).Round(time.Second))
	}
}
