package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/guard/redisstore"
	"github.com/oktasessions/okta-session-go/internal/redistest"
	"github.com/oktasessions/okta-session-go/oktatest"
	"github.com/redis/go-redis/v9"
)

// deployment is one fake org on a fake clock and one Redis, which replicas
// share as a service's would.
type deployment struct {
	org   *oktatest.Server
	clock *oktatest.FakeClock
	redis *redistest.Server
}

func newDeployment(t *testing.T) *deployment {
	t.Helper()
	clock := oktatest.NewFakeClock(t0)
	org, err := oktatest.NewInProcess(oktatest.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(org.Close)
	return &deployment{org: org, clock: clock, redis: redistest.Start(t)}
}

// replica is one replica's guard, with its own okta.APIClient, Redis client
// and store.
type replica struct {
	*guard.Guard
	store *redisstore.Store
	logs  *records
}

// replica starts a replica whose client sends its requests through wrap
// (when not nil).
func (d *deployment) replica(t *testing.T, wrap func(http.RoundTripper) http.RoundTripper) *replica {
	t.Helper()
	return d.replicaOn(t, wrap, d.redis.Client())
}

// replicaOn is replica with the Redis client rdb.
func (d *deployment) replicaOn(t *testing.T, wrap func(http.RoundTripper) http.RoundTripper, rdb *redis.Client) *replica {
	t.Helper()
	cfg := d.org.Config()
	cfg.MaxRetries = okta.NoRetries // a retry would move the fake clock
	if wrap != nil {
		cfg.HTTPClient.Transport = wrap(cfg.HTTPClient.Transport)
	}
	store, logs := newStoreOn(t, rdb, "app")
	cfg.Logger = slog.New(logs) // the guard's records and the store's, together
	g, err := guard.New(okta.NewAPIClient(cfg), guard.Options{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return &replica{Guard: g, store: store, logs: logs}
}

// session seeds an ACTIVE session of user 00u1 (ann@example.com).
func (d *deployment) session(t *testing.T) string {
	t.Helper()
	id, err := d.org.SeedSession(oktatest.SessionSeed{User: ann})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

var ann = oktatest.User{ID: "00u1ann", Login: "Ann@example.com"}

// getSessions counts the GetSession requests the org received.
func (d *deployment) getSessions() int {
	n := 0
	for _, r := range d.org.Requests() {
		if r.Route == oktatest.RouteGetSession {
			n++
		}
	}
	return n
}

// reason returns the Reason of Check's error, "" when it let id through.
func reason(r *replica, id string) guard.Reason {
	_, err := r.Check(context.Background(), id)
	var se *guard.SessionError
	if errors.As(err, &se) {
		return se.Reason
	}
	if err != nil {
		return guard.Reason(err.Error())
	}
	return ""
}

func TestSharedConfirmation(t *testing.T) {
	d := newDeployment(t)
	r1, r2 := d.replica(t, nil), d.replica(t, nil)
	id := d.session(t)
	if got := reason(r1, id); got != "" {
		t.Fatalf("replica 1: %s", got)
	}
	if got := reason(r2, id); got != "" {
		t.Fatalf("replica 2: %s", got)
	}
	if n := d.getSessions(); n != 1 {
		t.Errorf("GetSession calls = %d, want 1: replica 2 asked again", n)
	}
	d.clock.Advance(guard.DefaultMaxStale)
	for _, r := range []*replica{r2, r1, r2} {
		if got := reason(r, id); got != "" {
			t.Fatalf("after MaxStale: %s", got)
		}
	}
	if n := d.getSessions(); n != 2 {
		t.Errorf("GetSession calls after MaxStale = %d, want 2", n)
	}
}

// TestCheckFromRedisIsOneRoundTrip: a Check that another replica's
// confirmation answers sends Redis one command; the next one none.
func TestCheckFromRedisIsOneRoundTrip(t *testing.T) {
	d := newDeployment(t)
	r1 := d.replica(t, nil)
	var calls atomic.Int64
	rdb := d.redis.Client()
	r2 := d.replicaOn(t, nil, rdb)
	rdb.AddHook(countHook{&calls})
	id := d.session(t)
	if got := reason(r1, id); got != "" {
		t.Fatal(got)
	}
	for i, want := range []int64{1, 1} {
		if got := reason(r2, id); got != "" {
			t.Fatal(got)
		}
		if n := calls.Load(); n != want {
			t.Errorf("after Check %d: %d Redis commands, want %d", i+1, n, want)
		}
	}
}

// TestRevocationAcrossReplicas: a revocation accepted by one replica is
// refused by the others without asking Okta, and by a replica started
// afterwards; a session the user creates afterwards works.
func TestRevocationAcrossReplicas(t *testing.T) {
	revokers := []struct {
		name   string
		revoke func(r *replica, d *deployment, id string) error
	}{
		{"EndSession", func(r *replica, _ *deployment, id string) error { return r.EndSession(context.Background(), id) }},
		{"RevokeUser", func(r *replica, _ *deployment, _ string) error { return r.RevokeUser(context.Background(), ann.ID) }},
		{"Universal Logout", func(r *replica, d *deployment, _ string) error {
			// Okta's sessions stay ACTIVE: only the revocation refuses them.
			code, err := d.org.SendUniversalLogoutRequest(context.Background(), oktatest.UniversalLogout{
				Endpoint: endpoint, Subject: oktatest.LogoutSubject{Format: oktatest.SubjectEmail, Email: "ANN@example.com"},
				Client: &http.Client{Transport: serve(r.UniversalLogout(endpoint))},
			})
			if err == nil && code != http.StatusNoContent {
				err = fmt.Errorf("the receiver answered %d", code)
			}
			return err
		}},
	}
	for _, rv := range revokers {
		t.Run(rv.name, func(t *testing.T) {
			d := newDeployment(t)
			r1, r2 := d.replica(t, nil), d.replica(t, nil)
			id := d.session(t)
			for _, r := range []*replica{r1, r2} {
				if got := reason(r, id); got != "" {
					t.Fatalf("before: %s", got)
				}
			}
			if err := rv.revoke(r1, d, id); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			if got := reason(r1, id); got != guard.ReasonRevoked && got != guard.ReasonNotFound {
				t.Errorf("revoking replica: %q", got)
			}
			// Within a second, on the fake clock's same instant (MaxStale
			// plays no part).
			deadline := time.Now().Add(time.Second)
			for reason(r2, id) == "" {
				if time.Now().After(deadline) {
					t.Fatal("the other replica let the revoked session through for a second")
				}
				time.Sleep(time.Millisecond)
			}
			late := d.replica(t, nil)
			if got := reason(late, id); got == "" {
				t.Error("a replica started after the revocation let the session through")
			}
			d.clock.Advance(guard.CreationSkew + time.Second)
			fresh := d.session(t)
			for _, r := range []*replica{r1, r2, late} {
				if got := reason(r, fresh); got != "" {
					t.Errorf("a session created after the revocation: %s", got)
				}
			}
		})
	}
}

// TestRevocationRacesConfirmation: a replica's GetSession is in flight,
// with Okta's answer (ACTIVE) already given, when another replica records
// a revocation: the confirmation is refused and is not saved for others.
func TestRevocationRacesConfirmation(t *testing.T) {
	d := newDeployment(t)
	answered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	hold := func(next http.RoundTripper) http.RoundTripper {
		return roundTrip(func(req *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(req)
			once.Do(func() { close(answered); <-release })
			return resp, err
		})
	}
	r1, r2 := d.replica(t, hold), d.replica(t, nil)
	id := d.session(t)

	got := make(chan guard.Reason)
	go func() { got <- reason(r1, id) }()
	<-answered
	now := d.clock.Now()
	if err := r2.store.Revoke(context.Background(), guard.Revocation{
		Kind: guard.RevokeUserID, Subject: ann.ID, At: now, Until: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	close(release)
	if r := <-got; r != guard.ReasonRevoked {
		t.Errorf("the Check in flight: %q, want revoked", r)
	}
	if r := reason(r2, id); r != guard.ReasonRevoked {
		t.Errorf("the other replica: %q, want revoked", r)
	}
	late := d.replica(t, nil)
	if r := reason(late, id); r != guard.ReasonRevoked {
		t.Errorf("a later replica: %q, want revoked", r)
	}
	if _, ok, err := late.store.Load(context.Background(), guard.KeyOf(id)); ok || err != nil {
		t.Errorf("a refused confirmation is in Redis (%v, %v)", ok, err)
	}
}

// endpoint is the Universal Logout endpoint of the replicas.
const endpoint = "https://app.example.com/okta/universal-logout"

// serve is a transport that hands every request to h.
func serve(h http.Handler) http.RoundTripper {
	return roundTrip(func(r *http.Request) (*http.Response, error) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Result(), nil
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestReplicasWithoutRedis: killed, slow or full, Redis fails; the
// replicas keep answering by asking Okta, refuse a session ended at one of
// them within MaxStale at the others, and share again once Redis is back.
func TestReplicasWithoutRedis(t *testing.T) {
	faults := []struct {
		name       string
		fail, heal func(*redistest.Server)
	}{
		{"killed and restarted", (*redistest.Server).Kill, (*redistest.Server).Restart},
		{"slow", func(s *redistest.Server) { s.Pause(8 * testTimeout) }, func(*redistest.Server) {}},
		{"full", (*redistest.Server).Fill, (*redistest.Server).MakeRoom},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			d := newDeployment(t)
			r1, r2 := d.replica(t, nil), d.replica(t, nil)
			id, ended := d.session(t), d.session(t)
			for _, s := range []string{id, ended} {
				if got := reason(r1, s); got != "" {
					t.Fatalf("before: %s", got)
				}
			}
			f.fail(d.redis)
			// Every replica notices: a Check of a new session makes a Save.
			for _, r := range []*replica{r1, r2} {
				eventually(t, "store failing", func() bool { _ = reason(r, d.session(t)); return !usable(r.store) })
			}
			start := time.Now()
			if got := reason(r2, id); got != "" {
				t.Errorf("without Redis: %s", got)
			}
			if took := time.Since(start); took >= testTimeout {
				t.Errorf("a Check without Redis took %v", took)
			}
			_ = r1.EndSession(context.Background(), ended) // its store may fail
			d.clock.Advance(guard.DefaultMaxStale)
			if got := reason(r2, ended); got == "" {
				t.Error("a session ended at another replica was let through MaxStale later")
			}
			f.heal(d.redis)
			for _, r := range []*replica{r1, r2} {
				eventually(t, "store back", func() bool { return usable(r.store) })
			}
			calls := d.getSessions()
			d.clock.Advance(guard.DefaultMaxStale)
			for _, r := range []*replica{r1, r2} {
				if got := reason(r, id); got != "" {
					t.Errorf("after: %s", got)
				}
			}
			if n := d.getSessions() - calls; n != 1 {
				t.Errorf("%d GetSession calls after Redis is back, want 1 (shared again)", n)
			}
			// Replica 2 only checked sessions: one Warn and one Info in all,
			// the guard's and the store's records together.
			r2.logs.wantOneLossOneReturn(t)
		})
	}
}
