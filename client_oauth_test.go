package okta

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/dpop"
	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/pipeline"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// oauthOrg is a local org for "PrivateKey" clients: a token endpoint and
// the API on one server, each answering by its handler, given the number
// of the request (0 for the first). It keeps the requests of each.
type oauthOrg struct {
	srv *httptest.Server

	mu     sync.Mutex
	tokens []*http.Request
	api    []*http.Request
}

// newOAuthOrg starts an org whose token endpoint answers with token and
// whose API answers with api.
func newOAuthOrg(t *testing.T, token, api func(n int, w http.ResponseWriter)) *oauthOrg {
	t.Helper()
	o := &oauthOrg{}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		list := &o.api
		if r.URL.Path == auth.TokenPath {
			list = &o.tokens
		}
		*list = append(*list, r)
		n := len(*list) - 1
		o.mu.Unlock()
		if r.URL.Path == auth.TokenPath {
			token(n, w)
			return
		}
		api(n, w)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

// requests returns the token requests and the API requests so far.
func (o *oauthOrg) requests() (tokens, api []*http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]*http.Request(nil), o.tokens...), append([]*http.Request(nil), o.api...)
}

// client returns a "PrivateKey" client of the org with the test EC key,
// edit applied to its configuration.
func (o *oauthOrg) client(t *testing.T, edit func(*Configuration)) *APIClient {
	t.Helper()
	cfg := &Configuration{
		BasePath:   o.srv.URL,
		ClientID:   testClientID,
		Scopes:     []string{"okta.sessions.read", "okta.sessions.manage"},
		PrivateKey: testECKeyPEM(),
		Clock:      &testClock{now: time.Now()},
	}
	if edit != nil {
		edit(cfg)
	}
	require.NoError(t, cfg.Validate())
	return NewAPIClient(cfg)
}

// dpopGrant answers every token request with the DPoP-bound token "tok-<n>".
func dpopGrant(n int, w http.ResponseWriter) { grant(w, "DPoP", fmt.Sprint("tok-", n)) }

// refuseFirstToken answers the first token request with OAuth's error
// (status, code, and a DPoP-Nonce when nonce is not empty), and every later
// one with a DPoP-bound token.
func refuseFirstToken(status int, code, nonce string) func(int, http.ResponseWriter) {
	return func(n int, w http.ResponseWriter) {
		if n == 0 {
			oauthError(w, status, code, "refused once", nonce)
			return
		}
		dpopGrant(n, w)
	}
}

// okSession answers every API request with the example session.
func okSession(_ int, w http.ResponseWriter) { writeJSON(w, http.StatusOK, sessionJSON) }

// challenged answers 401 or 403 with Okta's error body, a WWW-Authenticate
// challenge and, when not empty, a DPoP-Nonce.
func challenged(w http.ResponseWriter, status int, challenge, nonce string) {
	w.Header().Set("WWW-Authenticate", challenge)
	if nonce != "" {
		w.Header().Set("DPoP-Nonce", nonce)
	}
	writeJSON(w, status, `{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`)
}

func TestPrivateKeyMode_getSession(t *testing.T) {
	org := newOAuthOrg(t, dpopGrant, okSession)
	client := org.client(t, func(c *Configuration) { c.UserAgent = "billing-svc/2.3" })
	for range 2 {
		_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
		require.NoError(t, err)
	}
	tokens, api := org.requests()
	require.Len(t, tokens, 1, "the token is cached")
	assert.True(t, strings.HasPrefix(tokens[0].Header.Get("User-Agent"), "okta-session-go/"))
	assert.True(t, strings.HasSuffix(tokens[0].Header.Get("User-Agent"), " billing-svc/2.3"))
	require.Len(t, api, 2)
	var jtis []string
	for _, r := range api {
		testHeader(t, r, "Authorization", "DPoP tok-0")
		c, _ := verifyProof(t, r.Header.Get("DPoP"))
		assert.Equal(t, http.MethodGet, c.HTM)
		assert.Equal(t, org.srv.URL+"/api/v1/sessions/"+testSessionID, c.HTU)
		assert.Equal(t, dpop.TokenHash("tok-0"), c.ATH)
		jtis = append(jtis, c.JTI)
	}
	assert.NotEqual(t, jtis[0], jtis[1])
}

