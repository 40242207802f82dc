package guard

import (
	"sync"
	"sync/atomic"
	"time"

	okta "github.com/oktasessions/okta-session-go"
)

// hotCache is the guard's first look: the sessions it let through lately,
// by id, each until it must be judged again, with the version of the
// revocation list it was judged against. A hit takes no lock, no hash of
// the id beyond the map's and no store; any new revocation makes every
// entry be judged again (through the store), since it may cover it.
type hotCache struct {
	max int
	m   sync.Map // id → *hot
	n   atomic.Int64
}

// hot is one session the guard let through; it is never changed once stored.
type hot struct {
	session okta.Session // Id included
	asked   time.Time    // Entry.AskedAt: before it (the clock went back), the age is unknown
	until   time.Time    // the least of AskedAt+MaxStale and ExpiresAt
	version uint64       // revocations.version when judged
}

func newHotCache(max int) *hotCache { return &hotCache{max: max} }

// get returns the session id names, if it may still be let through at now
// with the revocation list at version.
func (c *hotCache) get(id string, now time.Time, version uint64) (okta.Session, bool) {
	v, ok := c.m.Load(id)
	if !ok {
		return okta.Session{}, false
	}
	h := v.(*hot)
	if h.version != version || !now.Before(h.until) || now.Before(h.asked) {
		return okta.Session{}, false
	}
	return h.session, true
}

// put records h under id; when the cache is over its bound, it first drops
// one other entry: of a few visited, the first that has ended at now, else
// the one that ends soonest (as MemoryStore.evict does).
func (c *hotCache) put(id string, h *hot, now time.Time) {
	if _, loaded := c.m.Swap(id, h); loaded {
		return
	}
	if c.n.Add(1) <= int64(c.max) {
		return
	}
	var (
		victim any
		until  time.Time
		seen   int
	)
	c.m.Range(func(k, v any) bool {
		if k == id {
			return true
		}
		e := v.(*hot)
		if !now.Before(e.until) {
			victim = k
			return false
		}
		if victim == nil || e.until.Before(until) {
			victim, until = k, e.until
		}
		seen++
		return seen < evictSample
	})
	if victim == nil {
		return
	}
	if _, deleted := c.m.LoadAndDelete(victim); deleted {
		c.n.Add(-1)
	}
}

// clear forgets everything.
func (c *hotCache) clear() {
	c.m.Range(func(k, _ any) bool {
		if _, deleted := c.m.LoadAndDelete(k); deleted {
			c.n.Add(-1)
		}
		return true
	})
}
