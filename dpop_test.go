package okta

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-jose/go-jose/v4"
	"github.com/oktasessions/okta-session-go/internal/dpop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verifyProof checks a DPoP proof with go-jose, as a server would: typ, alg,
// the embedded public JWK (no private parts), the signature by that key. It
// returns the claims and the JWK.
func verifyProof(t *testing.T, proof string) (dpop.Claims, jose.JSONWebKey) {
	t.Helper()
	jws, err := jose.ParseSignedCompact(proof, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	require.NoError(t, err)
	require.Len(t, jws.Signatures, 1)
	h := jws.Signatures[0].Protected
	assert.Equal(t, "dpop+jwt", h.ExtraHeaders[jose.HeaderType])
	require.NotNil(t, h.JSONWebKey, "the proof must carry its jwk")
	assert.True(t, h.JSONWebKey.IsPublic(), "the jwk must be public")
	payload, err := jws.Verify(h.JSONWebKey)
	require.NoError(t, err, "the proof's signature must verify with its jwk")
	var c dpop.Claims
	require.NoError(t, json.Unmarshal(payload, &c))
	return c, *h.JSONWebKey
}

func TestDPoPKey_proof(t *testing.T) {
	rsaKey := testRSAKey()
	for _, tt := range []struct {
		name   string
		signer crypto.Signer
		alg    string
	}{
		{"generated P-256", nil, "ES256"},
		{"caller's P-256", testECKey(), "ES256"},
		{"caller's RSA", rsaKey, "RS256"},
		{"caller's P-256 signer (HSM)", hsmSigner{testECKey()}, "ES256"},
		{"caller's RSA signer (HSM)", hsmSigner{rsaKey}, "RS256"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k, err := newDPoPKey(tt.signer)
			require.NoError(t, err)
			iat := time.Unix(1_760_000_000, 0)
			p1, err := k.Proof("GET", "https://acme.okta.com/api/v1/sessions/abc", iat, dpop.TokenHash("tok"), "n-1")
			require.NoError(t, err)
			c, jwk := verifyProof(t, p1)
			assert.Equal(t, dpop.Claims{JTI: c.JTI, HTM: "GET", HTU: "https://acme.okta.com/api/v1/sessions/abc", IAT: iat.Unix(), ATH: dpop.TokenHash("tok"), Nonce: "n-1"}, c)
			assert.NotEmpty(t, c.JTI)
			assert.Equal(t, tt.alg, mustHeaderAlg(t, p1))
			if tt.signer != nil {
				assert.Equal(t, tt.signer.Public(), jwk.Key)
			}
			p2, err := k.Proof("POST", "https://acme.okta.com/oauth2/v1/token", iat, "", "")
			require.NoError(t, err)
			c2, _ := verifyProof(t, p2)
			assert.NotEqual(t, c.JTI, c2.JTI, "every proof needs its own jti")
			assert.Empty(t, c2.ATH)
			assert.Empty(t, c2.Nonce)
			assert.NotContains(t, p2, `"ath"`)
		})
	}
}

// TestDPoPKey_headerIsGoJoses holds the protected header that newDPoPKey
// makes once to what a go-jose Signer with the same key makes for every
// proof, byte for byte: alg, the embedded public jwk, typ.
func TestDPoPKey_headerIsGoJoses(t *testing.T) {
	ec, rsaKey := testECKey(), testRSAKey()
	for _, tt := range []struct {
		name   string
		signer crypto.Signer // given to newDPoPKey
		key    any           // given to go-jose
		alg    jose.SignatureAlgorithm
	}{
		{"P-256", ec, ec, jose.ES256},
		{"RSA", rsaKey, rsaKey, jose.RS256},
		{"P-256 signer (HSM)", hsmSigner{ec}, ec, jose.ES256},
		{"RSA signer (HSM)", hsmSigner{rsaKey}, rsaKey, jose.RS256},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k, err := newDPoPKey(tt.signer)
			require.NoError(t, err)
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: tt.alg, Key: tt.key},
				(&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt"))
			require.NoError(t, err)
			jws, err := signer.Sign([]byte(`{"jti":"x"}`))
			require.NoError(t, err)
			want, err := jws.CompactSerialize()
			require.NoError(t, err)
			p, err := k.Proof("GET", "https://acme.okta.com/", time.Now(), "", "")
			require.NoError(t, err)
			assert.Equal(t, strings.SplitN(want, ".", 2)[0], strings.SplitN(p, ".", 2)[0])
		})
	}
}

