package guard

import (
	"context"
	"errors"
	"slices"
	"time"

	okta "github.com/oktasessions/okta-session-go"
)

// Reason tells why Check refused a session.
type Reason string

// The reasons of a SessionError.
const (
	// ReasonMalformed: the id is empty, too long or not shaped as Okta's
	// ids are (letters, digits, '-' and '_'); Okta was not asked.
	ReasonMalformed Reason = "malformed id"
	// ReasonNotFound: Okta does not know the id (ended, expired or made up).
	ReasonNotFound Reason = "not found"
	// ReasonStatus: the session's status is not in Options.AllowStatuses.
	ReasonStatus Reason = "status not allowed"
	// ReasonExpired: the session's expiresAt has passed.
	ReasonExpired Reason = "expired"
	// ReasonRevoked: EndSession, RevokeUser or a Universal Logout revoked it.
	ReasonRevoked Reason = "revoked"
	// ReasonUnavailable: Okta could not be asked and no recent enough
	// confirmation was at hand (errors.Is(err, ErrUnavailable)).
	ReasonUnavailable Reason = "Okta unavailable"
	// ReasonClosed: the guard is closed (errors.Is(err, ErrClosed)).
	ReasonClosed Reason = "guard closed"
)

// SessionError is Check's error. It never holds the session id.
type SessionError struct {
	// Reason says why the session was refused.
	Reason Reason
	// RetryAt is when Okta may be asked again (ReasonUnavailable after a
	// 429), on the guard's clock; zero when unknown.
	RetryAt time.Time
	// Err is the cause, such as Okta's *okta.APIError, or nil.
	Err error
}

