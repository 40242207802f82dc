package guard

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/internal/orglink"
)

// Defaults of Options' zero values.
const (
	// DefaultCookie is the cookie Middleware reads when Options.Cookie is
	// empty.
	DefaultCookie = "okta_session"
	// DefaultMaxStale is Options.MaxStale's default.
	DefaultMaxStale = 30 * time.Second
	// DefaultNegativeTTL is Options.NegativeTTL's default.
	DefaultNegativeTTL = 10 * time.Second
	// DefaultMaxUnknownPerMinute is Options.MaxUnknownPerMinute's default.
	DefaultMaxUnknownPerMinute = 120
	// DefaultRevocationTTL is Options.RevocationTTL's default.
	DefaultRevocationTTL = 24 * time.Hour
)

// Options configure a Guard. Every zero field stands for its default.
type Options struct {
	// Cookie is the cookie Middleware reads the session id from; empty
	// means DefaultCookie.
	Cookie string
	// MaxStale is how long a session Okta confirmed is trusted without
	// asking again, never past its expiresAt; zero means DefaultMaxStale
	// (30 s). It bounds how long a session ended elsewhere (in Okta's admin
	// console, by another app) is still let through.
	MaxStale time.Duration
	// Store is what guards share (package guard/redisstore for replicas);
	// nil means a memory store of MaxEntries in this process. The guard
	// does not close it.
	Store Store
	// AllowStatuses are the session statuses let through; nil means
	// ACTIVE only, so that MFA_REQUIRED and MFA_ENROLL sessions are refused.
	AllowStatuses []okta.SessionStatus
	// MaxEntries bounds the guard's memory: its memory store's entries, the
	// revocations it keeps and the sessions in its hot cache, as many of
	// each; zero means DefaultMaxEntries.
	MaxEntries int
	// ResolveSubject, when set, maps a Universal Logout subject to the Okta
	// user id whose sessions to revoke; ErrUnknownSubject answers 404 and
	// any other error 422. Nil means the guard revokes by login (format
	// email) or user id (format iss_sub) itself.
	ResolveSubject func(ctx context.Context, s Subject) (userID string, err error)
	// StaleIfUnavailable is the fail-open policy: how long past MaxStale a
	// session Okta confirmed may still be let through while Okta cannot be
	// asked (5xx, timeouts, 429, the guard's own budget); zero (the
	// default) fails closed: such a session is refused.
	StaleIfUnavailable time.Duration
	// NegativeTTL is how long an id Okta does not know (404) is refused
	// without asking again; zero means DefaultNegativeTTL (10 s).
	NegativeTTL time.Duration
	// MaxUnknownPerMinute caps the GetSession calls a minute for ids the
	// guard has no record of (a flood of made-up cookies), on the guard's
	// clock; past it such ids are refused without asking. Zero means
	// DefaultMaxUnknownPerMinute (120); negative means no cap.
	MaxUnknownPerMinute int
	// RevocationTTL is how long a revocation is kept; zero means
	// DefaultRevocationTTL (24 h). Okta ends the revoked sessions too, so
	// past it the guard relies on Okta's answers.
	RevocationTTL time.Duration
}

// ErrInvalidSession is matched (errors.Is) by every error of Check for a
// session that is not usable, whatever the reason.
var ErrInvalidSession = errors.New("guard: invalid session")

// ErrUnavailable is matched by Check's errors when Okta could not be asked
// (5xx, timeout, 429, the guard's budget for unknown ids) and no recent
// enough confirmation was at hand; they match ErrInvalidSession too.
var ErrUnavailable = errors.New("guard: Okta unavailable")

// Guard checks Okta sessions; see the package documentation. It is safe for
// concurrent use. Make one per org with New and Close it when done.
type Guard struct {
	client *okta.APIClient
	link   orglink.Link
	opts   Options

	store     Store
	local     *MemoryStore // the store when Options.Store is nil; else the fallback
	stop      func()
	revs      *revocations
	hot       *hotCache
	closed    atomic.Bool
	latestAsk atomic.Int64 // the latest time it asked Okta at, in Unix ns (noteAsk)
	limit     limiter
	unknown   bucket
	keys      *keyCache
	jtis      jtiCache
	cancel    context.CancelFunc
	ctx       context.Context // ended by Close; the questions to Okta run under it
	closeOnce sync.Once

	mu      sync.Mutex
	flights map[Key]*flight
}

