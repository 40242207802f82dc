package redisstore_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/guard/redisstore"
	"github.com/oktasessions/okta-session-go/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// testTimeout bounds the tests' Redis calls: short, so that a fault shows
// soon, and long enough that a busy machine running the tests with -race
// does not look like a slow Redis.
const testTimeout = 100 * time.Millisecond

// fast are the options of the tests' stores: calls bounded to testTimeout,
// a lost Redis tried again every 5 ms.
func fast(logs *records) []redisstore.Option {
	return []redisstore.Option{
		redisstore.WithTimeout(testTimeout),
		redisstore.WithRetry(5 * time.Millisecond),
		redisstore.WithLogger(slog.New(logs)),
	}
}

// newStore returns a store on srv with a client of its own, as a replica's,
// closed when the test ends, once it has loaded the revocations (Load
// works), and the records it logs. opts come after fast's.
func newStore(t *testing.T, srv *redistest.Server, prefix string, opts ...redisstore.Option) (*redisstore.Store, *records) {
	t.Helper()
	return newStoreOn(t, srv.Client(), prefix, opts...)
}

// newStoreOn is newStore with the client rdb.
func newStoreOn(t *testing.T, rdb redis.UniversalClient, prefix string, opts ...redisstore.Option) (*redisstore.Store, *records) {
	t.Helper()
	logs := &records{}
	s := redisstore.New(rdb, prefix, append(fast(logs), opts...)...)
	t.Cleanup(func() { _ = s.Close() })
	eventually(t, "a new store usable", func() bool { return usable(s) })
	return s, logs
}

// eventuallyWithin is how long eventually waits: a bound for a test that
// would otherwise hang, not a figure of the store (a passing test waits only
// as long as its condition takes). A busy CI machine once took over 5 s to
// let a new store subscribe and load.
const eventuallyWithin = 20 * time.Second

// eventually waits (in real time: Redis runs on it) until cond holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(eventuallyWithin)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, eventuallyWithin)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// usable reports whether s serves Load.
func usable(s *redisstore.Store) bool {
	_, _, err := s.Load(context.Background(), guard.KeyOf("probe"))
	return err == nil
}

// watched collects what a Watch function is given.
type watched struct {
	mu   sync.Mutex
	revs []guard.Revocation
}

func watch(t *testing.T, s *redisstore.Store) *watched {
	t.Helper()
	w := &watched{}
	stop, err := s.Watch(func(r guard.Revocation) {
		w.mu.Lock()
		w.revs = append(w.revs, r)
		w.mu.Unlock()
	})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	t.Cleanup(stop)
	return w
}

// has reports whether w was given a revocation like r (same kind, key,
// subject; At and Until within a microsecond).
func (w *watched) has(r guard.Revocation) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, g := range w.revs {
		if g.Kind == r.Kind && g.Key == r.Key && g.Subject == r.Subject &&
			near(g.At, r.At) && near(g.Until, r.Until) {
			return true
		}
	}
	return false
}

func near(a, b time.Time) bool { d := a.Sub(b); return d > -time.Microsecond && d < time.Microsecond }

// records is a slog.Handler that keeps the records' levels and messages.
type records struct {
	mu   sync.Mutex
	list []slog.Record
}

func (h *records) Enabled(context.Context, slog.Level) bool { return true }
func (h *records) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.list = append(h.list, r.Clone())
	h.mu.Unlock()
	return nil
}
func (h *records) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *records) WithGroup(string) slog.Handler      { return h }

// wantOneLossOneReturn fails the test unless exactly one Warn and one Info
// record were logged.
func (h *records) wantOneLossOneReturn(t *testing.T) {
	t.Helper()
	if w, i := h.count(slog.LevelWarn), h.count(slog.LevelInfo); w != 1 || i != 1 {
		t.Errorf("logged %d Warn and %d Info records, want one of each:%s", w, i, h)
	}
}

// count returns how many records of level were logged.
func (h *records) count(level slog.Level) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.list {
		if r.Level == level {
			n++
		}
	}
	return n
}

// String lists the records' levels and messages.
func (h *records) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := ""
	for _, r := range h.list {
		s += "\n\t" + r.Level.String() + " " + r.Message
		r.Attrs(func(a slog.Attr) bool { s += " " + a.String(); return true })
	}
	return s
}
