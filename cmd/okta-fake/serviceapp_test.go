package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
)

// writeFile writes data to a new file of the test and returns its path.
func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "key")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// A service app registered from flags gets DPoP-bound tokens, and its
// scopes decide what it may do.
func TestRun_serviceApp(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1"}}})
	require.NoError(t, err)
	jwk, err := json.Marshal(jose.JSONWebKey{Key: &key.PublicKey, KeyID: "k1"})
	require.NoError(t, err)
	private, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)

	for name, public := range map[string][]byte{
		"PEM":  pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
		"JWKS": jwks,
		"JWK":  jwk,
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			args := []string{"-addr", "127.0.0.1:0", "-app-client-id", "0oaFlags", "-app-public-key", writeFile(t, public),
				"-app-key-id", "k1", "-app-scopes", "okta.sessions.read"}
			err := run(args, &out, func() {
				url := orgURL(t, out.String())
				cfg := &okta.Configuration{BasePath: url, ClientID: "0oaFlags", PrivateKeyID: "k1",
					Scopes: []string{"okta.sessions.read"}, PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: private}))}
				api := okta.NewAPIClient(cfg).SessionApi
				_, _, err := api.GetSession(context.Background(), "102nope")
				assert.ErrorIs(t, err, okta.ErrNotFound, "the token has okta.sessions.read")
				_, err = api.EndSession(context.Background(), "102nope")
				var apiErr *okta.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusForbidden, apiErr.StatusCode, "the token lacks okta.sessions.manage")
				require.NotNil(t, apiErr.Challenge)
				assert.Equal(t, "DPoP", apiErr.Challenge.Scheme)
			})
			require.NoError(t, err)
			assert.Contains(t, out.String(), "/oauth2/v1/token")
		})
	}
}

// A service app whose client tells the real time (as one configured from
// the environment does) keeps authenticating however far a suite advances
// the fake's clock: its assertions and proofs hold by the wall clock, and
// the token the fake expires by its own clock is replaced.
func TestRun_serviceAppOnFakeClock(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	private, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	var out bytes.Buffer
	args := []string{"-addr", "127.0.0.1:0", "-token", "00devtoken", "-fake-clock", "-app-client-id", "0oaEnv",
		"-app-public-key", writeFile(t, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}
	err = run(args, &out, func() {
		url := orgURL(t, out.String())
		cfg := &okta.Configuration{BasePath: url, ClientID: "0oaEnv", Scopes: []string{"okta.sessions.read"},
			PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: private}))}
		api := okta.NewAPIClient(cfg).SessionApi
		for _, advance := range []string{"0", "7200000", "31536000000"} { // none, past the token's hour, a year
			if advance != "0" {
				req, err := http.NewRequest(http.MethodPost, url+"/oktatest/v1/clock/advance", strings.NewReader(`{"milliseconds":`+advance+`}`))
				require.NoError(t, err)
				req.Header.Set("Authorization", "SSWS 00devtoken")
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode)
			}
			_, _, err := api.GetSession(context.Background(), "102nope")
			assert.ErrorIs(t, err, okta.ErrNotFound, "authenticated after an advance of %s ms", advance)
		}
	})
	require.NoError(t, err)
}

func TestRun_serviceAppRefused(t *testing.T) {
	for name, args := range map[string][]string{
		"no key":           {"-app-client-id", "0oa1"},
		"no client id":     {"-app-public-key", writeFile(t, []byte("x"))},
		"missing file":     {"-app-client-id", "0oa1", "-app-public-key", filepath.Join(t.TempDir(), "none")},
		"not a key":        {"-app-client-id", "0oa1", "-app-public-key", writeFile(t, []byte("hello"))},
		"a private key":    {"-app-client-id", "0oa1", "-app-public-key", writeFile(t, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}))},
		"a bad JWKS":       {"-app-client-id", "0oa1", "-app-public-key", writeFile(t, []byte(`{"keys":[{"kty":"EC"}]}`))},
		"a bad public PEM": {"-app-client-id", "0oa1", "-app-public-key", writeFile(t, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1}}))},
	} {
		err := run(append([]string{"-addr", "127.0.0.1:0"}, args...), &bytes.Buffer{}, func() { t.Fatalf("%s: served", name) })
		assert.Error(t, err, name)
	}
}
