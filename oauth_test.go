package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/dpop"
	"github.com/oktasessions/okta-session-go/internal/keys"
	"github.com/oktasessions/okta-session-go/internal/retry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tokenRequest is what the test token endpoint saw of one request.
type tokenRequest struct {
	form  url.Values
	proof dpop.Claims
}

// tokenEndpoint is a local token endpoint. It checks each request as Okta
// would (form fields, the client assertion, the DPoP proof, all with
// go-jose) and answers it with answer, given the request's number (0 for the
// first) and what it saw.
type tokenEndpoint struct {
	srv    *httptest.Server
	mu     sync.Mutex
	seen   []tokenRequest
	answer func(n int, r tokenRequest, w http.ResponseWriter)
}

// newTokenEndpoint starts a token endpoint for the test's client.
func newTokenEndpoint(t *testing.T, answer func(n int, r tokenRequest, w http.ResponseWriter)) *tokenEndpoint {
	t.Helper()
	e := &tokenEndpoint{answer: answer}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		assert.Equal(t, auth.TokenPath, r.URL.Path)
		testHeader(t, r, "Content-Type", "application/x-www-form-urlencoded")
		require.NoError(t, r.ParseForm())
		assert.Equal(t, "client_credentials", r.PostForm.Get("grant_type"))
		assert.Equal(t, keys.ClientAssertionType, r.PostForm.Get("client_assertion_type"))
		assert.Equal(t, "okta.sessions.read okta.sessions.manage", r.PostForm.Get("scope"))
		verifyAssertion(t, r.PostForm.Get("client_assertion"), &testECKey().PublicKey, testClientID, e.srv.URL+auth.TokenPath, time.Time{})
		require.Len(t, r.Header.Values("DPoP"), 1, "every token request carries one proof")
		proof, _ := verifyProof(t, r.Header.Get("DPoP"))
		assert.Equal(t, "POST", proof.HTM)
		assert.Equal(t, e.srv.URL+auth.TokenPath, proof.HTU)
		assert.Empty(t, proof.ATH)
		req := tokenRequest{form: r.PostForm, proof: proof}
		e.mu.Lock()
		n := len(e.seen)
		e.seen = append(e.seen, req)
		e.mu.Unlock()
		e.answer(n, req, w)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// requests returns what the endpoint has seen so far.
func (e *tokenEndpoint) requests() []tokenRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]tokenRequest(nil), e.seen...)
}

const testClientID = "0oa1serviceapp"

// testClockStart is when the provider tests' clocks start: fixed, so that
// the endpoint can check the assertion's iat.
var testClockStart = time.Unix(1_760_000_000, 0)

// grant answers a token request with a token of the given type.
func grant(w http.ResponseWriter, tokenType, token string) {
	writeJSON(w, http.StatusOK, fmt.Sprintf(`{"token_type":%q,"expires_in":3600,"access_token":%q,"scope":"okta.sessions.read okta.sessions.manage"}`, tokenType, token))
}

// oauthError answers a token request with OAuth's error body, and a
// DPoP-Nonce when nonce is not empty.
func oauthError(w http.ResponseWriter, status int, code, description, nonce string) {
	if nonce != "" {
		w.Header().Set("DPoP-Nonce", nonce)
	}
	writeJSON(w, status, fmt.Sprintf(`{"error":%q,"error_description":%q}`, code, description))
}

// newTestProvider returns a "PrivateKey" provider for the endpoint, with an
// EC key, a test clock at testClockStart, and edit applied to its
// configuration first.
func newTestProvider(t *testing.T, e *tokenEndpoint, edit func(*Configuration)) (*auth.Provider, *testClock) {
	t.Helper()
	clock := &testClock{now: testClockStart}
	cfg := &Configuration{
		BasePath:       e.srv.URL,
		HTTPClient:     e.srv.Client(),
		ClientID:       testClientID,
		Scopes:         []string{"okta.sessions.read", "okta.sessions.manage"},
		PrivateKey:     testECKeyPEM(),
		AttemptTimeout: 5 * time.Second,
		Clock:          clock,
	}
	if edit != nil {
		edit(cfg)
	}
	client := NewAPIClient(cfg)
	require.NoError(t, client.cfgErr)
	return client.tokens, clock
}

