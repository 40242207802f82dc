package guard_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
)

const aliceBody = `{"subject":{"format":"email","email":"alice@example.com"}}`

func TestUniversalLogoutAuthentication(t *testing.T) {
	o := newOrg(t)
	for _, tc := range badAuthorizations(o) {
		t.Run(tc.name, func(t *testing.T) {
			g := o.guard(t, guard.Options{})
			if w := o.send(g, tc.auth(t), aliceBody); w.Code != http.StatusUnauthorized || w.Body.Len() != 0 {
				t.Fatalf("status %d body %q, want 401 and no body", w.Code, w.Body)
			}
			// Nothing was revoked.
			mustCheck(t, g, o.session(t, alice))
		})
	}
}

// badAuthorization is an Authorization header the receiver must refuse.
type badAuthorization struct {
	name string
	auth func(t *testing.T) string
}

// badAuthorizations returns the Authorization headers of o's tokens that the
// receiver must refuse with 401.
func badAuthorizations(o *org) []badAuthorization {
	hs256 := func(t *testing.T) string {
		// HS256 keyed with the public key's bytes: the classic confusion.
		der, err := x509.MarshalPKIXPublicKey(testKey(t, 0).Public())
		if err != nil {
			t.Fatal(err)
		}
		return o.token(t, func(lt *logoutToken) { lt.alg, lt.key = jose.HS256, der })
	}
	return []badAuthorization{
		{"none", func(*testing.T) string { return "" }},
		{"not bearer", func(t *testing.T) string { return "Basic " + o.token(t, nil) }},
		{"empty bearer", func(*testing.T) string { return "Bearer " }},
		{"garbage", func(*testing.T) string { return "Bearer a.b.c" }},
		{"bad signature", func(t *testing.T) string {
			tok := o.token(t, nil)
			return "Bearer " + tok[:len(tok)-4] + "AAAA"
		}},
		{"another key, same kid", func(t *testing.T) string {
			return "Bearer " + o.token(t, func(lt *logoutToken) { lt.key = testKey(t, 1) })
		}},
		{"alg none", func(t *testing.T) string { return "Bearer " + unsigned(t, o) }},
		{"HS256 keyed with the public key", func(t *testing.T) string { return "Bearer " + hs256(t) }},
		{"wrong iss", func(t *testing.T) string {
			return "Bearer " + o.token(t, func(lt *logoutToken) { lt.iss = "https://evil.example.com" })
		}},
		{"iss with a trailing slash", func(t *testing.T) string {
			return "Bearer " + o.token(t, func(lt *logoutToken) { lt.iss += "/" })
		}},
		{"wrong aud", func(t *testing.T) string {
			return "Bearer " + o.token(t, func(lt *logoutToken) { lt.aud = "https://other.example.com/logout" })
		}},
		{"expired", func(t *testing.T) string {
			return "Bearer " + o.token(t, func(lt *logoutToken) { lt.exp = o.clock.Now().Add(-time.Minute) })
		}},
		{"no exp", func(t *testing.T) string {
			return "Bearer " + o.token(t, func(lt *logoutToken) { lt.noExp = true })
		}},
		{"nbf ahead", func(t *testing.T) string {
			return "Bearer " + o.token(t, func(lt *logoutToken) { lt.nbf = o.clock.Now().Add(time.Minute) })
		}},
		{"iat ahead", func(t *testing.T) string {
			return "Bearer " + o.token(t, func(lt *logoutToken) { lt.iat = o.clock.Now().Add(time.Minute) })
		}},
		{"unknown kid", func(t *testing.T) string {
			return "Bearer " + o.token(t, func(lt *logoutToken) { lt.kid = "k9" })
		}},
		{"huge token", func(t *testing.T) string {
			return "Bearer " + o.token(t, func(lt *logoutToken) { lt.extra = map[string]any{"pad": strings.Repeat("x", 1<<20)} })
		}},
	}
}