// New returns a Guard for client, whose configuration must be valid. The
// guard tells time by the client's Configuration.Clock and asks Okta
// through the client, with its retries: a short MaxRetryWait (or
// okta.NoRetries) keeps a Check answered 429 from waiting for the reset,
// since the guard holds its own questions until then anyway.
func New(client *okta.APIClient, opts Options) (*Guard, error) {
	link, err := orglink.Of(client)
	if err != nil {
		return nil, err
	}
	if err := opts.fill(); err != nil {
		return nil, err
	}
	g := &Guard{
		client:  client,
		link:    link,
		opts:    opts,
		local:   NewMemoryStore(opts.MaxEntries),
		revs:    newRevocations(opts.MaxEntries),
		hot:     newHotCache(opts.MaxEntries),
		flights: make(map[Key]*flight),
		unknown: bucket{perMinute: opts.MaxUnknownPerMinute},
		keys:    newKeyCache(link),
	}
	g.store = opts.Store
	if g.store == nil {
		g.store = g.local
	}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	if g.stop, err = g.store.Watch(func(r Revocation) { g.revs.add(r) }); err != nil {
		g.cancel()
		return nil, err
	}
	return g, nil
}

// fill sets the defaults of o's zero fields and checks the others.
func (o *Options) fill() error {
	switch {
	case o.MaxStale < 0:
		return &OptionError{Field: "MaxStale", Reason: "is negative"}
	case o.StaleIfUnavailable < 0:
		return &OptionError{Field: "StaleIfUnavailable", Reason: "is negative"}
	case o.NegativeTTL < 0:
		return &OptionError{Field: "NegativeTTL", Reason: "is negative"}
	case o.RevocationTTL < 0:
		return &OptionError{Field: "RevocationTTL", Reason: "is negative"}
	case o.MaxEntries < 0:
		return &OptionError{Field: "MaxEntries", Reason: "is negative"}
	}
	o.Cookie = cmp.Or(o.Cookie, DefaultCookie)
	o.MaxStale = cmp.Or(o.MaxStale, DefaultMaxStale)
	if o.StaleIfUnavailable > math.MaxInt64-o.MaxStale {
		// Their sum bounds an entry's Until: overflowing, it would end
		// before it began.
		return &OptionError{Field: "StaleIfUnavailable", Reason: "plus MaxStale passes time.Duration's range"}
	}
	o.NegativeTTL = cmp.Or(o.NegativeTTL, DefaultNegativeTTL)
	o.RevocationTTL = cmp.Or(o.RevocationTTL, DefaultRevocationTTL)
	o.MaxEntries = cmp.Or(o.MaxEntries, DefaultMaxEntries)
	o.MaxUnknownPerMinute = cmp.Or(o.MaxUnknownPerMinute, DefaultMaxUnknownPerMinute)
	if o.AllowStatuses == nil {
		o.AllowStatuses = []okta.SessionStatus{okta.SessionStatusActive}
	}
	o.AllowStatuses = append([]okta.SessionStatus(nil), o.AllowStatuses...)
	return nil
}

// OptionError is New's error for an unusable Options field.
type OptionError struct {
	// Field is the Options field, such as "MaxStale".
	Field string
	// Reason says why.
	Reason string
}

// Error returns "guard: Options.Field Reason".
func (e *OptionError) Error() string { return "guard: Options." + e.Field + " " + e.Reason }

// Close ends the questions to Okta in flight and stops watching the store's
// revocations; later Checks fail with ErrClosed. It does not close a Store
// given in Options.
func (g *Guard) Close() error {
	g.closeOnce.Do(func() {
		g.closed.Store(true)
		g.cancel()
		g.hot.clear()
		g.stop()
		_ = g.local.Close()
	})
	return nil
}

// log writes a record to the client's Logger, when it has one.
func (g *Guard) log(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if l := g.link.Logger; l != nil {
		l.LogAttrs(ctx, level, msg, attrs...)
	}
}
