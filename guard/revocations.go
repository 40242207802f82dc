package guard

import (
	"container/heap"
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
	queues   [2]untilQueue         // the sessions', the users' and logins' revocations by Until, and some replaced ones
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
// known. It first drops the revocations past their Until at r.At, then,
// when the set is full, another (makeRoom).
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
		until, ok := rv.sessions[r.Key]
		if ok && !r.Until.After(until) {
			return false
		}
		rv.makeRoom(r.At, !ok)
		rv.sessions[r.Key] = r.Until
		rv.enqueue(queued{until: r.Until, kind: RevokeSession, key: r.Key})
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
		rv.makeRoom(r.At, !ok)
		latest := revocation{at: later(old.at, r.At), until: later(old.until, r.Until)}
		m[r.Subject] = latest
		rv.enqueue(queued{until: latest.until, kind: r.Kind, subject: r.Subject})
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

// makeRoom drops the revocations past their Until at now, then, when the
// set is full and grows (a new session or subject), the session revocation
// that ends soonest, or if there is none the user or login one. Session
// revocations go first: a flood of them is what an app's logout handler
// lets anyone send (EndSession of made-up cookies), and Okta ends the
// sessions EndSession names, so an evicted one is refused again once its
// confirmation is MaxStale old; a user or login revocation (RevokeUser, a
// Universal Logout) may cover sessions Okta still answers as ACTIVE. It is
// called with rv.mu held and costs O(log n) amortized: a full set must not
// make every further revocation visit all of them.
func (rv *revocations) makeRoom(now time.Time, grows bool) {
	for i := range rv.queues {
		q := &rv.queues[i]
		for len(*q) > 0 && !(*q)[0].until.After(now) {
			rv.drop(heap.Pop(q).(queued))
		}
	}
	for grows && rv.len() >= rv.max {
		q := &rv.queues[1]
		if len(rv.sessions) > 0 {
			q = &rv.queues[0]
		}
		if len(*q) == 0 {
			return
		}
		rv.drop(heap.Pop(q).(queued))
	}
}

// drop removes the revocation q stands for, unless a later one replaced it.
func (rv *revocations) drop(q queued) {
	switch {
	case q.kind == RevokeSession:
		if until, ok := rv.sessions[q.key]; ok && until.Equal(q.until) {
			delete(rv.sessions, q.key)
		}
	default:
		m := rv.users
		if q.kind == RevokeLogin {
			m = rv.logins
		}
		if r, ok := m[q.subject]; ok && r.until.Equal(q.until) {
			delete(m, q.subject)
		}
	}
}

// enqueue records that the revocation of kind, key or subject ends at
// until, in queues[0] for a session, queues[1] for a user or login. A
// revocation replaced by a later one leaves its old place in its queue,
// skipped when it comes up; when they outnumber the set, the queues are
// rebuilt from it.
func (rv *revocations) enqueue(q queued) {
	i := 0
	if q.kind != RevokeSession {
		i = 1
	}
	heap.Push(&rv.queues[i], q)
	if len(rv.queues[0])+len(rv.queues[1]) <= 2*rv.max+16 {
		return
	}
	rv.queues[0], rv.queues[1] = rv.queues[0][:0], rv.queues[1][:0]
	for k, until := range rv.sessions {
		rv.queues[0] = append(rv.queues[0], queued{until: until, kind: RevokeSession, key: k})
	}
	for kind, m := range map[RevocationKind]map[string]revocation{RevokeUserID: rv.users, RevokeLogin: rv.logins} {
		for s, r := range m {
			rv.queues[1] = append(rv.queues[1], queued{until: r.until, kind: kind, subject: s})
		}
	}
	heap.Init(&rv.queues[0])
	heap.Init(&rv.queues[1])
}

// queued is one revocation in the queue by Until.
type queued struct {
	until   time.Time
	kind    RevocationKind
	key     Key    // RevokeSession
	subject string // RevokeUserID, RevokeLogin
}

// untilQueue is a min-heap of queued by until (container/heap).
type untilQueue []queued

func (q untilQueue) Len() int           { return len(q) }
func (q untilQueue) Less(i, j int) bool { return q[i].until.Before(q[j].until) }
func (q untilQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *untilQueue) Push(x any)        { *q = append(*q, x.(queued)) }
func (q *untilQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
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
