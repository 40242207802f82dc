package oktatest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

// fetchKeys reads the org's key set over HTTP, as a receiver does.
func fetchKeys(t *testing.T, srv *oktatest.Server) jose.JSONWebKeySet {
	t.Helper()
	a := send(t, srv, http.MethodGet, oktatest.KeysPath, "", "")
	require.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal(a.body, &set), "body: %s", a.body)
	return set
}

func TestKeys_published(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithRateLimit(1))
	for _, auth := range []string{"", "SSWS wrong", "Bearer nothing"} {
		a := send(t, srv, http.MethodGet, oktatest.KeysPath, auth, "")
		require.Equal(t, http.StatusOK, a.StatusCode, "with %q: %s", auth, a.body)
		assertStamped(t, a)
		assert.Empty(t, a.Header.Get("X-Rate-Limit-Limit"), "not the sessions bucket")
		var raw struct{ Keys []map[string]any }
		require.NoError(t, json.Unmarshal(a.body, &raw))
		require.Len(t, raw.Keys, 1)
		k := raw.Keys[0]
		assert.Equal(t, "RSA", k["kty"])
		assert.Equal(t, "RS256", k["alg"])
		assert.Equal(t, "sig", k["use"])
		assert.NotEmpty(t, k["kid"])
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			assert.NotContains(t, k, private, "a public key only")
		}
	}
	set := fetchKeys(t, srv)
	assert.Equal(t, srv.SigningKeys().Keys[0].KeyID, set.Keys[0].KeyID, "the same key every time")
	assert.Equal(t, oktatest.RouteKeys, srv.Requests()[0].Route)

	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteKeys, Status: http.StatusServiceUnavailable, Count: 1})
	assert.Equal(t, http.StatusServiceUnavailable, send(t, srv, http.MethodGet, oktatest.KeysPath, "", "").StatusCode)
	a := send(t, srv, http.MethodPost, oktatest.KeysPath, ssws(srv), "")
	assertOktaError(t, a, http.StatusMethodNotAllowed, "E0000022")
}

func TestRotateSigningKey(t *testing.T) {
	srv, _ := newFake(t)
	first := fetchKeys(t, srv).Keys[0].KeyID
	second := srv.RotateSigningKey()
	set := fetchKeys(t, srv)
	require.Len(t, set.Keys, 2)
	assert.Equal(t, []string{second, first}, []string{set.Keys[0].KeyID, set.Keys[1].KeyID}, "the new key first, the old one kept")
	third := srv.RotateSigningKey()
	set = fetchKeys(t, srv)
	require.Len(t, set.Keys, 2)
	assert.Equal(t, []string{third, second}, []string{set.Keys[0].KeyID, set.Keys[1].KeyID}, "the oldest dropped")
	assert.NotEqual(t, first, third)
}

// receiver is an app's Universal Logout endpoint that records what it gets
// and answers status.
type receiver struct {
	*httptest.Server
	endpoint string

	mu     sync.Mutex
	got    []*http.Request
	bodies []string
	status int
}

func newReceiver(t *testing.T, status int) *receiver {
	t.Helper()
	rc := &receiver{status: status}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got, rc.bodies = append(rc.got, r), append(rc.bodies, string(b))
		rc.mu.Unlock()
		w.Header().Set("Location", "/elsewhere")
		w.WriteHeader(rc.status)
	}))
	t.Cleanup(rc.Close)
	rc.endpoint = rc.URL + "/okta/global-token-revocation"
	return rc
}

// only returns the one request the receiver got, and its body.
func (rc *receiver) only(t *testing.T) (*http.Request, string) {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	require.Len(t, rc.got, 1)
	return rc.got[0], rc.bodies[0]
}

// verifyLogoutToken checks the request's Bearer JWT as a receiver must,
// with the key set served at KeysPath, and returns its claims.
func verifyLogoutToken(t *testing.T, srv *oktatest.Server, r *http.Request) (jwt.Claims, jose.Header) {
	t.Helper()
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	require.True(t, ok, "Authorization: %q", r.Header.Get("Authorization"))
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	h := tok.Headers[0]
	set := fetchKeys(t, srv)
	keys := set.Key(h.KeyID)
	require.Len(t, keys, 1, "the kid %q is published", h.KeyID)
	var claims jwt.Claims
	require.NoError(t, tok.Claims(keys[0].Key, &claims), "signed by the published key")
	return claims, h
}

