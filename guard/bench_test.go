package guard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// BenchmarkCheckConfirmed is Check of a session Okta confirmed within
// MaxStale, with the memory store.
func BenchmarkCheckConfirmed(b *testing.B) {
	g, id := benchGuard(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Check(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckConfirmedParallel is the same from GOMAXPROCS goroutines.
func BenchmarkCheckConfirmedParallel(b *testing.B) {
	g, id := benchGuard(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := g.Check(ctx, id); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkMiddleware is a request through Middleware to a handler that
// does nothing, against the same request to the bare handler: the
// difference is what the middleware adds.
func BenchmarkMiddleware(b *testing.B) {
	g, id := benchGuard(b)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"bare", next}, {"guarded", g.Middleware(next)}} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Cookie", "other=1; okta_session="+id+"; theme=dark")
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				bc.h.ServeHTTP(w, r)
			}
		})
	}
}

// benchGuard returns a guard on the real clock, as in production (the fake
// clock's Now takes a lock), and a session id it has confirmed.
func benchGuard(b *testing.B) (*guard.Guard, string) {
	srv, err := oktatest.NewInProcess()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	g, err := guard.New(srv.Client(), guard.Options{MaxStale: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = g.Close() })
	id, err := srv.SeedSession(oktatest.SessionSeed{User: alice})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := g.Check(context.Background(), id); err != nil {
		b.Fatal(err)
	}
	return g, id
}
