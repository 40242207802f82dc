package guard

import (
	"context"
	"errors"
	"sync"
	"time"
)

// DefaultMaxEntries is the bound of a memory store (NewMemoryStore(0)) and
// of a guard's list of revocations: at most this many entries, and as many
// revocations, are kept, about 300 bytes each.
const DefaultMaxEntries = 100_000

// ErrClosed is returned by a closed Store, and by a closed Guard.
var ErrClosed = errors.New("guard: closed")

// MemoryStore is a Store in this process's memory, bounded: past its
// maximum, saving an entry evicts another (the one that ends soonest of a
// few picked at random, an entry whose Until has passed first of all), and
// recording a revocation evicts the session revocation that ends soonest,
// or when there is none the user or login one (those past their Until go
// first of all). A guard whose Options.Store is nil uses one; guards of one
// process may share one.
type MemoryStore struct {
	revs *revocations
	max  int

	// delivering is held for reading while Watch functions are called, so
	// that stop can wait for calls in progress.
	delivering sync.RWMutex

	mu       sync.RWMutex
	entries  map[Key]Entry
	watchers map[*func(Revocation)]struct{}
	closed   bool
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns a memory store of at most maxEntries entries (and as
// many revocations); 0 or less means DefaultMaxEntries.
func NewMemoryStore(maxEntries int) *MemoryStore {
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	return &MemoryStore{
		revs:     newRevocations(maxEntries),
		max:      maxEntries,
		entries:  make(map[Key]Entry),
		watchers: make(map[*func(Revocation)]struct{}),
	}
}

// Load implements Store; it does not allocate.
func (m *MemoryStore) Load(_ context.Context, key Key) (Entry, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return Entry{}, false, ErrClosed
	}
	e, ok := m.entries[key]
	return e, ok, nil
}

// Len returns the number of entries.
func (m *MemoryStore) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.entries)
}

// Save implements Store.
func (m *MemoryStore) Save(_ context.Context, key Key, e Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	// The time of the latest revocation of its subject is read under m.mu,
	// which Revoke holds while it records one: Save and Revoke are atomic
	// with respect to each other.
	if m.revs.covers(key, e, e.AskedAt) {
		return ErrRevoked
	}
	old, ok := m.entries[key]
	if ok && old.AskedAt.After(e.AskedAt) {
		return nil
	}
	if !ok && len(m.entries) >= m.max {
		m.evict(e.AskedAt)
	}
	m.entries[key] = e
	return nil
}

// evictSample is how many entries evict looks at.
const evictSample = 8

// evict removes one entry: of a few visited in Go's random map order, the
// first whose Until is not after now, else the one that ends soonest. It is
// called with m.mu held.
func (m *MemoryStore) evict(now time.Time) {
	var (
		victim Key
		until  time.Time
		seen   int
	)
	for k, e := range m.entries {
		if !e.Until.After(now) {
			victim = k
			break
		}
		if seen == 0 || e.Until.Before(until) {
			victim, until = k, e.Until
		}
		if seen++; seen == evictSample {
			break
		}
	}
	delete(m.entries, victim)
}

// Revoke implements Store: it records r and calls every Watch function
// with it before returning.
func (m *MemoryStore) Revoke(_ context.Context, r Revocation) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	m.revs.add(r)
	fns := make([]func(Revocation), 0, len(m.watchers))
	for fn := range m.watchers {
		fns = append(fns, *fn)
	}
	m.delivering.RLock()
	m.mu.Unlock()
	defer m.delivering.RUnlock()
	for _, fn := range fns {
		fn(r)
	}
	return nil
}

// Watch implements Store.
func (m *MemoryStore) Watch(fn func(Revocation)) (stop func(), err error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, ErrClosed
	}
	p := &fn
	m.watchers[p] = struct{}{}
	m.mu.Unlock()
	for _, r := range m.revs.all(time.Time{}) {
		fn(r)
	}
	return func() {
		m.mu.Lock()
		delete(m.watchers, p)
		m.mu.Unlock()
		// Taking the lock waits for the calls in progress.
		m.delivering.Lock()
		//lint:ignore SA2001 the lock is taken only to wait
		m.delivering.Unlock()
	}, nil
}

// Close implements Store: it forgets everything; later calls return
// ErrClosed.
func (m *MemoryStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.entries = nil
	clear(m.watchers)
	return nil
}