func TestPrivateKeyMode_bearerToken(t *testing.T) {
	org := newOAuthOrg(t, func(_ int, w http.ResponseWriter) { grant(w, "Bearer", "plain") }, okSession)
	client := org.client(t, func(c *Configuration) { c.AddDefaultHeader("DPoP", "stale") })
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)
	_, api := org.requests()
	require.Len(t, api, 1)
	testHeader(t, api[0], "Authorization", "Bearer plain")
	assert.Empty(t, api[0].Header.Values("DPoP"), "no proofs to the API with a Bearer token")
}

func TestPrivateKeyMode_contextWins(t *testing.T) {
	org := newOAuthOrg(t, dpopGrant, okSession)
	ctx := context.WithValue(context.Background(), ContextAccessToken, "caller-token")
	_, _, err := org.client(t, nil).SessionApi.GetSession(ctx, testSessionID)
	require.NoError(t, err)
	tokens, api := org.requests()
	assert.Empty(t, tokens)
	require.Len(t, api, 1)
	testHeader(t, api[0], "Authorization", "Bearer caller-token")
	assert.Empty(t, api[0].Header.Values("DPoP"))
}

func TestPrivateKeyMode_tokenEndpointError(t *testing.T) {
	org := newOAuthOrg(t, func(_ int, w http.ResponseWriter) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "The client_assertion signature is invalid.", "")
	}, okSession)
	_, _, err := org.client(t, nil).SessionApi.GetSession(context.Background(), testSessionID)
	var oe *OAuthError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "invalid_client", oe.ErrorCode)
	assert.Equal(t, http.StatusUnauthorized, oe.StatusCode)
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.True(t, strings.HasPrefix(err.Error(), "okta: GetSession: "), "the operation is named: %v", err)
	_, api := org.requests()
	assert.Empty(t, api, "no API request without a token")
}

// A 401 asking for a DPoP nonce gets one more attempt at once, with the
// nonce in a new proof; it is not a retry.
func TestPrivateKeyMode_apiNonce(t *testing.T) {
	org := newOAuthOrg(t, dpopGrant, func(n int, w http.ResponseWriter) {
		if n == 0 {
			challenged(w, http.StatusUnauthorized, `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`, "api-n1")
			return
		}
		writeJSON(w, http.StatusOK, sessionJSON)
	})
	client := org.client(t, func(c *Configuration) { c.MaxRetries = NoRetries })
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)
	_, api := org.requests()
	require.Len(t, api, 2)
	first, _ := verifyProof(t, api[0].Header.Get("DPoP"))
	second, _ := verifyProof(t, api[1].Header.Get("DPoP"))
	assert.Empty(t, first.Nonce)
	assert.Equal(t, "api-n1", second.Nonce)
	assert.NotEqual(t, first.JTI, second.JTI)
	assert.Empty(t, api[1].Header.Values("X-Okta-Retry-Count"), "the repeat is not a retry")
}

// A token the API keeps refusing costs one new token and one more attempt,
// then the 401 is returned: never a loop.
func TestPrivateKeyMode_invalidTokenOnce(t *testing.T) {
	org := newOAuthOrg(t, dpopGrant, func(_ int, w http.ResponseWriter) {
		challenged(w, http.StatusUnauthorized, `DPoP error="invalid_token", error_description="The access token is invalid"`, "")
	})
	_, _, err := org.client(t, nil).SessionApi.GetSession(context.Background(), testSessionID)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	require.NotNil(t, apiErr.Challenge)
	assert.Equal(t, "DPoP", apiErr.Challenge.Scheme)
	assert.Equal(t, "invalid_token", apiErr.Challenge.Error)
	tokens, api := org.requests()
	assert.Len(t, tokens, 2)
	require.Len(t, api, 2)
	testHeader(t, api[1], "Authorization", "DPoP tok-1")
	for _, s := range []string{err.Error(), fmt.Sprintf("%#v", err), slogJSON(t, err)} {
		assert.NotContains(t, s, "tok-1")
		assert.NotContains(t, s, api[1].Header.Get("DPoP")[20:60])
	}
}

