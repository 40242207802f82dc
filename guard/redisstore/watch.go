package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/oktasessions/okta-session-go/guard"
	"github.com/redis/go-redis/v9"
)

// run keeps the subscription up and the revocations loaded until ctx ends,
// trying again every s.retry after a failure.
func (s *Store) run(ctx context.Context) {
	defer close(s.done)
	for {
		err := s.subscribe(ctx)
		if ctx.Err() != nil {
			return
		}
		s.down(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.retry):
		}
	}
}

// errNoPong is returned by subscribe when the subscription's connection did
// not answer a PING in time.
var errNoPong = errors.New("redisstore: no answer to PING on the subscription")

// subscribe subscribes to the channel of revocations, loads them all, and
// then delivers the published ones, until the subscription fails. Between
// messages it checks, every s.retry, that the subscription's connection
// answers a PING within s.timeout, and, when a Load or Save failed
// meanwhile, that Redis is usable again (resync).
func (s *Store) subscribe(ctx context.Context) error {
	ps := s.rdb.Subscribe(ctx)
	defer ps.Close()
	s.mu.Lock()
	s.ps = ps
	s.mu.Unlock()
	if ctx.Err() != nil { // Close ran before s.ps was set
		return ctx.Err()
	}
	if err := s.call(ctx, func(ctx context.Context) error { return ps.Subscribe(ctx, s.keys.channel) }); err != nil {
		return err
	}
	// Wait for Redis to confirm the subscription before loading: a
	// revocation published before the confirmation was recorded before it,
	// so the load finds it; one published after it is received.
	msg, err := ps.ReceiveTimeout(ctx, s.timeout)
	if err != nil {
		return err
	}
	if _, ok := msg.(*redis.Subscription); !ok {
		return fmt.Errorf("redisstore: %T before the subscription's confirmation", msg)
	}
	pinged := false
	for {
		if !s.ready.Load() {
			since := s.lossCount()
			if err := s.resync(ctx); err != nil {
				return err
			}
			// Unless a call failed meanwhile: then the store stays lost,
			// and resyncs again after the wait below.
			s.up(since)
		}
		wait := s.retry
		if pinged {
			wait = s.timeout
		}
		msg, err := ps.ReceiveTimeout(ctx, wait)
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			if pinged {
				return errNoPong
			}
			if err := s.call(ctx, func(ctx context.Context) error { return ps.Ping(ctx) }); err != nil {
				return err
			}
			pinged = true
			continue
		case err != nil:
			return err
		}
		pinged = false
		if m, ok := msg.(*redis.Message); ok {
			s.received(m.Payload)
		}
	}
}

// received delivers a published revocation.
func (s *Store) received(payload string) {
	f, sp, ok := parseMessage(payload)
	if !ok {
		return
	}
	r, ok := revocationOf(f, sp)
	if !ok {
		return
	}
	s.saw(sp.at)
	s.mu.Lock()
	s.remember(f, sp)
	s.mu.Unlock()
	s.deliver([]guard.Revocation{r})
}

// resync checks that Redis takes writes, loads every revocation, records
// again those this store knows and Redis lacks (a restarted Redis without
// persistence lost them; a Revoke failed), and delivers what it loaded.
func (s *Store) resync(ctx context.Context) error {
	err := s.call(ctx, func(ctx context.Context) error {
		return s.rdb.Set(ctx, s.keys.alive, time.Now().UnixMilli(), time.Minute).Err()
	})
	if err != nil {
		return err
	}
	loaded, err := s.loadAll(ctx)
	if err != nil {
		return err
	}
	// Compare every known revocation with what Redis holds, not their
	// numbers: a Redis restarted empty may hold as many others, which
	// replicas recorded since.
	s.mu.Lock()
	s.forgetPast()
	missing := make(map[string]span)
	for f, sp := range s.known {
		if have, ok := loaded[f]; !ok || have.merge(sp) != have {
			missing[f] = sp
		}
	}
	for f, sp := range loaded {
		s.remember(f, sp)
	}
	s.mu.Unlock()
	for f, sp := range missing {
		if err := s.call(ctx, func(ctx context.Context) error { return s.record(ctx, s.rdb, f, sp, true) }); err != nil {
			return err
		}
	}
	rs := make([]guard.Revocation, 0, len(loaded))
	for f, sp := range loaded {
		if r, ok := revocationOf(f, sp); ok {
			rs = append(rs, r)
		}
	}
	s.deliver(rs)
	s.once.Do(func() { close(s.first) })
	return nil
}