func TestSendUniversalLogout(t *testing.T) {
	srv, clock := newFake(t)
	for _, status := range []int{http.StatusNoContent, http.StatusNotFound, http.StatusUnprocessableEntity} {
		rc := newReceiver(t, status)
		got, err := srv.SendUniversalLogout(context.Background(), rc.endpoint, "ann@example.com")
		require.NoError(t, err)
		assert.Equal(t, status, got, "the receiver's status")

		r, body := rc.only(t)
		assert.Equal(t, http.MethodPost, r.Method)
		assert.Equal(t, "/okta/global-token-revocation", r.URL.Path)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.JSONEq(t, `{"subject":{"format":"email","email":"ann@example.com"}}`, body)
		claims, h := verifyLogoutToken(t, srv, r)
		assert.Equal(t, oktatest.LogoutTokenType, h.ExtraHeaders[jose.HeaderType])
		assert.Equal(t, "RS256", h.Algorithm)
		assert.Equal(t, srv.SigningKeys().Keys[0].KeyID, h.KeyID, "the current key")
		require.NoError(t, claims.Validate(jwt.Expected{Issuer: srv.URL, AnyAudience: jwt.Audience{rc.endpoint}, Time: clock.Now()}))
		assert.Equal(t, srv.URL, claims.Subject)
		assert.NotEmpty(t, claims.ID)
		assert.Equal(t, clock.Now().Unix(), claims.IssuedAt.Time().Unix(), "by the server's clock")
		assert.Equal(t, claims.IssuedAt, claims.NotBefore)
		assert.Equal(t, clock.Now().Add(oktatest.LogoutTokenLifetime).Unix(), claims.Expiry.Time().Unix())
	}
}

func TestSendUniversalLogoutRequest(t *testing.T) {
	srv, _ := newFake(t)
	rc := newReceiver(t, http.StatusNoContent)
	issued := time.Now().Add(-time.Minute)
	status, err := srv.SendUniversalLogoutRequest(context.Background(), oktatest.UniversalLogout{
		Endpoint:     rc.endpoint,
		Subject:      oktatest.LogoutSubject{Format: oktatest.SubjectIssSub, Iss: srv.URL, Sub: "00uann"},
		SubjectField: "sub_id",
		Issuer:       "https://dev-123.okta.com",
		IssuedAt:     issued,
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, status)
	r, body := rc.only(t)
	assert.JSONEq(t, `{"sub_id":{"format":"iss_sub","iss":"`+srv.URL+`","sub":"00uann"}}`, body)
	claims, _ := verifyLogoutToken(t, srv, r)
	assert.Equal(t, "https://dev-123.okta.com", claims.Issuer)
	assert.Equal(t, issued.Unix(), claims.IssuedAt.Time().Unix())
}

// Every request has its own jti, and after a rotation the new key signs.
func TestSendUniversalLogout_rotation(t *testing.T) {
	srv, _ := newFake(t)
	rc := newReceiver(t, http.StatusNoContent)
	_, err := srv.SendUniversalLogout(context.Background(), rc.endpoint, "ann@example.com")
	require.NoError(t, err)
	kid := srv.RotateSigningKey()
	_, err = srv.SendUniversalLogout(context.Background(), rc.endpoint, "ann@example.com")
	require.NoError(t, err)
	rc.mu.Lock()
	reqs := rc.got
	rc.mu.Unlock()
	require.Len(t, reqs, 2)
	c1, h1 := verifyLogoutToken(t, srv, reqs[0])
	c2, h2 := verifyLogoutToken(t, srv, reqs[1])
	assert.NotEqual(t, c1.ID, c2.ID)
	assert.NotEqual(t, h1.KeyID, h2.KeyID)
	assert.Equal(t, kid, h2.KeyID)
}

// A redirect is the answer: the JWT goes to the endpoint and nowhere else.
func TestSendUniversalLogout_noRedirect(t *testing.T) {
	srv, _ := newFake(t)
	rc := newReceiver(t, http.StatusTemporaryRedirect)
	status, err := srv.SendUniversalLogout(context.Background(), rc.endpoint, "ann@example.com")
	require.NoError(t, err)
	assert.Equal(t, http.StatusTemporaryRedirect, status)
	rc.only(t)
}

func TestSendUniversalLogout_unreachable(t *testing.T) {
	srv, _ := newFake(t)
	rc := newReceiver(t, http.StatusNoContent)
	rc.Close()
	_, err := srv.SendUniversalLogout(context.Background(), rc.endpoint, "ann@example.com")
	require.Error(t, err)
	var le *oktatest.LogoutError
	assert.False(t, errors.As(err, &le), "not a refusal of the request: %v", err)
}

func TestSendUniversalLogout_refused(t *testing.T) {
	srv, _ := newFake(t)
	rc := newReceiver(t, http.StatusNoContent)
	email := oktatest.LogoutSubject{Format: oktatest.SubjectEmail, Email: "ann@example.com"}
	tests := []struct {
		name  string
		req   oktatest.UniversalLogout
		field string
	}{
		{"no endpoint", oktatest.UniversalLogout{Subject: email}, "endpoint"},
		{"relative endpoint", oktatest.UniversalLogout{Endpoint: "/logout", Subject: email}, "endpoint"},
		{"ftp endpoint", oktatest.UniversalLogout{Endpoint: "ftp://127.0.0.1/logout", Subject: email}, "endpoint"},
		{"user information", oktatest.UniversalLogout{Endpoint: "http://u:p@127.0.0.1/logout", Subject: email}, "endpoint"},
		{"fragment", oktatest.UniversalLogout{Endpoint: rc.endpoint + "#x", Subject: email}, "endpoint"},
		{"too long", oktatest.UniversalLogout{Endpoint: rc.endpoint + "?" + strings.Repeat("a", 1024), Subject: email}, "endpoint"},
		{"no format", oktatest.UniversalLogout{Endpoint: rc.endpoint, Subject: oktatest.LogoutSubject{Email: "a@b"}}, "subject.format"},
		{"unknown format", oktatest.UniversalLogout{Endpoint: rc.endpoint, Subject: oktatest.LogoutSubject{Format: "phone_number"}}, "subject.format"},
		{"no email", oktatest.UniversalLogout{Endpoint: rc.endpoint, Subject: oktatest.LogoutSubject{Format: "email"}}, "subject.email"},
		{"email with sub", oktatest.UniversalLogout{Endpoint: rc.endpoint, Subject: oktatest.LogoutSubject{Format: "email", Email: "a@b", Sub: "x"}}, "subject"},
		{"iss_sub without sub", oktatest.UniversalLogout{Endpoint: rc.endpoint, Subject: oktatest.LogoutSubject{Format: "iss_sub", Iss: "x"}}, "subject.iss"},
		{"iss_sub with email", oktatest.UniversalLogout{Endpoint: rc.endpoint, Subject: oktatest.LogoutSubject{Format: "iss_sub", Iss: "x", Sub: "y", Email: "a@b"}}, "subject"},
		{"unknown field", oktatest.UniversalLogout{Endpoint: rc.endpoint, Subject: email, SubjectField: "sub"}, "subjectField"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := srv.SendUniversalLogoutRequest(context.Background(), tt.req)
			var le *oktatest.LogoutError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tt.field, le.Field)
			assert.NotEmpty(t, le.Reason)
		})
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	assert.Empty(t, rc.got, "nothing sent")
}

