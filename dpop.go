package okta

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"

	"github.com/oktasessions/okta-session-go/internal/dpop"
	"github.com/oktasessions/okta-session-go/internal/keys"
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
	pub, alg, err := keys.CheckDPoPKey(s)
	if err != nil {
		return nil, keyProblem(err)
	}
	k, err := dpop.NewKey(s, pub, alg)
	if err != nil {
		return nil, &ValidationError{Field: "DPoPKey", Reason: "cannot sign with this key"}
	}
	return k, nil
}
