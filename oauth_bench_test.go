package okta

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/dpop"
)

// The cost of a DPoP proof against the bare P-256 signature inside it:
//
//	go test -run '^$' -bench 'GetSessionDPoP|Proof' -benchmem -count 8
//
// The budget of a proof (claims marshalled, signed by go-jose's cryptosigner
// under a header made once per key) is 1.3x the signature; dpopKey says what
// it costs and why.

// BenchmarkProofBareSignature is one ecdsa.SignASN1 of a SHA-256 digest.
func BenchmarkProofBareSignature(b *testing.B) {
	key := testECKey()
	digest := sha256.Sum256([]byte("eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJqdGkiOiJ4In0"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ecdsa.SignASN1(rand.Reader, key, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProofDPoP is one API request's proof: htm, htu, iat, jti, ath
// and a nonce.
func BenchmarkProofDPoP(b *testing.B) {
	k, err := newDPoPKey(testECKey())
	if err != nil {
		b.Fatal(err)
	}
	ath := dpop.TokenHash("eyJraWQiOiJhY2Nlc3MtdG9rZW4ifQ.an-access-token.signature")
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Proof("GET", "https://acme.okta.com/api/v1/sessions/102hT2vn7f4Y", now, ath, "eyJ7S_zG.eyJH0-Z.HX4w-7v"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetSessionDPoP is a whole GetSession against a local server,
// with an API token (SSWS) and in "PrivateKey" mode with a DPoP-bound token
// (cached: the token request is not in the loop), serially:
//
//	go test -run '^$' -bench 'GetSessionDPoP|Proof' -benchmem -count 8
func BenchmarkGetSessionDPoP(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == auth.TokenPath {
			grant(w, "DPoP", "eyJraWQiOiJhY2Nlc3MtdG9rZW4ifQ.an-access-token.signature")
			return
		}
		writeJSON(w, http.StatusOK, sessionJSON)
	}))
	b.Cleanup(srv.Close)
	for _, bc := range []struct {
		name string
		cfg  Configuration
	}{
		{"SSWS", Configuration{BasePath: srv.URL, APIToken: testToken}},
		{"DPoP", Configuration{BasePath: srv.URL, ClientID: testClientID, Scopes: []string{"okta.sessions.read"},
			PrivateKey: testECKeyPEM()}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			client := NewAPIClient(&bc.cfg)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := client.SessionApi.GetSession(ctx, testSessionID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
