package guard

import (
	"sync"
	"time"
)

// maxJTIs bounds the Universal Logout token ids remembered.
const maxJTIs = 10_000

// jti is a Universal Logout token's id (tokenID) and the end of its
// validity.
type jti struct {
	id  string
	exp time.Time
}

// jtiCache remembers the ids of the Universal Logout tokens accepted and
// not yet expired, so that the same request again (Okta retrying, or a
// replay) records no new revocation: a replayed token must not log out
// sessions created since. Bounded: when full, the expired ids go, else an
// arbitrary one.
type jtiCache struct {
	mu  sync.Mutex
	ids map[string]time.Time // id → exp
}

// seen reports whether t was accepted before.
func (c *jtiCache) seen(t jti) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.ids[t.id]
	return ok
}

// add remembers t, accepted at now.
func (c *jtiCache) add(t jti, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = make(map[string]time.Time)
	}
	if len(c.ids) >= maxJTIs {
		for id, exp := range c.ids {
			if !exp.After(now) {
				delete(c.ids, id)
			}
		}
	}
	if len(c.ids) >= maxJTIs {
		for id := range c.ids {
			delete(c.ids, id)
			break
		}
	}
	c.ids[t.id] = t.exp
}
