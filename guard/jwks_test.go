package guard_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Test RSA keys, made once: key generation is slow.
var (
	keysOnce sync.Once
	rsaKeys  [2]*rsa.PrivateKey
)

// testKey returns the i-th test RSA key (i < 2).
func testKey(t testing.TB, i int) *rsa.PrivateKey {
	t.Helper()
	keysOnce.Do(func() {
		for j := range rsaKeys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			rsaKeys[j] = k
		}
	})
	return rsaKeys[i]
}

// jwksServer serves a JWKS as the org's /oauth2/v1/keys would, and counts
// the fetches.
type jwksServer struct {
	mu      sync.Mutex
	keys    []jose.JSONWebKey
	body    []byte // when set, served instead of keys
	fetches atomic.Int64
}

func newJWKSServer(t testing.TB) *jwksServer {
	j := &jwksServer{}
	j.publish(jose.JSONWebKey{Key: testKey(t, 0).Public(), KeyID: "k1", Algorithm: "RS256", Use: "sig"})
	return j
}

// publish replaces the published keys.
func (j *jwksServer) publish(keys ...jose.JSONWebKey) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.keys, j.body = keys, nil
}

// serveBody makes the server answer body.
func (j *jwksServer) serveBody(body []byte) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.body = body
}

func (j *jwksServer) RoundTrip(r *http.Request) (*http.Response, error) {
	j.fetches.Add(1)
	j.mu.Lock()
	body := j.body
	if body == nil {
		var err error
		if body, err = json.Marshal(jose.JSONWebKeySet{Keys: j.keys}); err != nil {
			j.mu.Unlock()
			return nil, err
		}
	}
	j.mu.Unlock()
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    r,
	}, nil
}

// jtiSeq numbers the tokens' jti.
var jtiSeq atomic.Int64

// logoutToken is what a test's Universal Logout token holds.
type logoutToken struct {
	key      any    // signing key; nil means test key 0
	kid      string // "" means "k1"
	alg      jose.SignatureAlgorithm
	iss, aud string
	iat      time.Time
	exp      time.Time
	nbf      time.Time
	noExp    bool
	extra    map[string]any // more claims
}

// sign returns the token signed.
func (lt logoutToken) sign(t *testing.T) string {
	t.Helper()
	key := lt.key
	if key == nil {
		key = testKey(t, 0)
	}
	kid := lt.kid
	if kid == "" {
		kid = "k1"
	}
	alg := lt.alg
	if alg == "" {
		alg = jose.RS256
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("global-token-revocation+jwt"))
	if err != nil {
		t.Fatal(err)
	}
	c := jwt.Claims{Issuer: lt.iss, Audience: jwt.Audience{lt.aud}, ID: fmt.Sprint("jti", jtiSeq.Add(1)), Subject: "00o1"}
	c.IssuedAt = jwt.NewNumericDate(lt.iat)
	c.NotBefore = jwt.NewNumericDate(lt.nbf)
	if !lt.noExp {
		c.Expiry = jwt.NewNumericDate(lt.exp)
	}
	tok, err := jwt.Signed(signer).Claims(c).Claims(lt.extra).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// errorsAs is errors.As, named for the helpers' readability.
func errorsAs(err error, target any) bool { return errors.As(err, target) }
