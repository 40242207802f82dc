package oktatest

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"sync"

	"github.com/go-jose/go-jose/v4"
)

// KeysPath is where the org publishes its signing keys, as a JSON Web Key
// Set (RSA, RS256, each with a kid): GET, no credential. Okta signs what it
// sends as the org (Universal Logout requests among them) with these keys.
const KeysPath = "/oauth2/v1/keys"

// signingKeyBits is the size of the org's RSA keys, as Okta's.
const signingKeyBits = 2048

// signingKeys are the org's RSA signing keys: the current one, which signs,
// and the one it replaced, still published so that what it signed before a
// rotation verifies, as Okta keeps a retiring key in its key set for a
// while. The first key is made when first needed: an RSA key takes tens of
// milliseconds to make, which most tests of the fake never need.
type signingKeys struct {
	mu   sync.Mutex
	keys []jose.JSONWebKey // private, current first; at most two
}

// current returns the key that signs, making it if there is none yet.
func (k *signingKeys) current() jose.JSONWebKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.keys) == 0 {
		k.keys = []jose.JSONWebKey{newSigningKey()}
	}
	return k.keys[0]
}

// rotate makes a new current key, keeps the one it replaces published and
// drops the one before; it returns the new key's kid.
func (k *signingKeys) rotate() string {
	key := newSigningKey()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys = append([]jose.JSONWebKey{key}, k.keys[:min(len(k.keys), 1)]...)
	return key.KeyID
}

// public returns the published key set: the public halves, current first.
func (k *signingKeys) public() jose.JSONWebKeySet {
	k.current() // a key set is never empty
	k.mu.Lock()
	defer k.mu.Unlock()
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, len(k.keys))}
	for i, key := range k.keys {
		set.Keys[i] = key.Public()
	}
	return set
}

// newSigningKey makes an RSA key for RS256 signatures, with a random kid.
func newSigningKey() jose.JSONWebKey {
	priv, err := rsa.GenerateKey(rand.Reader, signingKeyBits)
	if err != nil {
		panic("oktatest: generate an RSA key: " + err.Error()) // crypto/rand does not fail
	}
	return jose.JSONWebKey{Key: priv, KeyID: newID("", 43), Algorithm: string(jose.RS256), Use: "sig"}
}

// RotateSigningKey replaces the org's signing key with a new one, and
// returns its kid: what the org signs from now on has it. The key set at
// KeysPath lists the new key first and keeps the one it replaced (so that
// what was signed before still verifies); the key before that is dropped.
func (s *Server) RotateSigningKey() string { return s.keys.rotate() }

// SigningKeys returns the org's published key set, as KeysPath serves it:
// the public keys, the current one (which signs) first.
func (s *Server) SigningKeys() jose.JSONWebKeySet { return s.keys.public() }

// serveKeys answers GET KeysPath with the published key set.
func (s *Server) serveKeys(w http.ResponseWriter, _ *call) {
	writeJSON(w, http.StatusOK, s.keys.public())
}
