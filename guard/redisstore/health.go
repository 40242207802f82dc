package redisstore

import (
	"context"
	"log/slog"
)

// The store's health: whether Load and Save may use Redis, and the records
// that say it lost Redis and that Redis is back.

// failed notes that a Redis call under ctx failed with err: unless the
// caller gave up (ctx ended), the store has lost Redis until its
// subscription's goroutine finds it usable again.
func (s *Store) failed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	s.down(err)
}

// down marks the store as not serving Load and Save, and logs the loss once.
func (s *Store) down(err error) {
	s.mu.Lock()
	s.losses++
	s.ready.Store(false)
	warn := !s.lost && s.closed == nil
	s.lost = true
	s.mu.Unlock()
	if warn {
		s.log.LogAttrs(context.Background(), slog.LevelWarn,
			"redisstore: lost Redis; the guard asks Okta until it is back",
			slog.String("prefix", s.keys.prefix), slog.String("error", err.Error()))
	}
}

// lossCount returns how many times the store counted Redis as lost.
func (s *Store) lossCount() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.losses
}

// up marks the store as serving again, and logs the return once, unless
// Redis was counted as lost again since lossCount returned since (a call
// failed while the store was reconnecting, which may have left a
// revocation out of Redis): then the store stays lost.
func (s *Store) up(since uint64) {
	s.mu.Lock()
	if s.closed != nil || s.losses != since {
		s.mu.Unlock()
		return
	}
	info := s.lost
	s.lost = false
	s.ready.Store(true)
	s.mu.Unlock()
	if info {
		s.log.LogAttrs(context.Background(), slog.LevelInfo,
			"redisstore: Redis is back", slog.String("prefix", s.keys.prefix))
	}
}

// usable returns nil when Load and Save may use Redis.
func (s *Store) usable() error {
	if s.ready.Load() {
		return nil
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed != nil {
		return closed
	}
	return ErrUnavailable
}