// A 401 for a DPoP nonce and then one for a new token each get their one
// repeat in a call; a server that keeps refusing gets no more than that. The
// repeats are attempts for the Observer, not retries.
func TestPrivateKeyMode_nonceThenInvalidToken(t *testing.T) {
	for name, tt := range map[string]struct {
		answers              int // the API's answers before a 200; all refusals when > 2
		wantTokens, wantSent int
	}{
		"nonce, new token, then the session": {2, 2, 3},
		"refused for ever":                   {99, 2, 3},
	} {
		t.Run(name, func(t *testing.T) {
			org := newOAuthOrg(t, dpopGrant, func(n int, w http.ResponseWriter) {
				switch {
				case n >= tt.answers:
					okSession(n, w)
				case n%2 == 0:
					challenged(w, http.StatusUnauthorized, `DPoP error="use_dpop_nonce"`, fmt.Sprint("nonce-", n))
				default:
					challenged(w, http.StatusUnauthorized, `DPoP error="invalid_token"`, "")
				}
			})
			obs := &recordingObserver{}
			_, _, err := org.client(t, func(c *Configuration) { c.Observer = obs }).SessionApi.GetSession(context.Background(), testSessionID)
			if tt.answers > 2 {
				assert.ErrorIs(t, err, ErrUnauthorized)
			} else {
				require.NoError(t, err)
			}
			tokens, api := org.requests()
			assert.Len(t, tokens, tt.wantTokens)
			assert.Len(t, api, tt.wantSent)
			require.Len(t, obs.calls, 1)
			assert.Equal(t, tt.wantSent, obs.calls[0].Attempts)
			assert.Len(t, obs.attempts, tt.wantSent)
			for _, r := range api {
				assert.Empty(t, r.Header.Get("X-Okta-Retry-Count"), "a repeat is not a retry")
			}
		})
	}
}

// A retry (here after a 429) carries a new proof, never a spent one.
func TestPrivateKeyMode_retryNewProof(t *testing.T) {
	org := newOAuthOrg(t, dpopGrant, func(n int, w http.ResponseWriter) {
		if n == 0 {
			w.Header().Set("Retry-After", "0")
			writeJSON(w, http.StatusTooManyRequests, `{"errorCode":"E0000047"}`)
			return
		}
		writeJSON(w, http.StatusOK, sessionJSON)
	})
	_, _, err := org.client(t, nil).SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)
	_, api := org.requests()
	require.Len(t, api, 2)
	first, _ := verifyProof(t, api[0].Header.Get("DPoP"))
	second, _ := verifyProof(t, api[1].Header.Get("DPoP"))
	assert.NotEqual(t, first.JTI, second.JTI)
	testHeader(t, api[1], "X-Okta-Retry-Count", "1")
}

