package guard

import (
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	okta "github.com/oktasessions/okta-session-go"
)

// flight is one question to Okta about one session id, which every Check
// of that id waits for.
type flight struct {
	done chan struct{} // closed when the fields below are set

	entry   Entry         // Okta's answer, when err is nil
	revoked bool          // a revocation covers the answer (Store.Save said so)
	err     *SessionError // why Okta could not be asked, or nil
}

// join returns the flight for key, and whether the caller leads it (made
// it, and must run it).
func (g *Guard) join(key Key) (*flight, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.flights[key]; ok {
		return f, false
	}
	f := &flight{done: make(chan struct{})}
	g.flights[key] = f
	return f, true
}

// land ends the flight f of key: later Checks start a new one.
func (g *Guard) land(key Key, f *flight) {
	g.mu.Lock()
	delete(g.flights, key)
	g.mu.Unlock()
	close(f.done)
}

// run asks Okta about sessionID for the flight f, saves the answer, and
// lands f. ctx keeps the values of the Check that started it but not its
// cancellation: the Checks waiting for it do not depend on the first one
// staying. The client's Timeout bounds it, and Close ends it.
func (g *Guard) run(ctx context.Context, f *flight, sessionID string, key Key) {
	defer g.land(key, f)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(g.ctx, cancel)()
	asked := g.link.Now()
	g.noteAsk(asked)
	s, _, err := g.client.SessionApi.GetSession(ctx, sessionID)
	switch {
	case err == nil:
		s.Id, s.Links = "", nil
		f.entry = Entry{Verdict: VerdictFound, Session: s, AskedAt: asked, Until: g.entryUntil(s, asked)}
	case errors.Is(err, okta.ErrNotFound):
		f.entry = Entry{Verdict: VerdictNotFound, AskedAt: asked, Until: asked.Add(g.opts.NegativeTTL)}
	default:
		f.err = g.failed(ctx, err)
		return
	}
	f.revoked = g.save(ctx, key, f.entry)
}

// entryUntil is the Until of an entry for s, confirmed by Okta at asked:
// while it may serve (MaxStale, and StaleIfUnavailable after it), never past
// the session's expiresAt.
func (g *Guard) entryUntil(s okta.Session, asked time.Time) time.Time {
	until := asked.Add(g.opts.MaxStale + g.opts.StaleIfUnavailable)
	if s.ExpiresAt.Before(until) {
		return s.ExpiresAt
	}
	return until
}

// failed records a question that Okta did not answer: a 429 (or an answer
// with a RetryAt) holds the next questions back until then.
func (g *Guard) failed(ctx context.Context, err error) *SessionError {
	var (
		apiErr   *okta.APIError
		throttle *okta.ThrottleError
		retryAt  time.Time
	)
	switch {
	case errors.As(err, &apiErr):
		retryAt = apiErr.RetryAt
		if retryAt.IsZero() && apiErr.StatusCode == http.StatusTooManyRequests {
			retryAt = g.link.Now().Add(time.Minute)
		}
	case errors.As(err, &throttle):
		retryAt = throttle.RetryAt
	}
	if !retryAt.IsZero() {
		g.limit.hit(retryAt)
	}
	g.log(ctx, slog.LevelWarn, "guard: Okta did not answer GetSession", slog.Any("error", err))
	return &SessionError{Reason: ReasonUnavailable, RetryAt: retryAt, Err: err}
}

// save saves e in the store (and in the local store when the store fails)
// and reports whether a revocation covers it. A shared store's failure is
// not logged here: the store says once that it lost its backend and once
// that it is back, where a record per Save would flood the log.
func (g *Guard) save(ctx context.Context, key Key, e Entry) (revoked bool) {
	err := g.store.Save(ctx, key, e)
	if err != nil && !errors.Is(err, ErrRevoked) && g.store != Store(g.local) {
		err = g.local.Save(ctx, key, e)
	}
	return errors.Is(err, ErrRevoked)
}

// limiter holds the questions to Okta back after a 429 until its RetryAt,
// then lets them through spread over the next MaxStale (at most a minute),
// each session id at its own moment, so that no stampede follows the reset.
type limiter struct {
	mu      sync.Mutex
	retryAt time.Time
}

// hit records a RetryAt.
func (l *limiter) hit(at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if at.After(l.retryAt) {
		l.retryAt = at
	}
}

// allows reports whether key may be asked of Okta at now, and if not, when.
func (l *limiter) allows(key Key, now time.Time, spread time.Duration) (bool, time.Time) {
	l.mu.Lock()
	retryAt := l.retryAt
	l.mu.Unlock()
	if retryAt.IsZero() {
		return true, time.Time{}
	}
	spread = min(max(spread, time.Second), time.Minute)
	slot := retryAt.Add(time.Duration(uint64(spread) * uint64(binary.BigEndian.Uint16(key[:2])) >> 16))
	if now.Before(slot) {
		return false, slot
	}
	return true, time.Time{}
}

// bucket is a token bucket of perMinute tokens a minute (and as many at
// most), on the guard's clock; perMinute < 0 means no limit.
type bucket struct {
	perMinute int

	mu      sync.Mutex
	tokens  float64
	last    time.Time
	started bool
}

// take takes a token at now, and reports whether there was one.
func (b *bucket) take(now time.Time) bool {
	if b.perMinute < 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	rate := float64(b.perMinute)
	if !b.started {
		b.tokens, b.last, b.started = rate, now, true
	}
	if now.After(b.last) {
		b.tokens = min(rate, b.tokens+now.Sub(b.last).Minutes()*rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
