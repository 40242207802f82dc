package guard

import (
	"sync"
	"time"

	okta "github.com/oktasessions/okta-session-go"
)

// hotCache is the guard's first look: the sessions it let through lately,
// by id, each until it must be judged again, with the version of the
// revocation list it was judged against. A hit costs no hash of the id, no
// store and no lock but a read lock; any new revocation makes every entry
// be judged again (through the store), since it may cover it.
type hotCache struct {
	max int

	mu sync.RWMutex
	m  map[string]hot
}

// hot is one session the guard let through.
type hot struct {
	session okta.Session // Id included
	until   time.Time    // the least of AskedAt+MaxStale and ExpiresAt
	version uint64       // revocations.version when judged
}

func newHotCache(max int) *hotCache {
	return &hotCache{max: max, m: make(map[string]hot)}
}

// get returns the session id names, if it may still be let through at now
// with the revocation list at version.
func (c *hotCache) get(id string, now time.Time, version uint64) (okta.Session, bool) {
	c.mu.RLock()
	h, ok := c.m[id]
	c.mu.RUnlock()
	if !ok || h.version != version || !now.Before(h.until) {
		return okta.Session{}, false
	}
	return h.session, true
}

// put records h under id; when the cache is full, it first drops one entry
// that has ended at now, or else any one.
func (c *hotCache) put(id string, h hot, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[id]; !ok && len(c.m) >= c.max {
		seen := 0
		for k, old := range c.m {
			seen++
			if !now.Before(old.until) || seen == evictSample {
				delete(c.m, k)
				break
			}
		}
	}
	c.m[id] = h
}

// clear forgets everything.
func (c *hotCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}
