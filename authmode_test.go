package okta

import (
	"crypto/ecdsa"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func TestConfiguration_validateAuthorization(t *testing.T) {
	key := testECKeyPEM()
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "at"})
	var nilTS *ptrTokenSource
	var nilEC *ecdsa.PrivateKey
	privateKey := func(c Configuration) Configuration {
		c.ClientID, c.Scopes, c.PrivateKey = "0oa1", []string{"okta.sessions.read"}, key
		return c
	}
	ok := []struct {
		name string
		cfg  Configuration
	}{
		{"no credential", Configuration{}},
		{"implied SSWS", Configuration{APIToken: "t"}},
		{"SSWS", Configuration{AuthorizationMode: "SSWS", APIToken: "t"}},
		{"implied Bearer", Configuration{TokenSource: ts}},
		{"Bearer", Configuration{AuthorizationMode: "Bearer", TokenSource: ts}},
		{"implied PrivateKey", privateKey(Configuration{})},
		{"PrivateKey with kid and DPoP key", privateKey(Configuration{AuthorizationMode: "PrivateKey", PrivateKeyID: "kid", DPoPKey: testECKey()})},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.validateAuthorization()
			assert.NoError(t, err)
		})
	}
	bad := []struct {
		name, field string
		cfg         Configuration
	}{
		{"unknown mode", "AuthorizationMode", Configuration{AuthorizationMode: "sso", APIToken: "t"}},
		{"mode in the wrong case", "AuthorizationMode", Configuration{AuthorizationMode: "privatekey"}},
		{"SSWS without a token", "APIToken", Configuration{AuthorizationMode: "SSWS"}},
		{"SSWS token with a newline", "APIToken", Configuration{APIToken: "t\n"}},
		{"Bearer without a source", "TokenSource", Configuration{AuthorizationMode: "Bearer"}},
		{"Bearer with a typed nil source", "TokenSource", Configuration{TokenSource: nilTS}},
		{"PrivateKey without fields", "ClientID", Configuration{AuthorizationMode: "PrivateKey"}},
		{"PrivateKey without scopes", "Scopes", Configuration{ClientID: "0oa1", PrivateKey: key}},
		{"PrivateKey with an empty scope", "Scopes", Configuration{ClientID: "0oa1", PrivateKey: key, Scopes: []string{""}}},
		{"PrivateKey with a spaced scope", "Scopes", Configuration{ClientID: "0oa1", PrivateKey: key, Scopes: []string{"a b"}}},
		{"PrivateKey without a key", "PrivateKey", Configuration{ClientID: "0oa1", Scopes: []string{"s"}}},
		{"PrivateKey with a bad key", "PrivateKey", Configuration{ClientID: "0oa1", Scopes: []string{"s"}, PrivateKey: "nope"}},
		{"PrivateKey with a typed nil DPoP key", "DPoPKey", privateKey(Configuration{DPoPKey: nilEC})},
		{"ClientID with a newline", "ClientID", Configuration{ClientID: "0oa\n", Scopes: []string{"s"}, PrivateKey: key}},
		{"API token and token source", "TokenSource", Configuration{APIToken: "t", TokenSource: ts}},
		{"API token and a private key", "ClientID", privateKey(Configuration{APIToken: "t"})},
		{"two credentials, mode given", "TokenSource", Configuration{AuthorizationMode: "PrivateKey", TokenSource: ts, PrivateKey: key}},
		{"SSWS with a client id", "ClientID", Configuration{AuthorizationMode: "SSWS", APIToken: "t", ClientID: "0oa1"}},
		{"PrivateKey mode with an API token only", "APIToken", Configuration{AuthorizationMode: "PrivateKey", APIToken: "t"}},
		{"Bearer mode with a DPoP key only", "DPoPKey", Configuration{AuthorizationMode: "Bearer", DPoPKey: testECKey()}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.validateAuthorization()
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			assert.Equal(t, tt.field, ve.Field)
			assertNoKeyMaterial(t, err.Error(), key)
		})
	}
}

// ptrTokenSource is a TokenSource whose nil pointer would panic.
type ptrTokenSource struct{ tok *oauth2.Token }

func (s *ptrTokenSource) Token() (*oauth2.Token, error) { return s.tok, nil }
