// Package keys reads and checks the keys of "PrivateKey" mode: the service
// app's private key, which signs client assertions (private_key_jwt, RFC
// 7523), and a caller's DPoPKey. A key it cannot use is a *Problem naming
// the Configuration field, which package okta reports as an
// *okta.ValidationError.
package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/oktasessions/okta-session-go/internal/dpop"
	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/redact"
)

// Problem is a key that cannot be used: the Configuration field, and why.
// It never holds any part of the key.
type Problem struct {
	Field  string
	Reason string
}

// Error returns "Field Reason".
func (p *Problem) Error() string { return p.Field + " " + p.Reason }

// MinRSABits is the shortest RSA key accepted, for the client assertion and
// for DPoP proofs alike (Okta refuses shorter keys), and in the org's key set
// the guard verifies Universal Logout tokens with.
const MinRSABits = 2048

// maxPEMTypeLen bounds the PEM block type quoted in a key error.
const maxPEMTypeLen = 32

// AssertionLifetime is how far ahead of iat a client assertion expires. Okta
// accepts up to one hour; a few minutes limits what a leaked one is worth.
const AssertionLifetime = 5 * time.Minute

// ClientAssertionType is the client_assertion_type of private_key_jwt
// (RFC 7523 section 2.2).
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// AssertionSigner signs the client assertions of one service app
// (private_key_jwt, RFC 7523), with go-jose.
type AssertionSigner struct {
	signer jose.Signer // RS256 or ES256, with the kid header when known
}

// NewAssertionSigner parses Configuration.PrivateKey: PEM (PKCS#1, PKCS#8 or
// SEC1; RSA of at least 2048 bits or EC P-256) or a private JWK as JSON. The
// kid is keyID, else the JWK's own kid. Every problem is a *Problem
// naming PrivateKey or PrivateKeyID; none holds any part of the key.
func NewAssertionSigner(data, keyID string) (*AssertionSigner, error) {
	key, jwkID, err := DecodePrivateKey(strings.TrimSpace(data))
	if err != nil {
		return nil, err
	}
	alg, err := signatureAlgorithm("PrivateKey", key.Public())
	if err != nil {
		return nil, err
	}
	if !wholeKey(key) {
		return nil, keyError(brokenKey)
	}
	switch {
	case !httpx.ValidHeaderValue(keyID): // it goes in a header
		return nil, &Problem{Field: "PrivateKeyID", Reason: "contains a control character"}
	case keyID != "" && jwkID != "" && keyID != jwkID:
		return nil, &Problem{Field: "PrivateKeyID", Reason: "differs from the kid of the PrivateKey JWK"}
	case keyID == "":
		keyID = jwkID
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: keyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, keyError("cannot sign with this key")
	}
	return &AssertionSigner{signer: signer}, nil
}

// Sign returns a fresh client assertion: iss = sub = clientID, aud = the
// token endpoint URL, a random jti, iat now and exp AssertionLifetime later.
func (a *AssertionSigner) Sign(clientID, audience string, now time.Time) (string, error) {
	claims := jwt.Claims{
		Issuer:   clientID,
		Subject:  clientID,
		Audience: jwt.Audience{audience},
		ID:       dpop.NewJTI(),
		IssuedAt: jwt.NewNumericDate(now),
		Expiry:   jwt.NewNumericDate(now.Add(AssertionLifetime)),
	}
	s, err := jwt.Signed(a.signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("sign the client assertion: %w", err)
	}
	return s, nil
}

// validPublicKey reports whether pub, an *ecdsa.PublicKey or *rsa.PublicKey
// that signatureAlgorithm accepted, can verify anything: a point on its
// curve, an odd RSA exponent of at least 3 that fits an int32. A caller's
// signer may report any public key; every signature it made would then
// fail checkedSigner's check.
func validPublicKey(pub crypto.PublicKey) bool {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.X == nil || k.Y == nil {
			return false
		}
		_, err := k.ECDH()
		return err == nil
	case *rsa.PublicKey:
		return k.E >= 3 && k.E%2 == 1 && k.E <= 1<<31-1
	}
	return false
}

// brokenKey is the reason of a key that wholeKey refuses.
const brokenKey = "is a private key whose parts are missing or do not match"

// wholeKey reports whether an *ecdsa.PrivateKey or *rsa.PrivateKey is whole:
// its private half present, in range, and the one of its public half (other
// signers are taken as they are). Go signs with a mismatched EC key without
// complaint, making signatures no server accepts, and panics on one without
// D; go-jose reads an EC JWK's d without checking it against x and y.
func wholeKey(s crypto.Signer) bool {
	switch k := s.(type) {
	case *ecdsa.PrivateKey:
		if k.D == nil || k.X == nil || k.Y == nil {
			return false
		}
		raw, err := k.Bytes() // an error for a D out of range
		if err != nil {
			return false
		}
		derived, err := ecdsa.ParseRawPrivateKey(k.Curve, raw)
		return err == nil && derived.PublicKey.Equal(&k.PublicKey)
	case *rsa.PrivateKey:
		return k.Validate() == nil
	}
	return true
}

