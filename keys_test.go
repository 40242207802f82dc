package okta

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/oktasessions/okta-session-go/internal/keys"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test keys, generated once: RSA generation takes a while.
var (
	testRSAKey = sync.OnceValue(func() *rsa.PrivateKey { return must(rsa.GenerateKey(rand.Reader, 2048)) })
	testECKey  = sync.OnceValue(func() *ecdsa.PrivateKey { return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
	// testECKeyPEM is testECKey as a SEC1 PEM, the PrivateKey of most tests.
	testECKeyPEM = sync.OnceValue(func() string { return pemOf("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(testECKey()))) })
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// pemOf encodes DER bytes as a PEM block of the given type.
func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// jwkOf returns key as a JWK in JSON, with kid when not empty.
func jwkOf(t *testing.T, key any, kid string) string {
	t.Helper()
	b, err := jose.JSONWebKey{Key: key, KeyID: kid}.MarshalJSON()
	require.NoError(t, err)
	return string(b)
}

// verifyAssertion checks a client assertion's signature with pub and its
// claims, iat equal to now unless now is zero, and returns its header.
func verifyAssertion(t *testing.T, assertion string, pub crypto.PublicKey, clientID, aud string, now time.Time) jose.Header {
	t.Helper()
	tok, err := jwt.ParseSigned(assertion, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	require.NoError(t, err)
	var claims jwt.Claims
	require.NoError(t, tok.Claims(pub, &claims))
	require.NotNil(t, claims.IssuedAt)
	require.NotNil(t, claims.Expiry)
	iat := claims.IssuedAt.Time()
	if !now.IsZero() {
		assert.Equal(t, now.Unix(), iat.Unix())
	}
	require.NoError(t, claims.Validate(jwt.Expected{Issuer: clientID, Subject: clientID, AnyAudience: jwt.Audience{aud}, Time: iat}))
	assert.NotEmpty(t, claims.ID)
	assert.Equal(t, iat.Add(keys.AssertionLifetime).Unix(), claims.Expiry.Time().Unix())
	return tok.Headers[0]
}

func TestNewAssertionSigner_goodKeys(t *testing.T) {
	rsaKey, ecKey := testRSAKey(), testECKey()
	ecSEC1 := must(x509.MarshalECPrivateKey(ecKey))
	tests := []struct {
		name, key, keyID string
		pub              crypto.PublicKey
		alg, kid         string
	}{
		{"RSA PKCS#1", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), "", &rsaKey.PublicKey, "RS256", ""},
		{"RSA PKCS#8", pemOf("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(rsaKey))), "k1", &rsaKey.PublicKey, "RS256", "k1"},
		{"EC SEC1", pemOf("EC PRIVATE KEY", ecSEC1), "", &ecKey.PublicKey, "ES256", ""},
		{"EC SEC1 after EC PARAMETERS", pemOf("EC PARAMETERS", []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}) + pemOf("EC PRIVATE KEY", ecSEC1), "", &ecKey.PublicKey, "ES256", ""},
		{"EC PKCS#8 with spaces around", "\n  " + pemOf("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(ecKey))) + "\n", "", &ecKey.PublicKey, "ES256", ""},
		{"RSA JWK with its kid", jwkOf(t, rsaKey, "jwk-kid"), "", &rsaKey.PublicKey, "RS256", "jwk-kid"},
		{"EC JWK, PrivateKeyID equal to its kid", jwkOf(t, ecKey, "same"), "same", &ecKey.PublicKey, "ES256", "same"},
		{"EC JWK without kid, PrivateKeyID set", jwkOf(t, ecKey, ""), "given", &ecKey.PublicKey, "ES256", "given"},
	}
	now := time.Unix(1_760_000_000, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := newAssertionSigner(tt.key, tt.keyID)
			require.NoError(t, err)
			a, err := s.Sign("0oa1client", "https://acme.okta.com/oauth2/v1/token", now)
			require.NoError(t, err)
			h := verifyAssertion(t, a, tt.pub, "0oa1client", "https://acme.okta.com/oauth2/v1/token", now)
			assert.Equal(t, tt.alg, h.Algorithm)
			assert.Equal(t, tt.kid, h.KeyID)
			assert.Nil(t, h.JSONWebKey, "the assertion must not embed the key")
			b, err := s.Sign("0oa1client", "https://acme.okta.com/oauth2/v1/token", now)
			require.NoError(t, err)
			assert.NotEqual(t, a, b, "each assertion needs a fresh jti")
		})
	}
}

func TestNewAssertionSigner_badKeys(t *testing.T) {
	small := must(rsa.GenerateKey(rand.Reader, 1024))
	p384 := must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	rsaPKCS1 := pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(testRSAKey()))
	// ecJWK is the test EC key as a JWK with d replaced: go-jose checks
	// only its length.
	ecJWK := func(d []byte) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(jwkOf(t, testECKey(), "")), &m))
		m["d"] = base64.RawURLEncoding.EncodeToString(d)
		return string(must(json.Marshal(m)))
	}
	other := must(must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)).Bytes())
	tests := []struct {
		name, key, keyID, field string
	}{
		{"empty", "", "", "PrivateKey"},
		{"blank", " \n\t", "", "PrivateKey"},
		{"garbage", "not a key at all", "", "PrivateKey"},
		{"broken PEM body", pemOf("RSA PRIVATE KEY", []byte("garbage")), "", "PrivateKey"},
		{"PKCS#1 label on an EC key", pemOf("RSA PRIVATE KEY", must(x509.MarshalECPrivateKey(testECKey()))), "", "PrivateKey"},
		{"public key PEM", pemOf("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(&testRSAKey().PublicKey))), "", "PrivateKey"},
		{"certificate", pemOf("CERTIFICATE", []byte{1, 2, 3}), "", "PrivateKey"},
		{"encrypted PKCS#8", pemOf("ENCRYPTED PRIVATE KEY", []byte{1, 2, 3}), "", "PrivateKey"},
		{"RSA 1024", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(small)), "", "PrivateKey"},
		{"EC P-384", pemOf("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(p384))), "", "PrivateKey"},
		{"Ed25519 PKCS#8", pemOf("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(edKey))), "", "PrivateKey"},
		{"public JWK", jwkOf(t, &testECKey().PublicKey, ""), "", "PrivateKey"},
		{"symmetric JWK", `{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0"}`, "", "PrivateKey"},
		{"broken JWK", `{"kty":"EC","crv":"P-256","d":"AAAA"}`, "", "PrivateKey"},
		{"EC JWK, d of another key", ecJWK(other), "", "PrivateKey"},
		{"EC JWK, zero d", ecJWK(make([]byte, 32)), "", "PrivateKey"},
		{"EC JWK, d past the order", ecJWK(bytes.Repeat([]byte{0xff}, 32)), "", "PrivateKey"},
		{"kid differs from the JWK's", jwkOf(t, testECKey(), "one"), "other", "PrivateKeyID"},
		{"kid with a newline", rsaPKCS1, "k\n1", "PrivateKeyID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := newAssertionSigner(tt.key, tt.keyID)
			assert.Nil(t, s)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			assert.Equal(t, tt.field, ve.Field)
			assertNoKeyMaterial(t, err.Error(), tt.key)
		})
	}
}

// assertNoKeyMaterial fails if text holds any line of key longer than 8
// characters, or any JWK member value of it.
func assertNoKeyMaterial(t *testing.T, text, key string) {
	t.Helper()
	parts := strings.Split(key, "\n")
	var members map[string]any
	if json.Unmarshal([]byte(key), &members) == nil {
		for _, v := range members {
			if s, ok := v.(string); ok {
				parts = append(parts, s)
			}
		}
	}
	for _, p := range parts {
		if p = strings.TrimSpace(p); len(p) > 8 && !strings.HasPrefix(p, "-----") {
			assert.NotContains(t, text, p)
		}
	}
}