// scanCount is how many fields one HSCAN asks for.
const scanCount = 1000

// loadAll reads the revocations hash, one bounded HSCAN at a time.
func (s *Store) loadAll(ctx context.Context) (map[string]span, error) {
	out := make(map[string]span)
	var cursor uint64
	for {
		var page []string
		err := s.call(ctx, func(ctx context.Context) error {
			var err error
			page, cursor, err = s.rdb.HScan(ctx, s.keys.revocations, cursor, "", scanCount).Result()
			return err
		})
		if err != nil {
			return nil, err
		}
		for i := 0; i+1 < len(page); i += 2 {
			if sp, ok := parseSpan(page[i+1]); ok {
				out[page[i]] = sp
			}
		}
		if cursor == 0 {
			return out, nil
		}
	}
}

// remember adds a revocation to those the store would record again, at most
// MaxKnown of them. It is called with s.mu held.
func (s *Store) remember(f string, sp span) {
	if old, ok := s.known[f]; ok {
		s.known[f] = old.merge(sp)
		return
	}
	if len(s.known) >= MaxKnown {
		s.forgetPast()
		if len(s.known) >= MaxKnown {
			return // Redis keeps it; only a restart of Redis would lose it
		}
	}
	s.known[f] = sp
}

// forgetPast forgets the known revocations past their Until by the latest
// time the store was given, so that it never records again one that Redis
// forgot in time. It is called with s.mu held.
func (s *Store) forgetPast() {
	now := s.seen.Load()
	for f, sp := range s.known {
		if sp.until <= now {
			delete(s.known, f)
		}
	}
}

// deliver calls every Watch function with rs.
func (s *Store) deliver(rs []guard.Revocation) {
	if len(rs) == 0 {
		return
	}
	s.delivering.RLock()
	defer s.delivering.RUnlock()
	s.mu.Lock()
	fns := make([]func(guard.Revocation), 0, len(s.watchers))
	for fn := range s.watchers {
		fns = append(fns, *fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		for _, r := range rs {
			fn(r)
		}
	}
}

// Watch implements guard.Store: it calls fn with every revocation the store
// knows, after waiting (a few timeouts at most) for the first load from
// Redis, then with each one published or loaded after a reconnection.
func (s *Store) Watch(fn func(guard.Revocation)) (stop func(), err error) {
	s.mu.Lock()
	if err := s.closed; err != nil {
		s.mu.Unlock()
		return nil, err
	}
	p := &fn
	s.watchers[p] = struct{}{}
	s.mu.Unlock()

	wait := time.NewTimer(4 * s.timeout)
	select {
	case <-s.first:
	case <-wait.C:
	case <-s.done:
	}
	wait.Stop()

	s.delivering.RLock()
	s.mu.Lock()
	rs := make([]guard.Revocation, 0, len(s.known))
	for f, sp := range s.known {
		if r, ok := revocationOf(f, sp); ok {
			rs = append(rs, r)
		}
	}
	_, watching := s.watchers[p]
	s.mu.Unlock()
	if watching {
		for _, r := range rs {
			fn(r)
		}
	}
	s.delivering.RUnlock()
	return func() {
		s.delivering.Lock() // waits for the calls in progress
		defer s.delivering.Unlock()
		s.mu.Lock()
		delete(s.watchers, p)
		s.mu.Unlock()
	}, nil
}