// Error returns "guard: invalid session: <reason>[: <cause>]".
func (e *SessionError) Error() string {
	s := "guard: invalid session: " + string(e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *SessionError) Unwrap() error { return e.Err }

// Is makes every SessionError match ErrInvalidSession, and one of
// ReasonUnavailable match ErrUnavailable.
func (e *SessionError) Is(target error) bool {
	return target == ErrInvalidSession || target == ErrUnavailable && e.Reason == ReasonUnavailable
}

// maxIDLen is the longest session id Check accepts; Okta's have 25 bytes.
const maxIDLen = 128

// validID reports whether id is shaped as an Okta id.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// Refusals that carry no cause, made once.
var (
	errMalformed = &SessionError{Reason: ReasonMalformed}
	errNotFound  = &SessionError{Reason: ReasonNotFound}
	errStatus    = &SessionError{Reason: ReasonStatus}
	errExpired   = &SessionError{Reason: ReasonExpired}
	errRevoked   = &SessionError{Reason: ReasonRevoked}
	errClosed    = &SessionError{Reason: ReasonClosed, Err: ErrClosed}
)

// Check returns the session sessionID names when it is usable: Okta said
// it exists, its status is allowed (ACTIVE by default) and its expiresAt is
// ahead, no revocation the guard knows of covers it, and Okta said so at
// most MaxStale ago (else Check asks Okta, one GetSession per id however
// many Checks wait for it). Otherwise it returns a *SessionError, which
// matches ErrInvalidSession. A confirmed session costs no allocation and no
// I/O with the memory store; the Session returned shares its Amr, Idp and
// verification times with the guard's cache, so treat them as read-only.
func (g *Guard) Check(ctx context.Context, sessionID string) (okta.Session, error) {
	if !validID(sessionID) {
		return okta.Session{}, errMalformed
	}
	if g.closed.Load() {
		return okta.Session{}, errClosed
	}
	now := g.link.Now()
	if s, ok := g.hot.get(sessionID, now, g.revs.version.Load()); ok {
		return s, nil
	}
	key := KeyOf(sessionID)
	e, found := g.load(ctx, key)
	if found {
		if s, err, ok := g.judge(sessionID, key, e, now, false); ok {
			return s, err
		}
	}
	if g.revs.sessionRevoked(key, now) {
		return okta.Session{}, errRevoked
	}
	return g.ask(ctx, sessionID, key, e, found)
}

// load returns the store's entry for key, or the local one when the store
// fails.
func (g *Guard) load(ctx context.Context, key Key) (Entry, bool) {
	e, ok, err := g.store.Load(ctx, key)
	if err == nil || g.store == Store(g.local) {
		return e, ok
	}
	e, ok, _ = g.local.Load(ctx, key)
	return e, ok
}

// judge decides on the entry e of sessionID, read at now. fresh means e is
// Okta's answer to a question of this Check; otherwise an entry too old to
// trust leaves the decision to Okta (decided false).
func (g *Guard) judge(sessionID string, key Key, e Entry, now time.Time, fresh bool) (s okta.Session, err error, decided bool) {
	switch e.Verdict {
	case VerdictNotFound:
		if fresh || now.Before(e.Until) {
			return okta.Session{}, errNotFound, true
		}
		return okta.Session{}, nil, false
	case VerdictFound:
	default:
		return okta.Session{}, nil, false
	}
	version := g.revs.version.Load() // before covers: a revocation after it changes the version
	if g.revs.covers(key, e, now) {
		return okta.Session{}, errRevoked, true
	}
	if !fresh && !trusted(e, now, g.opts.MaxStale) {
		return okta.Session{}, nil, false
	}
	if !now.Before(e.Session.ExpiresAt) {
		return okta.Session{}, errExpired, true
	}
	if !slices.Contains(g.opts.AllowStatuses, e.Session.Status) {
		return okta.Session{}, errStatus, true
	}
	s = e.Session
	s.Id = sessionID
	until := e.AskedAt.Add(g.opts.MaxStale)
	if e.Session.ExpiresAt.Before(until) {
		until = e.Session.ExpiresAt
	}
	if now.Before(until) {
		g.hot.put(sessionID, &hot{session: s, asked: e.AskedAt, until: until, version: version}, now)
	}
	return s, nil, true
}

// ask asks Okta about sessionID, joining the question in flight for it if
// there is one. old is the entry the store had (found), too old to trust.
func (g *Guard) ask(ctx context.Context, sessionID string, key Key, old Entry, found bool) (okta.Session, error) {
	now := g.link.Now()
	if ok, retryAt := g.limit.allows(key, now, g.opts.MaxStale); !ok {
		return g.unavailable(sessionID, key, old, now, &SessionError{Reason: ReasonUnavailable, RetryAt: retryAt, Err: errLimited})
	}
	f, leader := g.join(key)
	if leader {
		if !found && !g.unknown.take(now) {
			f.err = errBudget
			g.land(key, f)
		} else {
			go g.run(context.WithoutCancel(ctx), f, sessionID, key)
		}
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return okta.Session{}, &SessionError{Reason: ReasonUnavailable, Err: ctx.Err()}
	}
	now = g.link.Now()
	switch {
	case f.revoked:
		return okta.Session{}, errRevoked
	case f.err != nil:
		return g.unavailable(sessionID, key, old, now, f.err)
	}
	s, err, decided := g.judge(sessionID, key, f.entry, now, true)
	if !decided {
		// A flight lands with a verdict or an error; should one ever land
		// with neither, the session is refused, never let through.
		return okta.Session{}, errNoVerdict
	}
	return s, err
}

// trusted reports whether Okta's answer e may stand at now without asking
// again: within maxAge of when it was asked and before the session's
// expiresAt. Before it was asked (the guard's clock went back) its age is
// unknown, so it may not.
func trusted(e Entry, now time.Time, maxAge time.Duration) bool {
	return !now.Before(e.AskedAt) && now.Before(e.AskedAt.Add(maxAge)) && now.Before(e.Session.ExpiresAt)
}

// unavailable answers a Check whose question to Okta failed with err: the
// old entry when StaleIfUnavailable allows it, else err.
func (g *Guard) unavailable(sessionID string, key Key, old Entry, now time.Time, err *SessionError) (okta.Session, error) {
	if old.Verdict == VerdictFound && trusted(old, now, g.opts.MaxStale+g.opts.StaleIfUnavailable) {
		if s, err, ok := g.judge(sessionID, key, old, now, true); ok && err == nil {
			return s, nil
		}
	}
	return okta.Session{}, err
}

// Why a question was not asked.
var (
	errLimited   = errors.New("the rate limit of Okta is spent until RetryAt")
	errBudget    = &SessionError{Reason: ReasonUnavailable, Err: errors.New("over Options.MaxUnknownPerMinute")}
	errNoVerdict = &SessionError{Reason: ReasonUnavailable, Err: errors.New("no answer of Okta was recorded")}
)