// advance moves the test clock forward.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestTokenProvider_fetchAndCache(t *testing.T) {
	e := newTokenEndpoint(t, func(n int, r tokenRequest, w http.ResponseWriter) {
		grant(w, "DPoP", fmt.Sprintf("token-%d", n))
	})
	p, clock := newTestProvider(t, e, nil)
	ctx := context.Background()
	tok, _, err := p.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "DPoP token-0", tok.Authorization())
	assert.Equal(t, dpop.TokenHash("token-0"), tok.ATH())
	assert.Empty(t, e.requests()[0].proof.Nonce, "no nonce was given yet")

	clock.advance(3600*time.Second - auth.MaxEarlyRefresh - time.Second)
	again, _, err := p.Token(ctx)
	require.NoError(t, err)
	assert.Same(t, tok, again, "the token is cached until shortly before it expires")
	assert.Len(t, e.requests(), 1)

	clock.advance(2 * time.Second)
	next, _, err := p.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "DPoP token-1", next.Authorization())
	reqs := e.requests()
	require.Len(t, reqs, 2)
	assert.NotEqual(t, reqs[0].proof.JTI, reqs[1].proof.JTI)
}

func TestTokenProvider_nonceAtTheTokenEndpoint(t *testing.T) {
	e := newTokenEndpoint(t, func(n int, r tokenRequest, w http.ResponseWriter) {
		if r.proof.Nonce != "nonce-1" {
			oauthError(w, http.StatusBadRequest, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.", "nonce-1")
			return
		}
		w.Header().Set("DPoP-Nonce", "nonce-1")
		grant(w, "DPoP", "tok")
	})
	p, _ := newTestProvider(t, e, nil)
	tok, _, err := p.Token(context.Background())
	require.NoError(t, err)
	reqs := e.requests()
	require.Len(t, reqs, 2, "one retry, with the nonce")
	assert.Equal(t, "nonce-1", reqs[1].proof.Nonce)
	assert.NotEqual(t, reqs[0].proof.JTI, reqs[1].proof.JTI, "the retry has a new proof")
	assert.NotEqual(t, reqs[0].form.Get("client_assertion"), reqs[1].form.Get("client_assertion"), "and a new assertion")

	p.Invalidate(tok)
	_, _, err = p.Token(context.Background())
	require.NoError(t, err)
	reqs = e.requests()
	require.Len(t, reqs, 3, "the remembered nonce is sent from then on")
	assert.Equal(t, "nonce-1", reqs[2].proof.Nonce)
}

func TestTokenProvider_nonceRetriedOnce(t *testing.T) {
	var nonce atomic.Int32
	e := newTokenEndpoint(t, func(n int, r tokenRequest, w http.ResponseWriter) {
		oauthError(w, http.StatusBadRequest, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.", fmt.Sprint("n", nonce.Add(1)))
	})
	p, _ := newTestProvider(t, e, nil)
	_, _, err := p.Token(context.Background())
	var oe *OAuthError
	require.True(t, errors.As(err, &oe), "got %v", err)
	assert.Equal(t, "use_dpop_nonce", oe.ErrorCode)
	assert.Len(t, e.requests(), 2, "a nonce dance is never repeated")
}

func TestTokenProvider_errors(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, r tokenRequest)
		status int
		code   string
		is     error
	}{
		{"invalid_client", func(w http.ResponseWriter, _ tokenRequest) {
			oauthError(w, http.StatusUnauthorized, "invalid_client", "The client_assertion signature is invalid.", "")
		}, 401, "invalid_client", ErrUnauthorized},
		{"invalid_scope", func(w http.ResponseWriter, _ tokenRequest) {
			oauthError(w, http.StatusBadRequest, "invalid_scope", "The following scopes are not allowed: [okta.sessions.manage]", "")
		}, 400, "invalid_scope", nil},
		{"invalid_dpop_proof", func(w http.ResponseWriter, _ tokenRequest) {
			oauthError(w, http.StatusBadRequest, "invalid_dpop_proof", "The DPoP proof JWT header is missing.", "")
		}, 400, "invalid_dpop_proof", nil},
		{"use_dpop_nonce without a nonce", func(w http.ResponseWriter, _ tokenRequest) {
			oauthError(w, http.StatusBadRequest, "use_dpop_nonce", "", "")
		}, 400, "use_dpop_nonce", nil},
		{"429", func(w http.ResponseWriter, _ tokenRequest) { writeJSON(w, http.StatusTooManyRequests, `{}`) }, 429, "", ErrRateLimited},
		{"502 page", func(w http.ResponseWriter, _ tokenRequest) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html>bad gateway</html>"))
		}, 502, "", nil},
		{"200 without access_token", func(w http.ResponseWriter, _ tokenRequest) {
			writeJSON(w, http.StatusOK, `{"token_type":"Bearer","expires_in":3600}`)
		}, 200, "", nil},
		{"200 with an empty access_token", func(w http.ResponseWriter, _ tokenRequest) { grant(w, "Bearer", "") }, 200, "", nil},
		{"200 with a CR LF in the token", func(w http.ResponseWriter, _ tokenRequest) { grant(w, "Bearer", "a\r\nX-Evil: 1") }, 200, "", nil},
		{"200 with an unknown token_type", func(w http.ResponseWriter, _ tokenRequest) { grant(w, "mac", "tok") }, 200, "", nil},
		{"200 not JSON", func(w http.ResponseWriter, _ tokenRequest) { _, _ = w.Write([]byte("access_token=tok")) }, 200, "", nil},
		{"200 truncated", func(w http.ResponseWriter, _ tokenRequest) {
			writeJSON(w, 200, `{"access_token":"tok","token_type":"Bearer"`)
		}, 200, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTokenEndpoint(t, func(_ int, r tokenRequest, w http.ResponseWriter) { tt.answer(w, r) })
			p, _ := newTestProvider(t, e, nil)
			tok, _, err := p.Token(context.Background())
			assert.Nil(t, tok)
			var oe *OAuthError
			require.True(t, errors.As(err, &oe), "got %v", err)
			assert.Equal(t, tt.status, oe.StatusCode)
			assert.Equal(t, tt.code, oe.ErrorCode)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			if oe.ErrorCode == "" {
				assert.NotEmpty(t, oe.Error())
			}
			// Failures are not cached: the next call asks again.
			_, _, _ = p.Token(context.Background())
			assert.Greater(t, len(e.requests()), 1)
		})
	}
}

