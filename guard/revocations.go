package guard

import (
	"sync"
	"sync/atomic"
	"time"
)

// revocations is a bounded set of revocations, as a guard keeps them in
// memory (fed by its Store's Watch) and as the memory store records them.
// For a user id or a login only the latest At matters (Revocation.Covers).
// It is safe for concurrent use.
type revocations struct {
	max     int
	version atomic.Uint64 // grows with every change, so that judgments made before can tell

	mu       sync.RWMutex
	sessions map[Key]time.Time     // key → Until
	users    map[string]revocation // user id → latest
	logins   map[string]revocation // login (LoginSubject) → latest
}

// revocation is one subject's latest revocation.
type revocation struct {
	at, until time.Time
}

func newRevocations(max int) *revocations {
	return &revocations{
		max:      max,
		sessions: make(map[Key]time.Time),
		users:    make(map[string]revocation),
		logins:   make(map[string]revocation),
	}
}

// add records r and reports whether it was new or later than what was
// known. When the set is full it first drops the revocations past their
// Until at r.At, then the one that ends soonest.
func (rv *revocations) add(r Revocation) bool {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if !rv.put(r) {
		return false
	}
	rv.version.Add(1)
	return true
}

// put is add with rv.mu held, without the version.
func (rv *revocations) put(r Revocation) bool {
	switch r.Kind {
	case RevokeSession:
		if until, ok := rv.sessions[r.Key]; ok && !r.Until.After(until) {
			return false
		}
		rv.makeRoom(r.At)
		rv.sessions[r.Key] = r.Until
	case RevokeUserID, RevokeLogin:
		if r.Subject == "" {
			return false
		}
		m := rv.users
		if r.Kind == RevokeLogin {
			m = rv.logins
		}
		old, ok := m[r.Subject]
		if ok && !r.At.After(old.at) && !r.Until.After(old.until) {
			return false
		}
		rv.makeRoom(r.At)
		m[r.Subject] = revocation{at: later(old.at, r.At), until: later(old.until, r.Until)}
	default:
		return false
	}
	return true
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// makeRoom frees one place when the set is full. It is called with rv.mu held.
func (rv *revocations) makeRoom(now time.Time) {
	if rv.len() < rv.max {
		return
	}
	var (
		soonest   time.Time
		dropEarly func()
	)
	consider := func(until time.Time, drop func()) {
		if !until.After(now) {
			drop()
			return
		}
		if dropEarly == nil || until.Before(soonest) {
			soonest, dropEarly = until, drop
		}
	}
	for k, until := range rv.sessions {
		consider(until, func() { delete(rv.sessions, k) })
	}
	for _, m := range []map[string]revocation{rv.users, rv.logins} {
		for s, r := range m {
			consider(r.until, func() { delete(m, s) })
		}
	}
	if rv.len() >= rv.max && dropEarly != nil {
		dropEarly()
	}
}

func (rv *revocations) len() int { return len(rv.sessions) + len(rv.users) + len(rv.logins) }

// covers reports whether a revocation in the set, not past its Until at
// now, covers the entry e of key (Revocation.Covers).
func (rv *revocations) covers(key Key, e Entry, now time.Time) bool {
	if e.Verdict != VerdictFound {
		return false
	}
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	if until, ok := rv.sessions[key]; ok && now.Before(until) {
		return true
	}
	if r, ok := rv.users[e.Session.UserId]; ok && now.Before(r.until) && coveredAt(r.at, e) {
		return true
	}
	if len(rv.logins) == 0 {
		return false
	}
	r, ok := rv.logins[LoginSubject(e.Session.Login)]
	return ok && now.Before(r.until) && coveredAt(r.at, e)
}

// sessionRevoked reports whether the session of key is revoked (by
// RevokeSession) at now.
func (rv *revocations) sessionRevoked(key Key, now time.Time) bool {
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	until, ok := rv.sessions[key]
	return ok && now.Before(until)
}

// all returns every revocation in the set not past its Until at now.
func (rv *revocations) all(now time.Time) []Revocation {
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	out := make([]Revocation, 0, rv.len())
	for k, until := range rv.sessions {
		if now.Before(until) {
			out = append(out, Revocation{Kind: RevokeSession, Key: k, Until: until})
		}
	}
	for kind, m := range map[RevocationKind]map[string]revocation{RevokeUserID: rv.users, RevokeLogin: rv.logins} {
		for s, r := range m {
			if now.Before(r.until) {
				out = append(out, Revocation{Kind: kind, Subject: s, At: r.at, Until: r.until})
			}
		}
	}
	return out
}
