// Command okta-fake serves the oktatest fake Okta Session API on a loopback
// port (an IP address or localhost), for integration suites in any language
// and for trying the API by hand.
//
//	go run ./cmd/okta-fake -addr localhost:8089 -fake-clock
//
// It prints the org URL and the API token it accepts. Mint a session token
// (valid once, for 5 minutes) with
//
//	curl -s -X POST -H "Authorization: SSWS $TOKEN" \
//	     -d '{"login":"ann@example.com"}' http://127.0.0.1:8089/oktatest/v1/session-tokens
//
// and use it with POST /api/v1/sessions as with Okta. The control API under
// /oktatest/v1/ (with the API token) also seeds users and sessions, injects
// and clears faults, reads and advances the clock (with -fake-clock), reads
// the recorded requests, resets the org, rotates the org's signing key
// (published at /oauth2/v1/keys) and sends an app's endpoint Universal
// Logout requests as Okta does; api/oktatest-control.yaml describes it, and
// okta-fake -h says so. It stops on SIGINT or SIGTERM.
//
// It is the org authorization server too: register an OAuth 2.0 service app
// with -app-client-id and -app-public-key (PEM or JWKS; -app-scopes,
// -app-dpop), and the app gets access tokens at /oauth2/v1/token by the
// client-credentials grant with a private_key_jwt assertion, which the
// session routes accept when they carry the route's scope.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/oktasessions/okta-session-go/oktatest"
)

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, waitForSignal)))
}

// exitCode is 0 after a clean run or -h, and 2 (with the error on stderr)
// otherwise.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintln(os.Stderr, "okta-fake:", err)
		return 2
	}
}

// waitForSignal blocks until SIGINT or SIGTERM.
func waitForSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	<-ch
}

// usage prints what okta-fake serves, its control API included, and its
// flags.
func usage(fs *flag.FlagSet) {
	fmt.Fprintf(fs.Output(), `Usage: okta-fake [flags]

Serves a fake Okta org (the Session API, the org authorization server, the
org's signing keys at %s) on a loopback port, and prints its URL
and API token. Its control API under %s, with the API token,
mints session tokens, seeds users and sessions, injects and clears faults,
reads and advances the clock (-fake-clock), reads the recorded requests,
resets the org, rotates the signing key and sends Universal Logout requests
to an app's endpoint; api/oktatest-control.yaml (OpenAPI 3.0) describes it.

Flags:
`, oktatest.KeysPath, oktatest.ControlPrefix)
	fs.PrintDefaults()
}

// run parses args, starts the fake, prints how to reach it and serves until
// wait returns.
func run(args []string, out io.Writer, wait func()) error {
	fs := flag.NewFlagSet("okta-fake", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { usage(fs) }
	addr := fs.String("addr", "127.0.0.1:8089", "loopback address to listen on (127.0.0.1:0 picks a free port)")
	token := fs.String("token", "", "API token to accept (default: a random one)")
	accessToken := fs.String("access-token", "", "also accept this OAuth 2.0 access token as Bearer on Okta's routes (never on the control API)")
	rate := fs.Int("rate-limit", oktatest.DefaultRateLimit, "requests per minute for /api/v1/sessions")
	concurrency := fs.Int("concurrency-limit", oktatest.DefaultConcurrencyLimit, "requests in flight at once")
	idle := fs.Duration("idle-timeout", oktatest.DefaultIdleTimeout, "session idle timeout")
	maxLife := fs.Duration("max-lifetime", 0, "maximum session lifetime (0: none)")
	fakeClock := fs.Bool("fake-clock", false, "run on a clock that moves only by POST /oktatest/v1/clock/advance (starts at the current time); a service app's client may sign with the real time or the fake's")
	app := newAppFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// Parsing stops at the first argument that is not a flag, so every
		// flag after it would be ignored silently. The values are
		// oktatest's to check.
		return fmt.Errorf("unexpected argument %q (a boolean flag takes its value as -flag=false)", fs.Arg(0))
	}
	appOpts, err := app.options()
	if err != nil {
		return err
	}
	opts := append([]oktatest.Option{
		oktatest.WithAddr(*addr), oktatest.WithRateLimit(*rate), oktatest.WithConcurrencyLimit(*concurrency),
		oktatest.WithIdleTimeout(*idle), oktatest.WithMaxLifetime(*maxLife),
	}, appOpts...)
	if *token != "" {
		opts = append(opts, oktatest.WithAPIToken(*token))
	}
	if *accessToken != "" {
		opts = append(opts, oktatest.WithAccessToken(*accessToken))
	}
	if *fakeClock {
		opts = append(opts, oktatest.WithClock(oktatest.NewFakeClock(time.Now().UTC().Truncate(time.Millisecond))))
	}
	srv, err := oktatest.Start(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(out, "OKTA_CLIENT_ORGURL=%s\nOKTA_CLIENT_TOKEN=%s\n", srv.URL, srv.APIToken)
	fmt.Fprintf(out, "# mint a session token (valid once, %v):\n", oktatest.SessionTokenLifetime)
	fmt.Fprintf(out, "#   curl -s -X POST -H 'Authorization: SSWS %s' -d '{\"login\":\"ann@example.com\"}' %s%s\n",
		srv.APIToken, srv.URL, oktatest.IssueTokenPath)
	fmt.Fprintf(out, "# control API (users, sessions, faults, clock, requests, reset, keys/rotate, universal-logout) under %s%s\n", srv.URL, oktatest.ControlPrefix)
	if *app.clientID != "" {
		fmt.Fprintf(out, "# service app %s: client credentials with a private_key_jwt assertion at %s%s\n", *app.clientID, srv.URL, oktatest.TokenPath)
	}
	fmt.Fprintf(out, "# serving since %s; stop with Ctrl-C\n", time.Now().UTC().Format(time.RFC3339))
	wait()
	return nil
}