func TestAPIError_challenge(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		challenge []string
		want      *Challenge
	}{
		{"missing scope", http.StatusForbidden, []string{`Bearer authorization_uri="https://acme.okta.com/oauth2/v1/authorize", realm="https://acme.okta.com", scope="okta.sessions.read", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="/api/v1/sessions/abc"`},
			&Challenge{Scheme: "Bearer", Error: "insufficient_scope", ErrorDescription: "The access token provided does not contain the required scopes.", Scope: "okta.sessions.read"}},
		{"DPoP after another scheme", http.StatusUnauthorized, []string{`Basic realm="x"`, `DPoP algs="ES256", error="invalid_token"`},
			&Challenge{Scheme: "DPoP", Error: "invalid_token"}},
		{"hostile values", http.StatusForbidden, []string{"Bearer error=\"insufficient_scope\", scope=\"okta.sessions.read\x00\n" + strings.Repeat("s", 5000) + "\""}, nil},
		{"no challenge", http.StatusUnauthorized, nil, nil},
		{"only Basic", http.StatusUnauthorized, []string{`Basic realm="x"`}, nil},
		{"not 401 or 403", http.StatusNotFound, []string{`Bearer error="invalid_token"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{"Www-Authenticate": tt.challenge}}
			e := newAPIError("GetSession", resp, nil, nil)
			if tt.name == "hostile values" {
				require.NotNil(t, e.Challenge)
				assert.LessOrEqual(t, len(e.Challenge.Scope), maxSummaryLen)
				assert.NotContains(t, e.Error(), "\n")
				return
			}
			assert.Equal(t, tt.want, e.Challenge)
			if tt.want != nil && tt.want.Scope != "" {
				assert.Contains(t, e.Error(), tt.want.Scope, "the error names the missing scope")
			}
		})
	}
}

// countingTokenSource hands out "ts-<n>" and counts its calls.
type countingTokenSource struct{ n atomic.Int32 }

func (s *countingTokenSource) Token() (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: fmt.Sprint("ts-", s.n.Add(1))}, nil
}

func TestConfiguredTokenSource(t *testing.T) {
	ts := &countingTokenSource{}
	client, mock := mockClient(t, func(c *Configuration) { c.APIToken, c.TokenSource = "", ts })
	var got http.Header
	captureHeaders(mock, http.MethodGet, getURL, &got)
	for _, want := range []string{"Bearer ts-1", "Bearer ts-2"} {
		_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
		require.NoError(t, err)
		assert.Equal(t, []string{want}, got.Values("Authorization"), "one token per call")
	}
	ctx := context.WithValue(context.Background(), ContextAPIKey, APIKey{Key: "ctxkey"})
	_, _, err := client.SessionApi.GetSession(ctx, testSessionID)
	require.NoError(t, err)
	assert.Equal(t, []string{"SSWS ctxkey"}, got.Values("Authorization"), "the context wins")

	failing, mock := mockClient(t, func(c *Configuration) { c.APIToken, c.TokenSource = "", errTokenSource{} })
	_, _, err = failing.SessionApi.GetSession(context.Background(), testSessionID)
	assert.ErrorIs(t, err, errTokenEndpoint)
	assert.Zero(t, mock.GetTotalCallCount())
}

// Validate, and every call of a client made anyway, refuse the credential
// fields of two modes at once, before any I/O.
func TestValidate_authorization(t *testing.T) {
	edit := func(c *Configuration) { c.ClientID = "0oa1" }
	cfg := NewConfiguration()
	cfg.Subdomain, cfg.APIToken = "acme", testToken
	edit(cfg)
	var ve *ValidationError
	require.True(t, errors.As(cfg.Validate(), &ve))
	assert.Equal(t, "ClientID", ve.Field)

	client, mock := mockClient(t, edit)
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "ClientID", ve.Field)
	assert.Equal(t, "GetSession", ve.Op)
	assert.Zero(t, mock.GetTotalCallCount())
}

// Go's transport never resends a request with a proof by itself, whatever
// its method and headers (an Idempotency-Key makes any method replayable to
// Go): when a reused connection breaks after the server read the request,
// the call's own retry sends a new proof.
func TestOAuthCall_notReplayedByGo(t *testing.T) {
	ctx := context.Background()
	ops := map[string]func(*APIClient) error{
		"GetSession":     func(c *APIClient) error { _, _, err := c.SessionApi.GetSession(ctx, testSessionID); return err },
		"RefreshSession": func(c *APIClient) error { _, _, err := c.SessionApi.RefreshSession(ctx, testSessionID); return err },
		"EndSession":     func(c *APIClient) error { _, err := c.SessionApi.EndSession(ctx, testSessionID); return err },
	}
	for name, op := range ops {
		for _, key := range []string{"", "Idempotency-Key", "X-Idempotency-Key"} {
			t.Run(name+" "+key, func(t *testing.T) {
				org := newOAuthOrg(t, dpopGrant, func(n int, w http.ResponseWriter) {
					switch {
					case n == 1: // the call under test, on the warm-up's connection
						c, _, err := w.(http.Hijacker).Hijack()
						require.NoError(t, err)
						c.Close()
					case n == 2 && name == "EndSession":
						w.WriteHeader(http.StatusNoContent)
					default:
						writeJSON(w, http.StatusOK, sessionJSON)
					}
				})
				client := org.client(t, func(c *Configuration) {
					if key != "" {
						c.AddDefaultHeader(key, "k1")
					}
				})
				_, _, err := client.SessionApi.GetSession(ctx, testSessionID) // warm-up: opens the connection
				require.NoError(t, err)
				require.NoError(t, op(client), "the call retries the broken attempt")
				_, api := org.requests()
				require.Len(t, api, 3, "warm-up, broken attempt, retry: Go resent nothing")
				assert.NotEqual(t, api[1].Header.Get("DPoP"), api[2].Header.Get("DPoP"), "the retry's proof is new")
			})
		}
	}
}

// unreplayable leaves Go nothing to rewind, whatever the method, body and
// headers: no GetBody, and no body that is nil or http.NoBody. Both of Go's
// transports resend only a request they can rewind: HTTP/1 when a reused
// connection breaks (the test above sends over it), HTTP/2 after a GOAWAY,
// REFUSED_STREAM or PROTOCOL_ERROR, whatever the method (an earlier
// unreplayable kept http.NoBody on a POST, which HTTP/2 resent).
func TestUnreplayable(t *testing.T) {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPut} {
		for name, body := range map[string]io.Reader{"none": nil, "NoBody": http.NoBody, "bytes": strings.NewReader(`{}`)} {
			req, err := http.NewRequest(m, "https://acme.okta.com/api/v1/sessions", body)
			require.NoError(t, err)
			httpx.Unreplayable(req)
			assert.Nil(t, req.GetBody, "%s, %s", m, name)
			assert.NotNil(t, req.Body, "%s, %s", m, name)
			assert.NotEqual(t, http.NoBody, req.Body, "%s, %s", m, name)
		}
	}
}

// A hostile token endpoint or API that echoes what the call sent (the client
// assertion, a DPoP proof, an earlier access token) into Go's own error
// texts or Okta's error body does not get it into the error.
func TestPrivateKeyMode_serverEchoesSecrets(t *testing.T) {
	hijackStatus := func(w http.ResponseWriter, text string) {
		c, b, _ := w.(http.Hijacker).Hijack()
		_, _ = b.WriteString("HTTP/1.1 " + text + " x\r\n\r\n")
		_ = b.Flush()
		c.Close()
	}
	tests := map[string]http.HandlerFunc{
		"assertion in the token endpoint's status line": func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			hijackStatus(w, r.PostForm.Get("client_assertion"))
		},
		"proof of the token request in its status line": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == auth.TokenPath {
				hijackStatus(w, r.Header.Get("DPoP"))
			}
		},
		"proof of the API request in Okta's error body": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == auth.TokenPath {
				grant(w, "DPoP", "tok-0123456789abcdef")
				return
			}
			writeJSON(w, http.StatusBadRequest, `{"errorCode":"E0000001","errorSummary":"bad proof `+r.Header.Get("DPoP")+` for `+r.Header.Get("Authorization")+`"}`)
		},
		"proof of the API request in its status line": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == auth.TokenPath {
				grant(w, "DPoP", "tok-0123456789abcdef")
				return
			}
			hijackStatus(w, r.Header.Get("DPoP"))
		},
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			var sent []string // every assertion, proof and token that crossed the wire
			var mu sync.Mutex
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				mu.Lock()
				sent = append(sent, r.PostForm.Get("client_assertion"), r.Header.Get("DPoP"), strings.TrimPrefix(r.Header.Get("Authorization"), "DPoP "))
				mu.Unlock()
				h(w, r)
			}))
			t.Cleanup(srv.Close)
			client := (&oauthOrg{srv: srv}).client(t, func(c *Configuration) { c.MaxRetries = NoRetries })
			_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
			require.Error(t, err)
			if strings.Contains(name, "status line") {
				var ue *url.Error
				assert.ErrorAs(t, err, &ue, "made safe, still a transport failure")
			}
			mu.Lock()
			defer mu.Unlock()
			assertNoSecret(t, printed(t, err), sent...)
		})
	}
}

// A token answer cut short (a body shorter than its Content-Length) is a
// transport failure, a *url.Error, and the call that needed the token
// retries it, as it would the same failure of its own request.
func TestPrivateKeyMode_tokenAnswerCutShort(t *testing.T) {
	org := newOAuthOrg(t, func(_ int, w http.ResponseWriter) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"access_token":"`))
		c, _, _ := w.(http.Hijacker).Hijack() // hijacked after the header: the connection just ends
		c.Close()
	}, okSession)
	_, _, err := org.client(t, nil).SessionApi.GetSession(context.Background(), testSessionID)
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	tokens, api := org.requests()
	assert.Len(t, tokens, 1+DefaultMaxRetries)
	assert.Empty(t, api)
}