func TestTokenProvider_errorHidesSecrets(t *testing.T) {
	e := newTokenEndpoint(t, func(_ int, r tokenRequest, w http.ResponseWriter) {
		w.Header().Set("X-Okta-Request-Id", "req"+strings.Repeat("é", 100))
		oauthError(w, http.StatusUnauthorized, "invalid_client\n",
			"bad assertion "+r.form.Get("client_assertion")+"\r\n"+strings.Repeat("x", 10_000), "")
	})
	p, _ := newTestProvider(t, e, nil)
	_, _, err := p.Token(context.Background())
	var oe *OAuthError
	require.True(t, errors.As(err, &oe))
	assertion := e.requests()[0].form.Get("client_assertion")
	for _, s := range []string{err.Error(), fmt.Sprintf("%#v", err), slogJSON(t, err)} {
		assert.NotContains(t, s, assertion[5:25])
		assert.NotContains(t, s, "\n")
		assert.Less(t, len(s), 600)
	}
	assert.Equal(t, "invalid_client ", oe.ErrorCode)
	assert.LessOrEqual(t, len(oe.RequestId), retry.MaxRequestIDLen)
}

// slogJSON returns what slog's JSON handler writes for v.
func slogJSON(t *testing.T, v any) string {
	t.Helper()
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("m", "v", v)
	return strings.TrimSuffix(b.String(), "\n")
}

func TestTokenProvider_oneFetchFor64Callers(t *testing.T) {
	release := make(chan struct{})
	e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) {
		<-release
		grant(w, "DPoP", "shared")
	})
	p, _ := newTestProvider(t, e, nil)
	var started, done sync.WaitGroup
	auths := make([]string, 64)
	for i := range auths {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			started.Done()
			tok, _, err := p.Token(context.Background())
			if assert.NoError(t, err) {
				auths[i] = tok.Authorization()
			}
		}()
	}
	started.Wait()
	close(release)
	done.Wait()
	assert.Len(t, e.requests(), 1, "one token request serves every waiting goroutine")
	for _, a := range auths {
		assert.Equal(t, "DPoP shared", a)
	}
}

