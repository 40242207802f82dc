package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/guard/redisstore"
	"github.com/oktasessions/okta-session-go/oktatest"
	"github.com/redis/go-redis/v9"
)

// replica is one instance of the app, as a service runs several behind a
// load balancer: its own Okta client, Redis client, store and guard.
type replica struct {
	name  string
	base  string
	guard *guard.Guard
	close func()
}

// runReplicas runs the app as two replicas sharing the Redis at redisAddr
// (go run ./examples/guard -redis localhost:6379): a session one replica
// confirmed is not asked of Okta again by the other, and a Universal Logout
// that reaches one replica is refused by both.
func runReplicas(ctx context.Context, out io.Writer, redisAddr string) error {
	clock := oktatest.NewFakeClock(time.Now())
	fake, err := oktatest.Start(oktatest.WithClock(clock))
	if err != nil {
		return err
	}
	defer fake.Close()
	prefix := "example-guard-" + randomHex() // this run's keys only
	var endpoint string                      // the URL registered in Okta: replica A's, say
	replicas := make([]*replica, 2)
	for i, name := range []string{"A", "B"} {
		r, err := startReplica(name, fake, redisAddr, prefix, &endpoint)
		if err != nil {
			return err
		}
		defer r.close()
		replicas[i] = r
	}
	defer cleanUp(redisAddr, prefix)
	a, b := replicas[0], replicas[1]
	fmt.Fprintf(out, "replicas: A at %s, B at %s, sharing Redis at %s; Okta: embedded fake\n", a.base, b.base, redisAddr)

	// Cookies go to a host whatever its port: the browser holds one session
	// for both replicas, as behind a load balancer.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	at := func(r *replica, path string) func() error {
		return func() error {
			fmt.Fprintf(out, "%s: ", r.name)
			return visit(ctx, out, browser, r.base+path)
		}
	}
	steps := []func() error{
		at(a, "/sign-in"), // A remembers the new session, in Redis
		at(b, "/account"), // B reads A's record from Redis: no question to Okta
		at(a, "/account"),
		func() error { printGetSessions(out, fake); return nil },
		func() error {
			status, err := fake.SendUniversalLogout(ctx, endpoint, "ada@example.com")
			fmt.Fprintf(out, "Okta sends a Universal Logout for ada@example.com to A: %d\n", status)
			return err
		},
		func() error { return untilRefused(ctx, b, browser) },
		at(b, "/account"),
		at(a, "/account"),
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// printGetSessions prints how many GetSession the fake has answered.
func printGetSessions(out io.Writer, fake *oktatest.Server) {
	n := 0
	for _, r := range fake.Requests() {
		if r.Route == oktatest.RouteGetSession {
			n++
		}
	}
	fmt.Fprintf(out, "Okta has answered %d GetSession\n", n)
}

// startReplica starts one replica of the app on a loopback port; the first
// one started sets *endpoint.
func startReplica(name string, fake *oktatest.Server, redisAddr, prefix string, endpoint *string) (*replica, error) {
	client := okta.NewAPIClient(fake.Config())
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr, ContextTimeoutEnabled: true})
	store := redisstore.New(rdb, prefix)
	g, err := guard.New(client, guard.Options{Cookie: cookieName, MaxStale: time.Minute, Store: store})
	if err != nil {
		_ = store.Close()
		_ = rdb.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = g.Close()
		_ = store.Close()
		_ = rdb.Close()
		return nil, err
	}
	base := "http://" + ln.Addr().String()
	if *endpoint == "" {
		*endpoint = base + "/okta/universal-logout"
	}
	app := &http.Server{Handler: newApp(client, fake, g, *endpoint), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = app.Serve(ln) }()
	return &replica{name: name, base: base, guard: g, close: func() {
		_ = app.Close()
		_ = g.Close()
		_ = store.Close()
		_ = rdb.Close()
	}}, nil
}

// untilRefused waits (a second at most) until r refuses the browser's
// session: the revocation reaches the other replicas through Redis pub/sub,
// in about a millisecond.
func untilRefused(ctx context.Context, r *replica, browser *http.Client) error {
	deadline := time.Now().Add(time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/account", nil)
		if err != nil {
			return err
		}
		resp, err := browser.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("replica " + r.name + " still lets the session through a second after the logout")
		}
		time.Sleep(time.Millisecond)
	}
}

// cleanUp deletes this run's keys.
func cleanUp(redisAddr, prefix string) {
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	iter := rdb.Scan(ctx, 0, "{"+prefix+"}:*", 100).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
	}
}

// randomHex returns 8 random hexadecimal digits.
func randomHex() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