// mustHeaderAlg returns the alg of a compact JWS.
func mustHeaderAlg(t *testing.T, jws string) string {
	t.Helper()
	h, err := base64.RawURLEncoding.DecodeString(strings.SplitN(jws, ".", 2)[0])
	require.NoError(t, err)
	var v struct{ Alg string }
	require.NoError(t, json.Unmarshal(h, &v))
	return v.Alg
}

// TestDPoPKey_proofShortRS makes proofs until one has an r or s with a
// leading zero byte (about 1 in 128), which must be padded to 32 bytes.
func TestDPoPKey_proofShortRS(t *testing.T) {
	k, err := newDPoPKey(testECKey())
	require.NoError(t, err)
	for i := 0; i < 5000; i++ {
		p, err := k.Proof("GET", "https://acme.okta.com/", time.Now(), "", "")
		require.NoError(t, err)
		sig, err := base64.RawURLEncoding.DecodeString(p[strings.LastIndexByte(p, '.')+1:])
		require.NoError(t, err)
		require.Len(t, sig, 64)
		if sig[0] == 0 || sig[32] == 0 {
			verifyProof(t, p)
			return
		}
	}
	t.Fatal("no signature with a short r or s in 5000 tries")
}

// hsmSigner hides the type of a key, as an HSM's or a KMS's crypto.Signer
// would.
type hsmSigner struct{ crypto.Signer }

// stubSigner is a crypto.Signer with a fixed public key and answer.
type stubSigner struct {
	pub crypto.PublicKey
	sig []byte
	err error
}

func (s stubSigner) Public() crypto.PublicKey { return s.pub }
func (s stubSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return s.sig, s.err
}

// newDPoPKey, and Validate before it, refuse a key they cannot sign with,
// and a Go private key whose parts are missing or do not match: Go would
// sign with a mismatched EC key without complaint (proofs no server accepts)
// and panic on an EC key without D.
func TestNewDPoPKey_refused(t *testing.T) {
	p384 := must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))
	var nilEC *ecdsa.PrivateKey
	ec, other := testECKey(), must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	rsaKey, otherRSA := testRSAKey(), must(rsa.GenerateKey(rand.Reader, 2048))
	for _, tt := range []struct {
		name   string
		signer crypto.Signer
	}{
		{"typed nil", nilEC},
		{"P-384", p384},
		{"nil public key", stubSigner{}},
		{"typed nil public key", stubSigner{pub: (*ecdsa.PublicKey)(nil)}},
		{"EC, public half of another key", &ecdsa.PrivateKey{PublicKey: other.PublicKey, D: ec.D}},
		{"EC, no D", &ecdsa.PrivateKey{PublicKey: ec.PublicKey}},
		{"EC, zero D", &ecdsa.PrivateKey{PublicKey: ec.PublicKey, D: new(big.Int)}},
		{"EC, D past the order", &ecdsa.PrivateKey{PublicKey: ec.PublicKey, D: new(big.Int).Lsh(big.NewInt(1), 300)}},
		{"EC, no X", &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: elliptic.P256(), Y: ec.Y}, D: ec.D}},
		{"RSA, primes of another key", &rsa.PrivateKey{PublicKey: rsaKey.PublicKey, D: otherRSA.D, Primes: otherRSA.Primes}},
		{"RSA, no D", &rsa.PrivateKey{PublicKey: rsaKey.PublicKey, Primes: rsaKey.Primes}},
		{"RSA over 4096 bits", stubSigner{pub: &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 8191), E: 65537}}},
		{"signer, P-256 public key without X and Y", stubSigner{pub: &ecdsa.PublicKey{Curve: elliptic.P256()}}},
		{"signer, P-256 public key off the curve", stubSigner{pub: &ecdsa.PublicKey{Curve: elliptic.P256(), X: big.NewInt(1), Y: big.NewInt(2)}}},
		{"signer, RSA exponent 1", stubSigner{pub: &rsa.PublicKey{N: rsaKey.N, E: 1}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ve *ValidationError
			_, err := newDPoPKey(tt.signer)
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			assert.Equal(t, "DPoPKey", ve.Field)

			cfg := &Configuration{Subdomain: "acme", ClientID: testClientID, Scopes: []string{"okta.sessions.read"},
				PrivateKey: testECKeyPEM(), DPoPKey: tt.signer}
			require.ErrorAs(t, cfg.Validate(), &ve)
			assert.Equal(t, "DPoPKey", ve.Field)
		})
	}
}

