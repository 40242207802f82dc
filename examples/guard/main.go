// Command guard runs a small web app whose pages are guarded by Okta
// sessions with package guard, against the embedded fake Okta, and walks
// through a Universal Logout:
//
//	go run ./examples/guard
//
// The app signs a user in by creating an Okta session from a session token
// (CreateSession) and keeping its id in its own cookie; Middleware checks
// that session on every request to /account, asking Okta at most once per
// MaxStale; UniversalLogout receives Okta's logout requests. The fake then
// plays Okta: it sends a signed Universal Logout for the user, after which
// the app refuses the session although Okta still answers it as ACTIVE
// (Okta ends it itself; the fake does not), and a sign-in a minute later
// works. Okta and the guard share a fake clock, so that the minute passes
// at once.
//
// With a Redis, the app runs as two replicas sharing it (package
// guard/redisstore), and the Universal Logout that reaches one is refused
// by both:
//
//	go run ./examples/guard -redis localhost:6379
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// cookieName is the app's session cookie.
const cookieName = "app_session"

func main() {
	redisAddr := flag.String("redis", "", "a Redis (host:port) to run the app as two replicas sharing it")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var err error
	if *redisAddr != "" {
		err = runReplicas(ctx, os.Stdout, *redisAddr)
	} else {
		err = run(ctx, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "guard:", err)
		os.Exit(1)
	}
}

// run starts the fake and the app, walks through the steps and prints them
// to out.
func run(ctx context.Context, out io.Writer) error {
	clock := oktatest.NewFakeClock(time.Now())
	fake, err := oktatest.Start(oktatest.WithClock(clock))
	if err != nil {
		return err
	}
	defer fake.Close()
	client := okta.NewAPIClient(fake.Config())
	g, err := guard.New(client, guard.Options{Cookie: cookieName, MaxStale: time.Minute})
	if err != nil {
		return err
	}
	defer g.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	endpoint := base + "/okta/universal-logout" // the URL registered in Okta
	app := &http.Server{Handler: newApp(client, fake, g, endpoint), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = app.Serve(ln) }()
	defer app.Close()
	fmt.Fprintf(out, "app: %s, Okta: embedded fake at %s\n", base, fake.URL)

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	steps := []func() error{
		func() error { return visit(ctx, out, browser, base+"/sign-in") },
		func() error { return visit(ctx, out, browser, base+"/account") },
		func() error {
			status, err := fake.SendUniversalLogout(ctx, endpoint, "ada@example.com")
			fmt.Fprintf(out, "Okta sends a Universal Logout for ada@example.com: %d\n", status)
			return err
		},
		func() error { return visit(ctx, out, browser, base+"/account") },
		func() error {
			clock.Advance(time.Minute)
			fmt.Fprintln(out, "a minute later:")
			return visit(ctx, out, browser, base+"/sign-in")
		},
		func() error { return visit(ctx, out, browser, base+"/account") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// newApp returns the app's routes.
func newApp(client *okta.APIClient, fake *oktatest.Server, g *guard.Guard, endpoint string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sign-in", func(w http.ResponseWriter, r *http.Request) {
		// A real app gets the session token from Okta's sign-in flow.
		token := fake.IssueSessionToken(oktatest.User{Login: "ada@example.com"})
		s, _, err := client.SessionApi.CreateSession(r.Context(), okta.CreateSessionRequest{SessionToken: token})
		if err != nil {
			http.Error(w, "sign-in failed", http.StatusBadGateway)
			return
		}
		// The guard learns the new session from Okta's own answer: its
		// first Check asks Okta nothing.
		if err := g.Remember(r.Context(), s); err != nil {
			http.Error(w, "sign-in failed", http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.Id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		fmt.Fprintln(w, "signed in")
	})
	mux.Handle("GET /account", g.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := guard.SessionFrom(r.Context())
		fmt.Fprintf(w, "account of %s\n", s.Login)
	})))
	mux.Handle("POST /okta/universal-logout", g.UniversalLogout(endpoint))
	return mux
}

// visit GETs url with the browser and prints the status and body.
func visit(ctx context.Context, out io.Writer, browser *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := browser.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return err
	}
	if len(body) == 0 {
		body = []byte("\n")
	}
	fmt.Fprintf(out, "GET %s: %d %s", req.URL.Path, resp.StatusCode, body)
	if resp.StatusCode >= 500 {
		return errors.New(resp.Status)
	}
	return nil
}