// After an invalid_token repeat the call has sent two tokens; neither
// reaches the error.
func TestPrivateKeyMode_everyTokenOfTheCallShortened(t *testing.T) {
	grants := func(n int, w http.ResponseWriter) { grant(w, "Bearer", fmt.Sprint("secret-token-number-", n)) }
	org := newOAuthOrg(t, grants, func(n int, w http.ResponseWriter) {
		if n == 0 {
			challenged(w, http.StatusUnauthorized, `Bearer error="invalid_token"`, "")
			return
		}
		writeJSON(w, http.StatusBadRequest, `{"errorCode":"E0000001","errorSummary":"you sent secret-token-number-0 and secret-token-number-1"}`)
	})
	_, _, err := org.client(t, func(c *Configuration) { c.MaxRetries = NoRetries }).SessionApi.GetSession(context.Background(), testSessionID)
	require.Error(t, err)
	assertNoSecret(t, printed(t, err), "secret-token-number-0", "secret-token-number-1")
}

// Each token request is logged: Debug when it worked, Warn when it failed.
func TestPrivateKeyMode_tokenFetchesLogged(t *testing.T) {
	var buf bytes.Buffer
	org := newOAuthOrg(t, dpopGrant, okSession)
	client := org.client(t, func(c *Configuration) { c.Logger = logTo(&buf, slog.LevelDebug) })
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)
	var fetches int
	for _, rec := range records(t, &buf) {
		if rec["msg"] == pipeline.MsgTokenFetch {
			fetches++
			assert.Equal(t, "DEBUG", rec["level"])
			assert.Equal(t, org.srv.URL+auth.TokenPath, rec["endpoint"])
		}
	}
	assert.Equal(t, 1, fetches)
}

