package guard

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	keyrules "github.com/oktasessions/okta-session-go/internal/keys"
	"github.com/oktasessions/okta-session-go/internal/orglink"
)

// Bounds of the org's key set.
const (
	// keysPath is where Okta publishes the org's signing keys.
	keysPath = "/oauth2/v1/keys"
	// maxKeysBody caps the key set read; Okta's is a few KiB.
	maxKeysBody = 64 << 10
	// maxKeys is the most keys kept of one key set.
	maxKeys = 32
	// refetchEvery is the least time between two fetches of the key set
	// for an unknown kid, on the guard's clock.
	refetchEvery = time.Minute
)

// errUnknownKey is the refusal of a kid the org's key set does not hold.
var errUnknownKey = errors.New("guard: the token's kid is not among the org's keys")

// keyCache holds the org's RSA signing keys by kid. A known kid is served
// from memory; an unknown one fetches the key set again at most once per
// refetchEvery, one fetch at a time.
type keyCache struct {
	link orglink.Link

	mu        sync.Mutex
	keys      map[string]*rsa.PublicKey
	lastFetch time.Time
	fetching  chan struct{} // closed when the fetch in progress ends; nil when none
}

func newKeyCache(link orglink.Link) *keyCache {
	return &keyCache{link: link}
}

// key returns the org's key kid.
func (kc *keyCache) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	for {
		kc.mu.Lock()
		if k, ok := kc.keys[kid]; ok {
			kc.mu.Unlock()
			return k, nil
		}
		if ch := kc.fetching; ch != nil {
			kc.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		now := kc.link.Now()
		if !kc.lastFetch.IsZero() && now.Before(kc.lastFetch.Add(refetchEvery)) {
			kc.mu.Unlock()
			return nil, errUnknownKey
		}
		kc.lastFetch = now
		ch := make(chan struct{})
		kc.fetching = ch
		kc.mu.Unlock()
		keys, err := kc.fetch(context.WithoutCancel(ctx))
		kc.mu.Lock()
		if err == nil {
			kc.keys = keys
		}
		kc.fetching = nil
		close(ch)
		kc.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
}

// fetch reads the org's key set: its RSA signing keys, up to maxKeys; keys
// of other types, of another use or algorithm, too small or malformed are
// left out.
func (kc *keyCache) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	body, err := kc.link.Fetch(ctx, "GetKeys", kc.link.OrgURL+keysPath, maxKeysBody)
	if err != nil {
		return nil, err
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, err
	}
	keys := make(map[string]*rsa.PublicKey)
	for _, raw := range set.Keys {
		var k jose.JSONWebKey
		if len(keys) == maxKeys || k.UnmarshalJSON(raw) != nil {
			continue
		}
		pub, ok := k.Key.(*rsa.PublicKey)
		if !ok || k.KeyID == "" || !k.Valid() || pub.N.BitLen() < keyrules.MinRSABits ||
			k.Use != "" && k.Use != "sig" || k.Algorithm != "" && k.Algorithm != string(jose.RS256) {
			continue
		}
		keys[k.KeyID] = pub
	}
	return keys, nil
}