// unsigned returns a valid token's header and claims with alg none and no
// signature.
func unsigned(t *testing.T, o *org) string {
	t.Helper()
	parts := strings.Split(o.token(t, nil), ".")
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"k1"}`))
	return header + "." + parts[1] + "."
}

func TestUniversalLogoutSkewIsAllowed(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	tok := o.token(t, func(lt *logoutToken) {
		lt.nbf = o.clock.Now().Add(20 * time.Second)
		lt.exp = o.clock.Now().Add(-20 * time.Second)
	})
	if w := o.send(g, "Bearer "+tok, aliceBody); w.Code != http.StatusNoContent {
		t.Fatalf("status %d, want 204 within 30 s of skew", w.Code)
	}
}

func TestUniversalLogoutBodies(t *testing.T) {
	o := newOrg(t)
	for _, tc := range []struct {
		body string
		want int
	}{
		{aliceBody, 204},
		{`{"sub_id":{"format":"email","email":"alice@example.com"}}`, 204},
		{fmt.Sprintf(`{"subject":{"format":"iss_sub","iss":%q,"sub":"00u1"}}`, o.srv.URL), 204},
		{`{"subject":{"format":"iss_sub","iss":"https://other.example.com","sub":"00u1"}}`, 404},
		{``, 400},
		{`null`, 400},
		{`[]`, 400},
		{`{}`, 400},
		{`{"subject":null}`, 400},
		{`{"subject":{"format":"email"}}`, 400},
		{`{"subject":{"format":"email","email":""}}`, 400},
		{`{"subject":{"format":"phone_number","phone_number":"+15555550100"}}`, 400},
		{`{"subject":{"format":"opaque","id":"x"}}`, 400},
		{`{"subject":{"format":"iss_sub","iss":"x"}}`, 400},
		{`{"subject":{"format":"email","email":"a@b.c","extra":1}}`, 400},
		{`{"subject":{"format":"email","email":"a@b.c"},"other":1}`, 400},
		{aliceBody + `{}`, 400},
		{`{"subject":{"format":"email","email":"a@b.c"},"sub_id":{"format":"email","email":"a@b.c"}}`, 400},
		{`{"subject":{"format":"email","email":` + fmt.Sprintf("%q", strings.Repeat("a", 2000)) + `}}`, 400},
		{`{"subject":` + strings.Repeat(`{"a":`, 10000), 400},
		{`{"subject":{"format":"email","email":"` + strings.Repeat("a", 1<<20) + `"}}`, 400},
	} {
		name := tc.body
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			g := o.guard(t, guard.Options{})
			if w := o.send(g, "Bearer "+o.token(t, nil), tc.body); w.Code != tc.want {
				t.Fatalf("status %d, want %d", w.Code, tc.want)
			}
		})
	}
}

func TestUniversalLogoutAuthenticatesBeforeParsing(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	if w := o.send(g, "", `not json`); w.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401 before 400", w.Code)
	}
	r := o.send(g, "Bearer "+o.token(t, nil), aliceBody)
	if r.Code != http.StatusNoContent {
		t.Fatalf("status %d", r.Code)
	}
}

func TestUniversalLogoutResolver(t *testing.T) {
	o := newOrg(t)
	for _, tc := range []struct {
		name    string
		resolve func(context.Context, guard.Subject) (string, error)
		want    int
		revoked bool
	}{
		{"known", func(_ context.Context, s guard.Subject) (string, error) {
			if s.Format != guard.FormatEmail || s.Email != "alice@example.com" {
				return "", fmt.Errorf("subject %+v", s)
			}
			return alice.ID, nil
		}, 204, true},
		{"unknown", func(context.Context, guard.Subject) (string, error) { return "", guard.ErrUnknownSubject }, 404, false},
		{"empty", func(context.Context, guard.Subject) (string, error) { return "", nil }, 404, false},
		{"fails", func(context.Context, guard.Subject) (string, error) { return "", errors.New("db down") }, 422, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := o.guard(t, guard.Options{ResolveSubject: tc.resolve})
			id := o.session(t, alice)
			if code := o.logout(t, g, aliceBody); code != tc.want {
				t.Fatalf("status %d, want %d", code, tc.want)
			}
			_, err := g.Check(context.Background(), id)
			if tc.revoked != (err != nil) {
				t.Fatalf("Check: %v, want revoked %v", err, tc.revoked)
			}
		})
	}
}

func TestUniversalLogoutKnownKidNeverRefetches(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	for range 5 {
		if code := o.logout(t, g, aliceBody); code != 204 {
			t.Fatalf("status %d", code)
		}
		o.clock.Advance(2 * time.Minute)
	}
	if n := o.jwks.fetches.Load(); n != 1 {
		t.Fatalf("key fetches = %d, want 1", n)
	}
}

func TestUniversalLogoutUnknownKidStormStaysBounded(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	o.logout(t, g, aliceBody) // the keys are cached
	storm(t, o, g, "early")   // within the minute: no fetch
	if n := o.jwks.fetches.Load(); n != 1 {
		t.Fatalf("key fetches within the minute = %d, want 1", n)
	}
	o.clock.Advance(time.Minute)
	storm(t, o, g, "storm")
	if n := o.jwks.fetches.Load(); n != 2 {
		t.Fatalf("key fetches after a storm = %d, want 2 (one refetch a minute)", n)
	}
	o.clock.Advance(time.Minute)
	o.send(g, "Bearer "+o.token(t, func(lt *logoutToken) { lt.kid = "again" }), aliceBody)
	if n := o.jwks.fetches.Load(); n != 3 {
		t.Fatalf("key fetches a minute later = %d, want 3", n)
	}
}

// storm sends 64 requests at once, each signed with an unknown kid, and
// expects 401 for each.
func storm(t *testing.T, o *org, g *guard.Guard, prefix string) {
	t.Helper()
	parallel(64, func(i int) {
		tok := o.token(t, func(lt *logoutToken) { lt.kid = fmt.Sprintf("%s%d", prefix, i) })
		if w := o.send(g, "Bearer "+tok, aliceBody); w.Code != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", w.Code)
		}
	})
}

func TestUniversalLogoutKeyRotation(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	o.logout(t, g, aliceBody)
	o.clock.Advance(time.Minute)
	o.jwks.publish(jose.JSONWebKey{Key: testKey(t, 1).Public(), KeyID: "k2", Algorithm: "RS256", Use: "sig"})
	tok := o.token(t, func(lt *logoutToken) { lt.key, lt.kid = testKey(t, 1), "k2" })
	if w := o.send(g, "Bearer "+tok, aliceBody); w.Code != http.StatusNoContent {
		t.Fatalf("status %d with the new key, want 204", w.Code)
	}
	if w := o.send(g, "Bearer "+o.token(t, nil), aliceBody); w.Code != http.StatusUnauthorized {
		t.Fatalf("status %d with the retired key, want 401", w.Code)
	}
}

func TestUniversalLogoutHostileKeySets(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		body func(t *testing.T) []byte
	}{
		{"not JSON", func(*testing.T) []byte { return []byte("<html>") }},
		{"oversized", func(*testing.T) []byte {
			return []byte(`{"keys":[` + strings.Repeat(`{"kty":"oct"},`, 100000) + `{}]}`)
		}},
		{"HMAC key with the kid", func(*testing.T) []byte {
			return mustJSON(t, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: []byte("secret"), KeyID: "k1"}}})
		}},
		{"small RSA key", func(t *testing.T) []byte {
			return mustJSON(t, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: small.Public(), KeyID: "k1"}}})
		}},
		{"encryption key", func(t *testing.T) []byte {
			return mustJSON(t, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: testKey(t, 0).Public(), KeyID: "k1", Use: "enc"}}})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t)
			o.jwks.serveBody(tc.body(t))
			g := o.guard(t, guard.Options{})
			if code := o.logout(t, g, aliceBody); code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", code)
			}
		})
	}
}

func TestUniversalLogoutOnlyPost(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	r, _ := http.NewRequest(http.MethodGet, endpoint, nil)
	w := newRecorder()
	g.UniversalLogout(endpoint).ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", w.Code)
	}
}

func TestUniversalLogoutEmptyEndpointRefusesAll(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	r, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(aliceBody))
	r.Header.Set("Authorization", "Bearer "+o.token(t, func(lt *logoutToken) { lt.aud = "" }))
	w := newRecorder()
	g.UniversalLogout("").ServeHTTP(w, r)
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", w.Code)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUniversalLogoutSameTokenAgainRevokesNothingNew(t *testing.T) {
	o := newOrg(t)
	o.srv.SeedUser(alice)
	g := o.guard(t, guard.Options{})
	auth := "Bearer " + o.token(t, nil)
	if w := o.send(g, auth, aliceBody); w.Code != http.StatusNoContent {
		t.Fatalf("first: %d", w.Code)
	}
	o.clock.Advance(time.Minute) // within the token's 5 minutes
	fresh := o.session(t, alice)
	if w := o.send(g, auth, aliceBody); w.Code != http.StatusNoContent {
		t.Fatalf("again: %d, want 204 (done already)", w.Code)
	}
	mustCheck(t, g, fresh)
	// A new token for the same user does log the new session out.
	if code := o.logout(t, g, aliceBody); code != http.StatusNoContent {
		t.Fatalf("new token: %d", code)
	}
	mustRefuse(t, g, fresh, guard.ReasonRevoked)
}

func TestUniversalLogoutSameTokenWithoutJTIAgainRevokesNothingNew(t *testing.T) {
	o := newOrg(t)
	o.srv.SeedUser(alice)
	tok := o.token(t, func(lt *logoutToken) { lt.extra = map[string]any{"jti": ""} })
	for name, again := range map[string]string{
		"same text": tok,
		// The same signature in another base64 spelling: the last
		// character's unused low bits set.
		"signature spelled otherwise": tok[:len(tok)-1] + string(otherSpelling(t, tok[len(tok)-1])),
	} {
		t.Run(name, func(t *testing.T) {
			g := o.guard(t, guard.Options{})
			if w := o.send(g, "Bearer "+tok, aliceBody); w.Code != http.StatusNoContent {
				t.Fatalf("first: %d", w.Code)
			}
			o.clock.Advance(time.Minute)
			fresh := o.session(t, alice)
			if w := o.send(g, "Bearer "+again, aliceBody); w.Code != http.StatusNoContent {
				t.Fatalf("again: %d, want 204 (done already)", w.Code)
			}
			mustCheck(t, g, fresh)
		})
	}
}

// otherSpelling returns the base64url character that decodes to the same
// bits as c, the last one of a 256-byte signature (which uses only its two
// high bits), with its unused low bits changed.
func otherSpelling(t *testing.T, c byte) byte {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	if i < 0 {
		t.Fatalf("%q is not base64url", c)
	}
	return alphabet[i^1]
}

func TestUniversalLogoutTokenReplayedWithAnotherBody(t *testing.T) {
	o := newOrg(t)
	o.srv.SeedUser(alice)
	t.Run("another user first", func(t *testing.T) {
		// The body is not signed: a token captured on its way and sent
		// first for another user must not turn Okta's own request into a
		// no-op.
		g := o.guard(t, guard.Options{})
		id := o.session(t, alice)
		auth := "Bearer " + o.token(t, nil)
		if w := o.send(g, auth, `{"subject":{"format":"email","email":"mallory@example.com"}}`); w.Code != http.StatusNoContent {
			t.Fatalf("captured: %d", w.Code)
		}
		if w := o.send(g, auth, aliceBody); w.Code != http.StatusNoContent {
			t.Fatalf("Okta's: %d", w.Code)
		}
		mustRefuse(t, g, id, guard.ReasonRevoked)
	})
	t.Run("same user otherwise spelled", func(t *testing.T) {
		g := o.guard(t, guard.Options{})
		auth := "Bearer " + o.token(t, nil)
		if w := o.send(g, auth, aliceBody); w.Code != http.StatusNoContent {
			t.Fatalf("first: %d", w.Code)
		}
		o.clock.Advance(time.Minute)
		fresh := o.session(t, alice)
		for _, body := range []string{
			`{"subject":{"format":"email","email":"ALICE@example.com"}}`,
			`{"sub_id":{"format":"email","email":"alice@example.com"}}`,
		} {
			if w := o.send(g, auth, body); w.Code != http.StatusNoContent {
				t.Fatalf("again: %d, want 204 (done already)", w.Code)
			}
		}
		mustCheck(t, g, fresh)
	})
}

func TestUniversalLogoutKeyFetchIsBounded(t *testing.T) {
	// A key server that holds its answer open (a 101, whose body is the raw
	// connection, or a body that never ends) must not hold the receiver:
	// the fetch ends by the client's AttemptTimeout, and the token is
	// refused.
	for _, tc := range []struct {
		name   string
		status int
		start  string
	}{
		{"101 held open", http.StatusSwitchingProtocols, ""},
		{"200 whose body never ends", http.StatusOK, `{"keys":[`},
		{"503 whose body never ends", http.StatusServiceUnavailable, `{"errorCode":`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t)
			held, release := io.Pipe()
			defer release.Close()
			cfg := o.config()
			cfg.AttemptTimeout = 20 * time.Millisecond
			fake := cfg.HTTPClient.Transport
			cfg.HTTPClient.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if r.URL.Path != "/oauth2/v1/keys" {
					return fake.RoundTrip(r)
				}
				body := struct {
					io.Reader
					io.Closer
				}{io.MultiReader(strings.NewReader(tc.start), held), held}
				return &http.Response{StatusCode: tc.status, Header: http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}},
					Body: body, Request: r}, nil
			})
			g, err := guard.New(okta.NewAPIClient(cfg), guard.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			auth := "Bearer " + o.token(t, nil)
			done := make(chan int, 1)
			go func() { done <- o.send(g, auth, aliceBody).Code }()
			select {
			case code := <-done:
				if code != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401", code)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the receiver still waits for the key server")
			}
		})
	}
}