// Token requests carry the DefaultHeaders as API requests do, and a token
// answer over its cap is an *OAuthError with its status, not a cut-off body
// taken for bad JSON.
func TestPrivateKeyMode_tokenRequestHeadersAndCap(t *testing.T) {
	org := newOAuthOrg(t, dpopGrant, okSession)
	client := org.client(t, func(c *Configuration) { c.AddDefaultHeader("X-Tenant", "acme") })
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)
	tokens, _ := org.requests()
	require.Len(t, tokens, 1)
	testHeader(t, tokens[0], "X-Tenant", "acme")

	// An answer over the cap is still an *OAuthError with its status, so
	// that a 401 matches ErrUnauthorized and a 503 is retried.
	for status, retries := range map[int]int{http.StatusOK: 0, http.StatusUnauthorized: 0, http.StatusServiceUnavailable: DefaultMaxRetries} {
		huge := newOAuthOrg(t, func(_ int, w http.ResponseWriter) {
			writeJSON(w, status, `{"access_token":"`+strings.Repeat("a", auth.MaxTokenBody)+`","token_type":"DPoP"}`)
		}, okSession)
		_, _, err = huge.client(t, nil).SessionApi.GetSession(context.Background(), testSessionID)
		var oe *OAuthError
		require.ErrorAs(t, err, &oe, status)
		assert.Equal(t, status, oe.StatusCode)
		assert.NotEmpty(t, oe.ErrorDescription, status)
		tokens, api := huge.requests()
		assert.Len(t, tokens, 1+retries, status)
		assert.Empty(t, api, status)
		if status == http.StatusUnauthorized {
			assert.ErrorIs(t, err, ErrUnauthorized)
		}
	}
}