// The token request's proof and assertion are single-use, so Go's transport
// never resends the request by itself: not even with an Idempotency-Key (a
// DefaultHeader may set one), which makes Go resend a POST whose reused
// connection broke after the server read it.
func TestTokenProvider_notReplayedByGo(t *testing.T) {
	for _, key := range []string{"Idempotency-Key", "X-Idempotency-Key"} {
		t.Run(key, func(t *testing.T) {
			e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) {
				if n == 1 { // the second request, on the first one's connection
					c, _, err := w.(http.Hijacker).Hijack()
					require.NoError(t, err)
					c.Close()
					return
				}
				grant(w, "DPoP", fmt.Sprint("tok-", n))
			})
			p, _ := newTestProvider(t, e, func(c *Configuration) { c.DefaultHeader = map[string]string{key: "k1"} })
			require.NoError(t, p.Fetch(context.Background()).Err)
			assert.Error(t, p.Fetch(context.Background()).Err, "a broken connection is the call's to retry, with a new proof")
			assert.Equal(t, 2, len(e.requests()), "Go's transport resent a spent proof and assertion")
		})
	}
}

// A token fetch that panics (here in a caller's transport) panics in the
// calling goroutine and still ends its flight: the next call fetches again
// instead of waiting forever for a flight that never lands. (What the
// flight's waiters get is internal/flight's TestCache_panicEndsTheFlight.)
func TestTokenProvider_panicEndsTheFlight(t *testing.T) {
	e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) { grant(w, "DPoP", fmt.Sprint("tok-", n)) })
	var armed atomic.Bool
	armed.Store(true)
	p, _ := newTestProvider(t, e, func(c *Configuration) {
		base := c.HTTPClient.Transport
		c.HTTPClient = &http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			if armed.Load() {
				panic("transport bug")
			}
			return base.RoundTrip(r)
		})}
	})
	assert.PanicsWithValue(t, "transport bug", func() { _, _, _ = p.Token(context.Background()) })

	armed.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tok, _, err := p.Token(ctx)
	require.NoError(t, err, "the next call fetches again")
	assert.Equal(t, "DPoP tok-0", tok.Authorization())
}

// A caller's Clock that panics while the provider reads the cache leaves no
// lock held: the next call gets its token.
func TestTokenProvider_clockPanicLeavesNoLock(t *testing.T) {
	e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) { grant(w, "DPoP", fmt.Sprint("tok-", n)) })
	p, clock := newTestProvider(t, e, nil)
	c := &panickyClock{Clock: clock}
	p.Clock = c
	c.armed.Store(true)
	assert.PanicsWithValue(t, "clock bug", func() { _, _, _ = p.Token(context.Background()) })
	c.armed.Store(false)
	got := make(chan error, 1)
	go func() {
		_, _, err := p.Token(context.Background())
		got <- err
	}()
	select {
	case err := <-got:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the provider's lock was left held")
	}
}

// panickyClock is a Clock whose Now panics while armed.
type panickyClock struct {
	Clock
	armed atomic.Bool
}

func (c *panickyClock) Now() time.Time {
	if c.armed.Load() {
		panic("clock bug")
	}
	return c.Clock.Now()
}

func TestTokenProvider_contextBoundsTheFetch(t *testing.T) {
	block := make(chan struct{})
	e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) {
		if n == 0 {
			<-block
			return
		}
		grant(w, "Bearer", "second")
	})
	t.Cleanup(func() { close(block) }) // before the server's Close, which waits for the handler
	p, _ := newTestProvider(t, e, nil)
	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() {
		_, _, err := p.Token(leaderCtx)
		leaderErr <- err
	}()
	require.Eventually(t, func() bool { return len(e.requests()) == 1 }, 2*time.Second, time.Millisecond)

	// A waiter with a shorter deadline stops waiting at its deadline.
	short, cancelShort := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancelShort()
	_, _, err := p.Token(short)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// A waiter whose context lives on fetches anew when the leader's ends.
	waiter := make(chan string, 1)
	go func() {
		tok, _, err := p.Token(context.Background())
		if assert.NoError(t, err) {
			waiter <- tok.Authorization()
		}
	}()
	cancel()
	assert.ErrorIs(t, <-leaderErr, context.Canceled)
	assert.Equal(t, "Bearer second", <-waiter)
	assert.Len(t, e.requests(), 2)
}

