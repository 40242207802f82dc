package okta

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// dpopKey makes DPoP proofs (RFC 9449,
// https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/)
// with one key: the caller's Configuration.DPoPKey or a P-256 key of its
// own.
//
// A proof is made for every token request and every API request, so it is
// the one JWS this package assembles itself, as base64url(header) "."
// base64url(claims) "." base64url(signature): go-jose's builder costs 1.4x to
// 1.8x a bare P-256 signature, this way about 1.1x. What never changes (the
// protected header with the public JWK, the thumbprint) is encoded once
// here; the ath of a token once per token. The keys are parsed, the
// thumbprint computed and the proofs verified in the tests with go-jose.
type dpopKey struct {
	signer crypto.Signer
	ec     bool   // ES256, whose JWS signature is r||s; else RS256
	header string // base64url of the protected header, then "."
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
	jwk, err := jose.JSONWebKey{Key: pub}.MarshalJSON()
	if err != nil {
		return nil, &ValidationError{Field: "DPoPKey", Reason: "has no JWK form"}
	}
	header, err := json.Marshal(struct {
		Typ string          `json:"typ"`
		Alg string          `json:"alg"`
		JWK json.RawMessage `json:"jwk"`
	}{"dpop+jwt", string(alg), jwk})
	if err != nil {
		return nil, err
	}
	return &dpopKey{signer: s, ec: alg == jose.ES256, header: base64.RawURLEncoding.EncodeToString(header) + "."}, nil
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
	enc := base64.RawURLEncoding
	b := make([]byte, 0, len(k.header)+enc.EncodedLen(len(claims))+1+enc.EncodedLen(256))
	b = append(b, k.header...)
	b = enc.AppendEncode(b, claims)
	digest := sha256.Sum256(b)
	sig, err := k.signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("sign the DPoP proof: %w", err)
	}
	if k.ec {
		if sig, err = rawECDSASignature(sig); err != nil {
			return "", err
		}
	}
	b = append(b, '.')
	return string(enc.AppendEncode(b, sig)), nil
}

// rawECDSASignature turns an ASN.1 ECDSA P-256 signature, as crypto.Signer
// returns it, into JWS's form: r and s, each left-padded to 32 bytes.
func rawECDSASignature(der []byte) ([]byte, error) {
	var sig struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &sig); err != nil || len(rest) > 0 ||
		sig.R.Sign() <= 0 || sig.S.Sign() <= 0 || sig.R.BitLen() > 256 || sig.S.BitLen() > 256 {
		return nil, errors.New("sign the DPoP proof: the signer returned no valid P-256 signature")
	}
	raw := make([]byte, 64)
	sig.R.FillBytes(raw[:32])
	sig.S.FillBytes(raw[32:])
	return raw, nil
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
