package okta

import (
	"crypto"
	"errors"

	"github.com/oktasessions/okta-session-go/internal/keys"
)

// assertionSigner signs the client assertions of "PrivateKey" mode (see
// keys.AssertionSigner); the name is kept for the configuration's checks
// (serviceAppKeys), which build one.
type assertionSigner = keys.AssertionSigner

// newAssertionSigner parses Configuration.PrivateKey (see
// keys.NewAssertionSigner). Every problem is a *ValidationError naming
// PrivateKey or PrivateKeyID; none holds any part of the key.
func newAssertionSigner(data, keyID string) (*assertionSigner, error) {
	s, err := keys.NewAssertionSigner(data, keyID)
	return s, keyProblem(err)
}

// decodePrivateKey reads a PEM private key or a private JWK, returning the
// JWK's kid if it has one (see keys.DecodePrivateKey); a problem is a
// *ValidationError naming PrivateKey. The configuration's loader uses it,
// so that what loads is what signs.
func decodePrivateKey(data string) (crypto.Signer, string, error) {
	key, kid, err := keys.DecodePrivateKey(data)
	return key, kid, keyProblem(err)
}

// keyProblem returns err as a *ValidationError when it is a keys.Problem.
func keyProblem(err error) error {
	var p *keys.Problem
	if errors.As(err, &p) {
		return &ValidationError{Field: p.Field, Reason: p.Reason}
	}
	return err
}