func TestTokenProvider_attemptTimeoutBoundsTheFetch(t *testing.T) {
	block := make(chan struct{})
	e := newTokenEndpoint(t, func(int, tokenRequest, http.ResponseWriter) { <-block })
	t.Cleanup(func() { close(block) }) // before the server's Close, which waits for the handler
	p, _ := newTestProvider(t, e, func(c *Configuration) { c.AttemptTimeout = 5 * time.Millisecond })
	_, _, err := p.Token(context.Background())
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// expires_in as a float or a string of seconds, as some servers send it,
// still gives a usable token; what cannot be read means the default.
func TestTokenLifetime(t *testing.T) {
	for raw, want := range map[string]time.Duration{
		`3600`: time.Hour, `3600.0`: time.Hour, `3600.5`: 3600500 * time.Millisecond, `"3600"`: time.Hour,
		`1e300`: auth.MaxTokenLifetime, `99999999999999999999`: auth.MaxTokenLifetime,
		``: auth.DefaultTokenLifetime, `null`: auth.DefaultTokenLifetime, `0`: auth.DefaultTokenLifetime, `-5`: auth.DefaultTokenLifetime,
		`"soon"`: auth.DefaultTokenLifetime, `NaN`: auth.DefaultTokenLifetime, `{}`: auth.DefaultTokenLifetime,
	} {
		assert.Equal(t, want, auth.TokenLifetime(json.RawMessage(raw)), raw)
	}
}

func TestParseTokenResponse_lifetime(t *testing.T) {
	now := testClockStart
	for _, tt := range []struct {
		expiresIn string
		refresh   time.Duration
	}{
		{"3600", 3600*time.Second - auth.MaxEarlyRefresh},
		{"100", 90 * time.Second},
		{"0", auth.DefaultTokenLifetime - auth.DefaultTokenLifetime/10},
		{"99999999999999999", auth.MaxTokenLifetime - auth.MaxEarlyRefresh},
	} {
		body := `{"token_type":"Bearer","access_token":"t","expires_in":` + tt.expiresIn + `}`
		tok, err := parseTokenResponse(&http.Response{StatusCode: 200, Header: http.Header{}}, []byte(body), now)
		require.NoError(t, err, tt.expiresIn)
		assert.Equal(t, now.Add(tt.refresh), tok.RefreshAt(), tt.expiresIn)
	}
}

// parseTokenResponse is auth.ParseTokenResponse with the client's
// *OAuthError.
func parseTokenResponse(resp *http.Response, body []byte, now time.Time, secrets ...string) (*auth.Token, error) {
	return auth.ParseTokenResponse(resp, body, now, newTokenError, secrets...)
}

func TestOAuthError_Is(t *testing.T) {
	for status, want := range map[int]error{401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound, 429: ErrRateLimited} {
		err := fmt.Errorf("okta: GetSession: %w", &OAuthError{StatusCode: status})
		assert.ErrorIs(t, err, want)
		for _, other := range []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited} {
			if other != want {
				assert.NotErrorIs(t, err, other)
			}
		}
	}
	assert.NotErrorIs(t, &OAuthError{StatusCode: 400}, ErrUnauthorized)
}

// jwtClaims decodes a JWT's claims without verifying it.
func jwtClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	var m map[string]any
	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	require.NoError(t, err)
	require.NoError(t, parsed.UnsafeClaimsWithoutVerification(&m))
	return m
}

func TestAssertionClaims(t *testing.T) {
	s, err := newAssertionSigner(testECKeyPEM(), "")
	require.NoError(t, err)
	a, err := s.Sign("client", "https://acme.okta.com/oauth2/v1/token", testClockStart)
	require.NoError(t, err)
	m := jwtClaims(t, a)
	assert.Equal(t, "https://acme.okta.com/oauth2/v1/token", m["aud"], "aud is the token endpoint URL, as a string")
	b, _ := json.Marshal(m)
	assert.NotContains(t, string(b), "nbf")
}