// The control API rotates the key and sends Universal Logout requests, so
// that a suite in another language can test its own receiver.
func TestControl_universalLogout(t *testing.T) {
	srv, _ := newFake(t)
	rc := newReceiver(t, http.StatusNoContent)
	a := send(t, srv, http.MethodPost, oktatest.ControlPrefix+"keys/rotate", ssws(srv), "")
	require.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
	kid := a.object(t)["kid"]
	assert.Equal(t, srv.SigningKeys().Keys[0].KeyID, kid)

	a = send(t, srv, http.MethodPost, oktatest.ControlPrefix+"universal-logout", ssws(srv),
		`{"endpoint":"`+rc.endpoint+`","subject":{"format":"email","email":"ann@example.com"}}`)
	require.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
	assert.JSONEq(t, `{"status":204}`, string(a.body))
	r, body := rc.only(t)
	assert.JSONEq(t, `{"subject":{"format":"email","email":"ann@example.com"}}`, body)
	_, h := verifyLogoutToken(t, srv, r)
	assert.Equal(t, kid, h.KeyID)

	body2 := assertOktaError(t, send(t, srv, http.MethodPost, oktatest.ControlPrefix+"universal-logout", ssws(srv),
		`{"endpoint":"`+rc.endpoint+`","subject":{"format":"phone"}}`), http.StatusBadRequest, "E0000001")
	assert.Contains(t, body2["errorSummary"], "subject.format")
	rc.Close()
	assertOktaError(t, send(t, srv, http.MethodPost, oktatest.ControlPrefix+"universal-logout", ssws(srv),
		`{"endpoint":"`+rc.endpoint+`","subject":{"format":"email","email":"ann@example.com"}}`), http.StatusBadGateway, "E0000009")
	assertOktaError(t, send(t, srv, http.MethodPost, oktatest.ControlPrefix+"keys/rotate", "", ""), http.StatusUnauthorized, "E0000011")
}
