package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oktasessions/okta-session-go/guard"
	"github.com/redis/go-redis/v9"
)

// Defaults of the options.
const (
	// DefaultTimeout bounds each Redis call (WithTimeout).
	DefaultTimeout = 250 * time.Millisecond
	// DefaultRetry is how often a store that lost Redis tries it again, and
	// how often a healthy one checks its subscription (WithRetry).
	DefaultRetry = time.Second
	// DefaultPrefix is the key prefix New uses for an empty one.
	DefaultPrefix = "guard"
	// MaxKnown bounds the revocations a store remembers in memory to record
	// them again in a Redis that lost them.
	MaxKnown = 100_000
)

// ErrUnavailable is returned (wrapped) by Load and Save while the store has
// lost Redis or has not yet loaded the revocations from it.
var ErrUnavailable = errors.New("redisstore: Redis unavailable")

// ErrClosed is returned by every method of a closed store.
var ErrClosed = errors.New("redisstore: closed")

// ErrNoClient is returned by every method of a store New was given a nil
// client.
var ErrNoClient = errors.New("redisstore: New was given a nil Redis client")

// Option configures New.
type Option func(*Store)

// WithTimeout bounds each Redis call to d (zero or less: DefaultTimeout).
// go-redis applies a context's deadline to the socket only for a client
// made with ContextTimeoutEnabled; for another client the store waits for
// the call in a goroutine of its own, which ends by the client's
// ReadTimeout.
func WithTimeout(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.timeout = d
		}
	}
}

// WithRetry sets how often a store that lost Redis tries it again, and how
// often a healthy one checks its subscription (zero or less: DefaultRetry).
func WithRetry(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.retry = d
		}
	}
}

// WithLogger sets where the store says that it lost Redis (one Warn) and
// that Redis is back (one Info); nil means slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(s *Store) { s.log = l }
}

// Store is a guard.Store in Redis; see the package documentation. Make it
// with New and Close it when done (after the guards that use it).
type Store struct {
	rdb      redis.UniversalClient
	keys     keys
	timeout  time.Duration
	retry    time.Duration
	log      *slog.Logger
	inSocket bool // the client applies context deadlines to the socket

	ready  atomic.Bool   // the revocations are loaded and the subscription is up
	first  chan struct{} // closed when the revocations were first loaded
	once   sync.Once
	cancel context.CancelFunc
	done   chan struct{} // closed when the subscription's goroutine has ended

	delivering sync.RWMutex   // held for reading while Watch functions run
	recording  sync.WaitGroup // Revoke's scripts in flight, which Close waits for

	mu       sync.Mutex
	closed   error         // ErrClosed after Close; ErrNoClient without a client
	ps       *redis.PubSub // the current subscription
	lost     bool          // a Warn was logged and no Info since
	losses   uint64        // how many times Redis was counted as lost
	watchers map[*func(guard.Revocation)]struct{}
	known    map[string]span // revocations by field, to record them again

	// seen is the latest time on the guard's clock the store was given (an
	// entry's AskedAt, a revocation's At), in microseconds: the store tells
	// by it which known revocations are past their Until.
	seen atomic.Int64
}

var _ guard.Store = (*Store)(nil)

// New returns a store in rdb under keyPrefix (DefaultPrefix when empty; any
// brace is written %7B or %7D, and '%' %25, so that the prefix makes one
// hash tag and two prefixes never share a key). Guards
// whose stores share a Redis and a key prefix share their sessions'
// answers and revocations. New starts the store's subscription in the
// background; Close stops it. rdb stays the caller's to close.
func New(rdb redis.UniversalClient, keyPrefix string, opts ...Option) *Store {
	if keyPrefix == "" {
		keyPrefix = DefaultPrefix
	}
	keyPrefix = strings.NewReplacer("%", "%25", "{", "%7B", "}", "%7D").Replace(keyPrefix)
	s := &Store{
		rdb:      rdb,
		keys:     newKeys(keyPrefix),
		timeout:  DefaultTimeout,
		retry:    DefaultRetry,
		first:    make(chan struct{}),
		done:     make(chan struct{}),
		watchers: make(map[*func(guard.Revocation)]struct{}),
		known:    make(map[string]span),
	}
	for _, o := range opts {
		o(s)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	if isNil(rdb) {
		s.closed = ErrNoClient
		close(s.done)
		return s
	}
	s.inSocket = contextReachesSocket(rdb)
	go s.run(ctx)
	return s
}

// isNil reports whether rdb is nil, or a nil pointer of go-redis's clients.
func isNil(rdb redis.UniversalClient) bool {
	switch c := rdb.(type) {
	case nil:
		return true
	case *redis.Client:
		return c == nil
	case *redis.ClusterClient:
		return c == nil
	case *redis.Ring:
		return c == nil
	}
	return false
}

// contextReachesSocket reports whether rdb applies context deadlines to its
// socket reads and writes (ContextTimeoutEnabled).
func contextReachesSocket(rdb redis.UniversalClient) bool {
	switch c := rdb.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	}
	return false
}

