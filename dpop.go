package okta

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"

	"github.com/go-jose/go-jose/v4"
	"github.com/oktasessions/okta-session-go/internal/dpop"
)

// dpopKey is the client's DPoP key (see dpop.Key); the name is kept for the
// configuration's checks (serviceAppKeys), which build one.
type dpopKey = dpop.Key

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
	pub, alg, err := checkDPoPKey(s)
	if err != nil {
		return nil, err
	}
	k, err := dpop.NewKey(s, pub, alg)
	if err != nil {
		return nil, &ValidationError{Field: "DPoPKey", Reason: "cannot sign with this key"}
	}
	return k, nil
}

// maxDPoPRSABits bounds an RSA DPoPKey: the proof carries the public key,
// and go-jose, as other verifiers, refuses to parse a larger one.
const maxDPoPRSABits = 4096

// checkDPoPKey returns the public key of a DPoPKey and its signature
// algorithm. It refuses, with a *ValidationError naming DPoPKey, a key other
// than RSA (2048 to 4096 bits) or EC P-256, and a Go private key that is not
// whole (see wholeKey).
func checkDPoPKey(s crypto.Signer) (crypto.PublicKey, jose.SignatureAlgorithm, error) {
	pub := publicKey(s)
	alg, err := signatureAlgorithm("DPoPKey", pub)
	if err != nil {
		return nil, "", err
	}
	if k, ok := pub.(*rsa.PublicKey); ok && k.N.BitLen() > maxDPoPRSABits {
		return nil, "", &ValidationError{Field: "DPoPKey", Reason: fmt.Sprintf("is an RSA key longer than %d bits, which a proof cannot carry", maxDPoPRSABits)}
	}
	if !validPublicKey(pub) {
		return nil, "", &ValidationError{Field: "DPoPKey", Reason: "has a public key that is not valid (a point off the curve, a bad RSA exponent)"}
	}
	if !wholeKey(s) {
		return nil, "", &ValidationError{Field: "DPoPKey", Reason: brokenKey}
	}
	return pub, alg, nil
}