// keyError is the Problem of an unusable PrivateKey.
func keyError(reason string) error {
	return &Problem{Field: "PrivateKey", Reason: reason}
}

// DecodePrivateKey reads a PEM private key or a private JWK, returning the
// JWK's kid if it has one.
func DecodePrivateKey(data string) (crypto.Signer, string, error) {
	if data == "" {
		return nil, "", keyError("is empty")
	}
	if strings.HasPrefix(data, "{") {
		var jwk jose.JSONWebKey
		if jwk.UnmarshalJSON([]byte(data)) != nil {
			return nil, "", keyError("is not a valid JWK")
		}
		if jwk.IsPublic() {
			return nil, "", keyError("is a public JWK; want the private key")
		}
		signer, ok := jwk.Key.(crypto.Signer)
		if !ok {
			return nil, "", keyError("must be an RSA or EC P-256 key")
		}
		return signer, jwk.KeyID, nil
	}
	rest := []byte(data)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		switch {
		case block == nil:
			return nil, "", keyError("is neither a PEM private key nor a JWK")
		case block.Type == "EC PARAMETERS": // openssl ecparam -genkey writes these first
			continue
		}
		key, err := parsePEMKey(block)
		return key, "", err
	}
}

// parsePEMKey parses one PEM block holding a private key.
func parsePEMKey(block *pem.Block) (crypto.Signer, error) {
	var (
		key any
		err error
	)
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "ENCRYPTED PRIVATE KEY":
		return nil, keyError("is encrypted; give the unencrypted PEM")
	default:
		return nil, keyError("is a PEM " + redact.ServerText(block.Type, maxPEMTypeLen) + ", not a private key")
	}
	if err != nil {
		return nil, keyError("is not a valid " + block.Type)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, keyError("must be an RSA or EC P-256 key")
	}
	return signer, nil
}

// signatureAlgorithm returns the JWS algorithm for a public key: RS256 for
// RSA of at least MinRSABits, ES256 for EC P-256. Anything else, a nil key
// included, is a *Problem for field.
func signatureAlgorithm(field string, pub crypto.PublicKey) (jose.SignatureAlgorithm, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k != nil && k.N != nil && k.N.BitLen() >= MinRSABits {
			return jose.RS256, nil
		}
		return "", &Problem{Field: field, Reason: fmt.Sprintf("is an RSA key shorter than %d bits", MinRSABits)}
	case *ecdsa.PublicKey:
		if k != nil && k.Curve == elliptic.P256() {
			return jose.ES256, nil
		}
	}
	return "", &Problem{Field: field, Reason: "must be an RSA or EC P-256 key"}
}

// publicKey returns s.Public(), or nil when s is nil or a typed nil
// pointer, whose Public would panic.
func publicKey(s crypto.Signer) crypto.PublicKey {
	if s == nil {
		return nil
	}
	if v := reflect.ValueOf(s); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	return s.Public()
}

// maxDPoPRSABits bounds an RSA DPoPKey: the proof carries the public key,
// and go-jose, as other verifiers, refuses to parse a larger one.
const maxDPoPRSABits = 4096

// CheckDPoPKey returns the public key of a DPoPKey and its signature
// algorithm. It refuses, with a *Problem naming DPoPKey, a key other
// than RSA (2048 to 4096 bits) or EC P-256, and a Go private key that is not
// whole (see wholeKey).
func CheckDPoPKey(s crypto.Signer) (crypto.PublicKey, jose.SignatureAlgorithm, error) {
	pub := publicKey(s)
	alg, err := signatureAlgorithm("DPoPKey", pub)
	if err != nil {
		return nil, "", err
	}
	if k, ok := pub.(*rsa.PublicKey); ok && k.N.BitLen() > maxDPoPRSABits {
		return nil, "", &Problem{Field: "DPoPKey", Reason: fmt.Sprintf("is an RSA key longer than %d bits, which a proof cannot carry", maxDPoPRSABits)}
	}
	if !validPublicKey(pub) {
		return nil, "", &Problem{Field: "DPoPKey", Reason: "has a public key that is not valid (a point off the curve, a bad RSA exponent)"}
	}
	if !wholeKey(s) {
		return nil, "", &Problem{Field: "DPoPKey", Reason: brokenKey}
	}
	return pub, alg, nil
}
