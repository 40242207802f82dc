// Package dpop makes the DPoP proofs (RFC 9449) of the client's requests
// and keeps the servers' nonces. Package okta checks the keys (a
// configuration error is an *okta.ValidationError) and hands them here.
package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/cryptosigner"
)

// Key makes DPoP proofs (RFC 9449,
// https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/)
// with one key: the caller's Configuration.DPoPKey or a P-256 key of its
// own.
//
// A proof is made for every token request and every API request, so what
// never changes is made once per key: the protected header (alg, typ
// dpop+jwt, the public jwk), serialized by go-jose itself (see
// protectedHeader). Per proof, only the claims are marshalled, and go-jose's
// cryptosigner signs the JWS signing input (hash, signature, and the JWS
// form of the signature: r||s for ES256). What is left to this code is RFC
// 7515's compact serialization, three base64url parts joined by dots.
//
// Why not a go-jose Signer per proof: its Sign builds the protected header
// as a map for every signature and marshals it three times (to sign, to keep
// each value, to serialize), about 70 allocations and 1.3x-1.45x the bare
// P-256 signature inside the proof, where the budget is 1.3x. Made
// this way a proof costs about 1.1x; a test holds the header byte for byte
// to what a go-jose Signer makes, and every proof verifies with go-jose.
//
// A caller's crypto.Signer other than an *ecdsa.PrivateKey or
// *rsa.PrivateKey (an HSM, a KMS) is wrapped in a CheckedSigner first.
type Key struct {
	signer jose.OpaqueSigner       // go-jose's cryptosigner over the key
	alg    jose.SignatureAlgorithm // ES256 or RS256
	header string                  // the protected header, base64url
}

// NewKey returns the Key of s, a key package okta has checked: pub is its
// public key, alg its algorithm (ES256 or RS256). A signer other than an
// *ecdsa.PrivateKey or *rsa.PrivateKey goes behind a CheckedSigner.
func NewKey(s crypto.Signer, pub crypto.PublicKey, alg jose.SignatureAlgorithm) (*Key, error) {
	switch s.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey:
	default:
		s = CheckedSigner{s, pub}
	}
	k := &Key{signer: cryptosigner.Opaque(s), alg: alg}
	var err error
	if k.header, err = protectedHeader(k.signer, alg); err != nil {
		return nil, err
	}
	return k, nil
}

// protectedHeader returns the base64url protected header that a go-jose
// Signer puts on a DPoP proof signed by s with alg: alg, the public jwk
// (EmbedJWK) and typ dpop+jwt. go-jose serializes it with a signature
// left empty (headerOnly), so making it signs nothing: a caller's HSM is
// not called before the first proof.
func protectedHeader(s jose.OpaqueSigner, alg jose.SignatureAlgorithm) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: headerOnly{s}},
		(&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt"))
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign([]byte("{}"))
	if err != nil {
		return "", err
	}
	compact, err := jws.CompactSerialize()
	if err != nil {
		return "", err
	}
	header, _, _ := strings.Cut(compact, ".")
	return header, nil
}

// headerOnly is an OpaqueSigner that makes no signature: protectedHeader
// has go-jose serialize a header with it.
type headerOnly struct{ jose.OpaqueSigner }

// SignPayload returns an empty signature.
func (headerOnly) SignPayload([]byte, jose.SignatureAlgorithm) ([]byte, error) { return nil, nil }

// Claims are the claims of a DPoP proof.
type Claims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// Proof returns a new DPoP proof for a request: method htm to URL htu
// (without query and fragment, see ProofURL), made at iat, with a fresh
// jti; ath (see TokenHash) for an API request with a DPoP-bound token, nonce
// when the server gave one. Each call makes a new proof: a proof is never
// reused, not even for a retry.
func (k *Key) Proof(htm, htu string, iat time.Time, ath, nonce string) (string, error) {
	claims, err := json.Marshal(Claims{JTI: NewJTI(), HTM: htm, HTU: htu, IAT: iat.Unix(), ATH: ath, Nonce: nonce})
	if err != nil {
		return "", err
	}
	b64 := base64.RawURLEncoding
	// header.claims.signature; an RSA signature is the longest, 512 bytes
	// for a 4096-bit key, and any longer one only grows the buffer.
	jws := make([]byte, 0, len(k.header)+b64.EncodedLen(len(claims))+b64.EncodedLen(512)+2)
	jws = append(jws, k.header...)
	jws = append(jws, '.')
	jws = b64.AppendEncode(jws, claims)
	sig, err := k.signer.SignPayload(jws, k.alg)
	if err != nil {
		return "", fmt.Errorf("sign the DPoP proof: %w", err)
	}
	jws = append(jws, '.')
	return string(b64.AppendEncode(jws, sig)), nil
}

// ErrBadSignature is a CheckedSigner's answer to a signature that does not
// verify.
var ErrBadSignature = errors.New("the DPoPKey signer returned a signature its public key does not verify")

// CheckedSigner is a caller's crypto.Signer whose every signature is verified
// with its public key before go-jose's cryptosigner turns it into a JWS
// signature: a signer that answers garbage (which cryptosigner would pass on,
// or panic on) is an error of that proof. The check doubles the local cost of
// a proof, negligible next to an HSM's or a KMS's own.
type CheckedSigner struct {
	crypto.Signer
	pub crypto.PublicKey // *ecdsa.PublicKey or *rsa.PublicKey
}

// Sign signs digest with the caller's signer and verifies the signature.
func (s CheckedSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	sig, err := s.Signer.Sign(r, digest, opts)
	if err != nil {
		return nil, err
	}
	switch pub := s.pub.(type) {
	case *ecdsa.PublicKey:
		if ecdsa.VerifyASN1(pub, digest, sig) {
			return sig, nil
		}
	case *rsa.PublicKey:
		if rsa.VerifyPKCS1v15(pub, opts.HashFunc(), digest, sig) == nil {
			return sig, nil
		}
	}
	return nil, ErrBadSignature
}

// ProofURL is a proof's htu: the request URL without query and fragment.
func ProofURL(u *url.URL) string {
	v := *u
	v.User, v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = nil, "", false, "", ""
	return v.String()
}

// TokenHash is a proof's ath for an access token: base64url(SHA-256(token)).
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// MaxNonce bounds a DPoP-Nonce the client keeps.
const MaxNonce = 1024

// Nonce is the latest DPoP-Nonce one server (the token endpoint, or the
// API) gave. It is safe for concurrent use.
type Nonce struct{ v atomic.Pointer[string] }

// Get returns the latest nonce, or "".
func (n *Nonce) Get() string {
	if p := n.v.Load(); p != nil {
		return *p
	}
	return ""
}

// Record keeps the DPoP-Nonce of an answer, if it has a valid one (RFC 9449
// section 8.1: 1*NQCHAR, bounded here in length), and returns it.
func (n *Nonce) Record(resp *http.Response) string {
	v := resp.Header.Get("DPoP-Nonce")
	if v == "" || len(v) > MaxNonce {
		return ""
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x21 || c == '"' || c == '\\' || c > 0x7e {
			return ""
		}
	}
	if n.Get() != v { // the same nonce again, as most answers bring, stores nothing
		n.v.Store(&v)
	}
	return v
}

// NewJTI returns a random JWT id: 128 bits, base64url; for proofs and
// package okta's client assertions.
func NewJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}