// TestDPoPKey_proofSignerFails gives newDPoPKey a caller's signer that fails
// or answers a signature its public key does not verify: the proof is an
// error, never a panic or a proof a server would refuse.
func TestDPoPKey_proofSignerFails(t *testing.T) {
	ec, rsa := &testECKey().PublicKey, &testRSAKey().PublicKey
	for _, tt := range []struct {
		name string
		pub  crypto.PublicKey
		sig  []byte
		err  error
	}{
		{"error", ec, nil, errors.New("HSM offline")},
		{"not DER", ec, []byte("garbage"), nil},
		{"trailing data", ec, append(must(asn1Sig(big.NewInt(1), big.NewInt(2))), 0), nil},
		{"zero r", ec, must(asn1Sig(big.NewInt(0), big.NewInt(2))), nil},
		{"r too long", ec, must(asn1Sig(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(2))), nil},
		{"wrong signature", ec, must(asn1Sig(big.NewInt(1), big.NewInt(2))), nil},
		{"RSA, wrong signature", rsa, make([]byte, 256), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k, err := newDPoPKey(stubSigner{pub: tt.pub, sig: tt.sig, err: tt.err})
			require.NoError(t, err)
			p, err := k.Proof("GET", "https://acme.okta.com/", time.Now(), "", "")
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
			} else {
				assert.ErrorIs(t, err, dpop.ErrBadSignature, "checkedSigner refuses it before cryptosigner sees it")
			}
			assert.Empty(t, p)
		})
	}
}

func TestProofURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://acme.okta.com/api/v1/sessions/a%2Fb?x=1#frag": "https://acme.okta.com/api/v1/sessions/a%2Fb",
		"https://u:p@acme.okta.com:8443/api/v1/sessions/abc?":  "https://acme.okta.com:8443/api/v1/sessions/abc",
		"http://127.0.0.1:1234/oauth2/v1/token":                "http://127.0.0.1:1234/oauth2/v1/token",
	} {
		assert.Equal(t, want, dpop.ProofURL(must(url.Parse(in))), in)
	}
}

func TestTokenHash(t *testing.T) {
	sum := sha256.Sum256([]byte("an-access-token"))
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(sum[:]), dpop.TokenHash("an-access-token"))
}

func TestDPoPNonce_record(t *testing.T) {
	var n dpop.Nonce
	for _, tt := range []struct{ header, want string }{
		{"", ""},
		{"abc-123_~", "abc-123_~"},
		{"with space", ""},
		{`quote"`, ""},
		{"back\\slash", ""},
		{"ünïcode", ""},
		{strings.Repeat("n", dpop.MaxNonce+1), ""},
	} {
		resp := &http.Response{Header: http.Header{}}
		if tt.header != "" {
			resp.Header.Set("DPoP-Nonce", tt.header)
		}
		assert.Equal(t, tt.want, n.Record(resp), "%q", tt.header)
	}
	assert.Equal(t, "abc-123_~", n.Get(), "a refused nonce does not replace the last good one")
}

// asn1Sig encodes r and s as an ASN.1 ECDSA signature.
func asn1Sig(r, s *big.Int) ([]byte, error) {
	return asn1.Marshal(struct{ R, S *big.Int }{r, s})
}

// FuzzDPoPProof checks that a proof for any request URL and any nonce a
// server may set (what the client keeps of a DPoP-Nonce header) is a JWS
// that go-jose parses and verifies, carrying exactly those claims.
//
//	go test -run '^$' -fuzz FuzzDPoPProof -fuzztime 30s
func FuzzDPoPProof(f *testing.F) {
	f.Add("https://acme.okta.com/api/v1/sessions/102abc", "eyJ7S_zG.eyJH0-Z.HX4w-7v")
	f.Add("https://acme.okta.com/api/v1/sessions/a%2F%22b\u2028", "")
	f.Add("http://127.0.0.1:8089/oauth2/v1/token", "!#$%&'()*+,-./:;<=>?@[]^_`{|}~")
	k, err := newDPoPKey(testECKey())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, htu, nonce string) {
		resp := &http.Response{Header: http.Header{}}
		resp.Header.Set("DPoP-Nonce", nonce)
		var n dpop.Nonce
		nonce = n.Record(resp) // only what the client would keep
		p, err := k.Proof("GET", htu, time.Unix(1_760_000_000, 0), dpop.TokenHash("tok"), nonce)
		require.NoError(t, err)
		jws, err := jose.ParseSignedCompact(p, []jose.SignatureAlgorithm{jose.ES256})
		require.NoError(t, err)
		payload, err := jws.Verify(&testECKey().PublicKey)
		require.NoError(t, err)
		var c dpop.Claims
		require.NoError(t, json.Unmarshal(payload, &c))
		if utf8.ValidString(htu) { // encoding/json writes U+FFFD for invalid UTF-8
			assert.Equal(t, htu, c.HTU)
		}
		assert.Equal(t, nonce, c.Nonce)
	})
}
