package okta

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
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
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/cryptosigner"
)

// dpopKey makes DPoP proofs (RFC 9449,
// https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/)
// with one key: the caller's Configuration.DPoPKey or a P-256 key of its
// own.
//
// A proof is made for every token request and every API request, so what
// never changes is prepared once per key: one go-jose Signer with the typ
// header and the public JWK, made once by go-jose and handed back to it as a
// header value (go-jose's EmbedJWK makes it again for every proof: 1.5x the
// signature). Per proof, only the claims are marshalled and signed; the ath of
// a token is hashed once per token. A proof then costs about 1.4x the bare
// P-256 signature inside it. The rest is go-jose's: for every signature it
// builds the protected header as a map and marshals it, then each of its
// values again, then the whole again for CompactSerialize (about 60
// allocations); none of that can be cached from outside go-jose.
//
// An *ecdsa.PrivateKey or *rsa.PrivateKey is handed to go-jose as it is; any
// other crypto.Signer (an HSM, a KMS) goes through go-jose's cryptosigner,
// behind a checkedSigner.
type dpopKey struct {
	signer jose.Signer // ES256 or RS256, typ dpop+jwt, jwk
}

// newDPoPKey returns a dpopKey for s, or for a new P-256 key when s is nil.
// A typed nil, or a key other than RSA (2048 bits or more) or EC P-256, is a
// *ValidationError naming DPoPKey.
func newDPoPKey(s crypto.Signer) (*dpopKey, error) {
	if s == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generate the DPoP key: %w", err)
		}
		s = k
	}
	pub := publicKey(s)
	alg, err := signatureAlgorithm("DPoPKey", pub)
	if err != nil {
		return nil, err
	}
	jwk, err := newJWKHeader(pub)
	if err != nil {
		return nil, err
	}
	var key any = s
	switch s.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey:
	default:
		key = cryptosigner.Opaque(checkedSigner{s, pub})
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key},
		(&jose.SignerOptions{}).WithType("dpop+jwt").WithHeader("jwk", jwk))
	if err != nil {
		return nil, &ValidationError{Field: "DPoPKey", Reason: "cannot sign with this key"}
	}
	return &dpopKey{signer: signer}, nil
}

// jwkHeader is the jwk header of a proof: the members of the public JWK that
// go-jose makes for the key. go-jose's encoder writes these strings as they
// are, where it would re-validate a json.RawMessage three times per proof
// (to sign the header, to keep each of its values, and for
// CompactSerialize).
type jwkHeader struct {
	Kty string `json:"kty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
}

// newJWKHeader returns the jwk header for pub, an RSA or EC public key.
func newJWKHeader(pub crypto.PublicKey) (jwkHeader, error) {
	var h jwkHeader
	b, err := jose.JSONWebKey{Key: pub}.MarshalJSON()
	if err == nil {
		d := json.NewDecoder(bytes.NewReader(b))
		d.DisallowUnknownFields() // a member go-jose adds one day is not dropped
		err = d.Decode(&h)
	}
	if err != nil {
		return h, &ValidationError{Field: "DPoPKey", Reason: "has no JWK form"}
	}
	return h, nil
}

// proofClaims are the claims of a DPoP proof.
type proofClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// proof returns a new DPoP proof for a request: method htm to URL htu
// (without query and fragment, see proofURL), made at iat, with a fresh
// jti; ath (see tokenHash) for an API request with a DPoP-bound token, nonce
// when the server gave one. Each call makes a new proof: a proof is never
// reused, not even for a retry.
func (k *dpopKey) proof(htm, htu string, iat time.Time, ath, nonce string) (string, error) {
	claims, err := json.Marshal(proofClaims{JTI: newJTI(), HTM: htm, HTU: htu, IAT: iat.Unix(), ATH: ath, Nonce: nonce})
	if err != nil {
		return "", err
	}
	jws, err := k.signer.Sign(claims)
	if err != nil {
		return "", fmt.Errorf("sign the DPoP proof: %w", err)
	}
	return jws.CompactSerialize()
}

// errBadSignature is a checkedSigner's answer to a signature that does not
// verify.
var errBadSignature = errors.New("the DPoPKey signer returned a signature its public key does not verify")

// checkedSigner is a caller's crypto.Signer whose every signature is verified
// with its public key before go-jose's cryptosigner turns it into a JWS
// signature: a signer that answers garbage (which cryptosigner would pass on,
// or panic on) is an error of that proof. The check doubles the local cost of
// a proof, negligible next to an HSM's or a KMS's own.
type checkedSigner struct {
	crypto.Signer
	pub crypto.PublicKey // *ecdsa.PublicKey or *rsa.PublicKey
}

// Sign signs digest with the caller's signer and verifies the signature.
func (s checkedSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
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
	return nil, errBadSignature
}

// proofURL is a proof's htu: the request URL without query and fragment.
func proofURL(u *url.URL) string {
	v := *u
	v.User, v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = nil, "", false, "", ""
	return v.String()
}

// tokenHash is a proof's ath for an access token: base64url(SHA-256(token)).
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// maxNonce bounds a DPoP-Nonce the client keeps.
const maxNonce = 1024

// dpopNonce is the latest DPoP-Nonce one server (the token endpoint, or the
// API) gave. It is safe for concurrent use.
type dpopNonce struct{ v atomic.Pointer[string] }

// get returns the latest nonce, or "".
func (n *dpopNonce) get() string {
	if p := n.v.Load(); p != nil {
		return *p
	}
	return ""
}

// record keeps the DPoP-Nonce of an answer, if it has a valid one (RFC 9449
// section 8.1: 1*NQCHAR, bounded here in length), and returns it.
func (n *dpopNonce) record(resp *http.Response) string {
	v := resp.Header.Get("DPoP-Nonce")
	if v == "" || len(v) > maxNonce {
		return ""
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x21 || c == '"' || c == '\\' || c > 0x7e {
			return ""
		}
	}
	n.v.Store(&v)
	return v
}