// A token endpoint that echoes what the API call was sent (here, after an
// invalid_token that made the call fetch again: the session ID of
// GetSession and the refused token) gets it into neither the error nor the
// log. (CreateSession, whose session token this test echoed before, sends
// no token in the OAuth modes.)
func TestPrivateKeyMode_tokenEndpointEchoesTheCall(t *testing.T) {
	var buf bytes.Buffer
	var seen atomic.Value
	seen.Store("")
	org := newOAuthOrg(t, func(n int, w http.ResponseWriter) {
		if n == 0 {
			grant(w, "Bearer", "AT1secretACCESStokenVALUE")
			return
		}
		writeJSON(w, http.StatusBadRequest, `{"error":"invalid_client","error_description":"you sent `+seen.Load().(string)+`"}`)
	}, func(_ int, w http.ResponseWriter) {
		seen.Store(testSessionID + " AT1secretACCESStokenVALUE")
		challenged(w, http.StatusUnauthorized, `Bearer error="invalid_token"`, "")
	})
	client := org.client(t, func(c *Configuration) { c.Logger = logTo(&buf, slog.LevelDebug) })
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	var oe *OAuthError
	require.ErrorAs(t, err, &oe, "still an *OAuthError")
	assert.Equal(t, "invalid_client", oe.ErrorCode)
	assertNoSecret(t, printed(t, err)+buf.String(), testSessionID, "AT1secretACCESStokenVALUE")
}

// The token endpoint's 429 or 503 is retried like the API's, for every
// operation: no API request was sent. The Observer counts only attempts
// that were sent.
func TestPrivateKeyMode_tokenEndpointBusy(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		org := newOAuthOrg(t, func(n int, w http.ResponseWriter) {
			if n == 0 {
				writeJSON(w, status, `{"error":"temporarily_unavailable"}`)
				return
			}
			dpopGrant(n, w)
		}, okSession)
		obs := &recordingObserver{}
		client := org.client(t, func(c *Configuration) { c.Observer = obs })
		_, _, err := client.SessionApi.RefreshSession(context.Background(), testSessionID)
		require.NoError(t, err, "status %d", status)
		_, api := org.requests()
		assert.Len(t, api, 1)
		require.Len(t, obs.calls, 1)
		assert.Equal(t, 1, obs.calls[0].Attempts, "the attempt whose token fetch failed was not sent")
	}

	down := newOAuthOrg(t, func(_ int, w http.ResponseWriter) {
		writeJSON(w, http.StatusInternalServerError, `{"error":"server_error"}`)
	}, okSession)
	obs := &recordingObserver{}
	_, _, err := down.client(t, func(c *Configuration) { c.Observer = obs }).SessionApi.GetSession(context.Background(), testSessionID)
	require.Error(t, err)
	require.Len(t, obs.calls, 1)
	assert.Zero(t, obs.calls[0].Attempts)
	assert.Empty(t, obs.attempts)
}

// A caller's HTTPClient follows redirects within the org, but never one of a
// request that carries a DPoP proof: Go would copy the spent proof onto it.
func TestPrivateKeyMode_noRedirectWithAProof(t *testing.T) {
	org := newOAuthOrg(t, dpopGrant, func(_ int, w http.ResponseWriter) {
		w.Header().Set("Location", "/elsewhere")
		w.WriteHeader(http.StatusFound)
	})
	client := org.client(t, func(c *Configuration) { c.HTTPClient, c.MaxRetries = &http.Client{}, NoRetries })
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusFound, apiErr.StatusCode)
	_, api := org.requests()
	assert.Len(t, api, 1, "the redirect was not followed")
}

// A token request whose connection breaks: the API request was never sent,
// so the call is retried. (This test made a CreateSession, which is not
// idempotent, to show that; CreateSession fetches no token in the OAuth
// modes any more, see TestCreateSession_anonymousInOAuthModes.)
func TestPrivateKeyMode_tokenConnectionLostRetried(t *testing.T) {
	org := newOAuthOrg(t, func(n int, w http.ResponseWriter) {
		if n == 0 {
			c, _, _ := w.(http.Hijacker).Hijack()
			c.Close()
			return
		}
		dpopGrant(n, w)
	}, okSession)
	_, _, err := org.client(t, nil).SessionApi.RefreshSession(context.Background(), testSessionID)
	require.NoError(t, err)
	tokens, api := org.requests()
	assert.Len(t, tokens, 2)
	assert.Len(t, api, 1)
}