// call runs f with a context bounded by the store's timeout, and returns by
// that deadline even when the client does not apply it to the socket.
func (s *Store) call(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if s.inSocket {
		return f(ctx)
	}
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// saw notes a time on the guard's clock (µs).
func (s *Store) saw(t int64) {
	for {
		old := s.seen.Load()
		if t <= old || s.seen.CompareAndSwap(old, t) {
			return
		}
	}
}

// Load implements guard.Store: one GETRANGE, which reads at most 64 KiB, the
// most an entry may hold (a hostile or corrupted value may be huge).
func (s *Store) Load(ctx context.Context, key guard.Key) (guard.Entry, bool, error) {
	if err := s.usable(); err != nil {
		return guard.Entry{}, false, err
	}
	var raw []byte
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		raw, err = s.rdb.GetRange(ctx, s.keys.entry(key), 0, maxEntrySize-1).Bytes()
		return err
	})
	switch {
	case err == nil && len(raw) == 0: // no such key
		return guard.Entry{}, false, nil
	case redis.HasErrorPrefix(err, "WRONGTYPE"):
		return guard.Entry{}, false, errBadEntry // a bad key, not a lost Redis
	case err != nil:
		s.failed(ctx, err)
		return guard.Entry{}, false, fmt.Errorf("redisstore: load: %w", err)
	}
	e, err := decodeEntry(raw)
	if err != nil {
		return guard.Entry{}, false, err
	}
	return e, true, nil
}

// Save implements guard.Store: one script, which refuses an entry that a
// recorded revocation covers and keeps an entry asked later.
func (s *Store) Save(ctx context.Context, key guard.Key, e guard.Entry) error {
	if err := s.usable(); err != nil {
		return err
	}
	ttl := e.Until.Sub(e.AskedAt)
	if ttl < time.Millisecond {
		return nil // already past use
	}
	s.saw(floorMicro(e.AskedAt))
	value, err := encodeEntry(e)
	if err != nil {
		return err
	}
	args := saveArgs(key, e, value, ttl)
	var res string
	err = s.call(ctx, func(ctx context.Context) error {
		var err error
		res, err = saveScript.Run(ctx, s.rdb, []string{s.keys.entry(key), s.keys.revocations}, args...).Text()
		return err
	})
	switch {
	case err != nil:
		s.failed(ctx, err)
		return fmt.Errorf("redisstore: save: %w", err)
	case res == "revoked":
		return guard.ErrRevoked
	}
	return nil
}

// Revoke implements guard.Store: it gives r to this process's Watch
// functions, then records and publishes it in one script. The script runs
// in a goroutine under a context of its own (bounded by WithTimeout), which
// Revoke waits for until ctx ends: a caller that gives up does not leave r
// out of Redis. When the script fails, the store remembers r, counts Redis
// as lost and records r once it is back.
func (s *Store) Revoke(ctx context.Context, r guard.Revocation) error {
	f, sp, ok := fieldOf(r)
	if !ok {
		return fmt.Errorf("redisstore: revoke: a revocation of kind %d without a subject", r.Kind)
	}
	s.mu.Lock()
	if err := s.closed; err != nil {
		s.mu.Unlock()
		return err
	}
	s.saw(sp.at)
	s.remember(f, sp)
	s.recording.Add(1) // under s.mu, before Close can wait
	s.mu.Unlock()
	s.deliver([]guard.Revocation{r})

	done := make(chan error, 1)
	go func() {
		defer s.recording.Done()
		err := s.recordNow(context.WithoutCancel(ctx), f, sp)
		if err != nil {
			s.down(err)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("redisstore: revoke: %w", err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("redisstore: revoke: %w", ctx.Err())
	}
}

// recordNow records and publishes a revocation for Revoke. When Redis
// answers the script with an error (a full Redis refuses it), it still
// publishes the revocation, which Redis allows, so that the other replicas
// refuse its sessions at once; the store records it once Redis is usable.
func (s *Store) recordNow(ctx context.Context, f string, sp span) error {
	err := s.call(ctx, func(ctx context.Context) error { return s.record(ctx, s.rdb, f, sp, true) })
	var reply redis.Error
	if errors.As(err, &reply) {
		_ = s.call(ctx, func(ctx context.Context) error {
			return s.rdb.Publish(ctx, s.keys.channel, message(f, sp)).Err()
		})
	}
	return err
}

// record runs the revoke script for one revocation on c (the client or a
// pipeline), publishing it when publish is set.
func (s *Store) record(ctx context.Context, c redis.Scripter, f string, sp span, publish bool) error {
	keys := []string{s.keys.revocations, s.keys.gc}
	if h, ok := strings.CutPrefix(f, "s:"); ok {
		keys = append(keys, s.keys.prefix+entryInfix+h)
	}
	pub := ""
	if publish {
		pub = s.keys.channel
	}
	return revokeScript.Run(ctx, c, keys, f, sp.at, sp.until, sp.ttlMillis(), pub).Err()
}

// Close stops the store's subscription and waits for the revocations being
// recorded (each bounded by WithTimeout); later calls fail with ErrClosed.
// It does not close the Redis client.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed != nil {
		s.mu.Unlock()
		return nil
	}
	s.closed = ErrClosed
	ps := s.ps
	s.ready.Store(false)
	s.mu.Unlock()
	s.cancel()
	if ps != nil {
		_ = ps.Close() // ends a wait for a message
	}
	<-s.done
	s.recording.Wait() // each bounded by the store's timeout
	return nil
}
