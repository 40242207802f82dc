package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// The tests of this file hold every request kind (each API operation, and
// the token request of "PrivateKey" mode) in every way of authenticating to
// the same guarantees, against the hostile servers the API path is tested
// with: bounded in time, Retry-After and MaxRetryWait honoured, nothing
// server-given whole in a log record, and every secret the call sent
// shortened in its error.

// Secrets of the matrix: each long enough for assertNoSecret.
const (
	matrixSessionToken = "20111matrixSESSIONtoken0123"
	matrixCookie       = "matrixCOOKIEvalue0123456789"
	matrixAccessToken  = "matrixCONTEXTaccessTOKEN0123"
	matrixSourceToken  = "matrixSOURCEaccessTOKEN0123"
)

// authCase is one way of authenticating a client.
type authCase struct {
	name      string
	edit      func(*Configuration)                  // the configuration's credential
	ctx       func(context.Context) context.Context // a credential on the context, or nil
	tokenType string                                // "PrivateKey" mode: the token_type the org grants; "" otherwise
}

// authCases are the modes: SSWS, a Bearer token on the context, a
// configured TokenSource (AuthorizationMode Bearer), and "PrivateKey" with
// DPoP-bound and with Bearer tokens.
var authCases = []authCase{
	{name: "SSWS", edit: func(c *Configuration) { c.APIToken = testToken }},
	{name: "Bearer", edit: func(*Configuration) {}, ctx: func(ctx context.Context) context.Context {
		return context.WithValue(ctx, ContextAccessToken, matrixAccessToken)
	}},
	{name: "TokenSource", edit: func(c *Configuration) {
		c.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: matrixSourceToken})
	}},
	{name: "PrivateKey-DPoP", edit: privateKeyMode, tokenType: "DPoP"},
	{name: "PrivateKey-Bearer", edit: privateKeyMode, tokenType: "Bearer"},
}

// privateKeyMode configures a service app with the test EC key.
func privateKeyMode(c *Configuration) {
	c.ClientID, c.PrivateKey = testClientID, testECKeyPEM()
	c.Scopes = []string{"okta.sessions.read", "okta.sessions.manage"}
}

// matrixOp is an API operation, made with the matrix's arguments.
type matrixOp struct {
	name   string
	cookie bool // the current-session operations: the user's cookie is the only credential
	run    func(ctx context.Context, c *APIClient) error
}

// matrixOps are every API operation.
var matrixOps = []matrixOp{
	{name: "CreateSession", run: func(ctx context.Context, c *APIClient) error {
		_, _, err := c.SessionApi.CreateSession(ctx, CreateSessionRequest{SessionToken: matrixSessionToken})
		return err
	}},
	{name: "GetSession", run: func(ctx context.Context, c *APIClient) error {
		_, _, err := c.SessionApi.GetSession(ctx, testSessionID)
		return err
	}},
	{name: "RefreshSession", run: func(ctx context.Context, c *APIClient) error {
		_, _, err := c.SessionApi.RefreshSession(ctx, testSessionID)
		return err
	}},
	{name: "EndSession", run: func(ctx context.Context, c *APIClient) error {
		_, err := c.SessionApi.EndSession(ctx, testSessionID)
		return err
	}},
	{name: "GetCurrentSession", cookie: true, run: func(ctx context.Context, c *APIClient) error {
		_, _, err := c.SessionApi.GetCurrentSession(ctx, &http.Cookie{Name: cookieSid, Value: matrixCookie})
		return err
	}},
	{name: "RefreshCurrentSession", cookie: true, run: func(ctx context.Context, c *APIClient) error {
		_, _, err := c.SessionApi.RefreshCurrentSession(ctx, &http.Cookie{Name: cookieIdx, Value: matrixCookie})
		return err
	}},
	{name: "CloseCurrentSession", cookie: true, run: func(ctx context.Context, c *APIClient) error {
		_, err := c.SessionApi.CloseCurrentSession(ctx, &http.Cookie{Name: cookieSid, Value: matrixCookie})
		return err
	}},
	{name: "RevokeUserSessions", run: func(ctx context.Context, c *APIClient) error {
		_, err := c.UserSessionsApi.RevokeUserSessions(ctx, "00ubgaSARVOQDIOXMORI", nil)
		return err
	}},
}

// fetchesToken reports whether op in mode a sends a token request first:
// neither the current-session operations (the cookie is their credential)
// nor CreateSession (anonymous in the OAuth modes) do.
func fetchesToken(a authCase, op matrixOp) bool {
	return a.tokenType != "" && !op.cookie && op.name != "CreateSession"
}

// requestKind is one request of a call that the hostile server answers:
// the API request, or the token request before it.
type requestKind struct {
	name  string
	token bool
}

// matrixCase is one request kind of one operation in one mode.
type matrixCase struct {
	auth authCase
	op   matrixOp
	kind requestKind
}

func (m matrixCase) name() string { return m.kind.name + "/" + m.auth.name + "/" + m.op.name }

// run runs the case's operation with a client made of cfg.
func (m matrixCase) run(cfg *Configuration) error {
	ctx := context.Background()
	if m.auth.ctx != nil {
		ctx = m.auth.ctx(ctx)
	}
	return m.op.run(ctx, NewAPIClient(cfg))
}

// matrix returns every request kind of every operation in every mode.
func matrix() []matrixCase {
	var out []matrixCase
	for _, a := range authCases {
		for _, op := range matrixOps {
			out = append(out, matrixCase{a, op, requestKind{"api", false}})
			if fetchesToken(a, op) {
				out = append(out, matrixCase{a, op, requestKind{"token", true}})
			}
		}
	}
	return out
}

// matrixOrg is a local org for the matrix: the token endpoint and the API on
// one server, answering by handle, given the route (token or API), how
// many requests that route had before, and every secret and path seen so
// far, joined, for a hostile server to echo. It records every secret that
// crossed the wire, the tokens it granted included.
type matrixOrg struct {
	srv       *httptest.Server
	tokenType string

	mu     sync.Mutex
	n      map[bool]int
	seen   []string // secrets
	paths  []string // paths asked for: echoed, not secrets
	tokens int      // tokens granted
}

// orgHandler answers one request of a matrixOrg.
type orgHandler func(o *matrixOrg, token bool, n int, w http.ResponseWriter, r *http.Request, seen string)

// newMatrixOrg starts the org of case m, answering by handle.
func newMatrixOrg(t *testing.T, m matrixCase, handle orgHandler) *matrixOrg {
	t.Helper()
	o := &matrixOrg{tokenType: m.auth.tokenType, n: map[bool]int{}}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		isToken := r.URL.Path == auth.TokenPath
		n, seen := o.record(r, isToken)
		handle(o, isToken, n, w, r, seen)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

// onKind answers the route of m's request kind by hostile, the other well.
func onKind(m matrixCase, hostile func(n int, w http.ResponseWriter, r *http.Request, seen string)) orgHandler {
	return func(o *matrixOrg, token bool, n int, w http.ResponseWriter, r *http.Request, seen string) {
		if token == m.kind.token {
			hostile(n, w, r, seen)
			return
		}
		o.well(token, w)
	}
}

// well answers as Okta does: a token of the org's type, or the session.
func (o *matrixOrg) well(token bool, w http.ResponseWriter) {
	if !token {
		writeJSON(w, http.StatusOK, sessionJSON)
		return
	}
	o.mu.Lock()
	tok := fmt.Sprintf("matrixGRANTEDtoken-%d", o.tokens)
	o.tokens++
	o.seen = append(o.seen, tok)
	o.mu.Unlock()
	grant(w, o.tokenType, tok)
}

// record notes the secrets r carries and counts it on its route; it
// returns its number there and every secret seen so far, joined.
func (o *matrixOrg) record(r *http.Request, isToken bool) (int, string) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	var create CreateSessionRequest
	_ = json.Unmarshal(body, &create)
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	_, cookie, _ := strings.Cut(r.Header.Get("Cookie"), "=")
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range []string{cred, cookie, r.Header.Get("DPoP"), form.Get("client_assertion"), create.SessionToken} {
		if s != "" {
			o.seen = append(o.seen, s)
		}
	}
	o.paths = append(o.paths, r.URL.Path)
	n := o.n[isToken]
	o.n[isToken]++
	return n, strings.Join(append(o.paths, o.seen...), " ")
}

// secrets returns every secret seen, and the call's own.
func (o *matrixOrg) secrets() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string{testSessionID, matrixSessionToken, matrixCookie, matrixAccessToken, matrixSourceToken, testToken}, o.seen...)
}

// requests returns how many requests the route of kind had.
func (o *matrixOrg) requests(token bool) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n[token]
}

// config returns a configuration of m's mode for the org, edit applied.
func (o *matrixOrg) config(m matrixCase, edit func(*Configuration)) *Configuration {
	cfg := &Configuration{BasePath: o.srv.URL, Clock: &testClock{now: testClockStart}}
	m.auth.edit(cfg)
	if edit != nil {
		edit(cfg)
	}
	return cfg
}

// echoError answers with an error that echoes seen everywhere a server's
// words go: for the token endpoint OAuth's error body, for the API Okta's,
// and in both the request id and a WWW-Authenticate challenge.
func echoError(w http.ResponseWriter, r *http.Request, status int, seen string) {
	w.Header().Set("X-Okta-Request-Id", seen)
	w.Header().Set("WWW-Authenticate", `Bearer error="`+seen+`", error_description="`+seen+`"`)
	if r.URL.Path == auth.TokenPath {
		writeJSON(w, status, fmt.Sprintf(`{"error":%q,"error_description":%q}`, seen, seen))
		return
	}
	writeJSON(w, status, fmt.Sprintf(`{"errorCode":%q,"errorSummary":%q,"errorLink":%q,"errorId":%q,"errorCauses":[{"errorSummary":%q}]}`,
		seen, seen, seen, seen, seen))
}

// hijackReply answers with reply, raw, and then holds the connection,
// reading and discarding, until the client closes it or the test ends.
func hijackReply(t *testing.T, reply string) func(int, http.ResponseWriter, *http.Request, string) {
	return func(_ int, w http.ResponseWriter, _ *http.Request, _ string) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		t.Cleanup(func() { conn.Close() })
		_, _ = buf.WriteString(reply)
		_ = buf.Flush()
		_, _ = io.Copy(io.Discard, conn)
	}
}

// bounded sets short bounds, and no retries.
func bounded(c *Configuration) {
	c.MaxRetries, c.AttemptTimeout, c.Timeout = NoRetries, 50*time.Millisecond, 200*time.Millisecond
}

// within runs f and returns its error, failing the test if f has not
// returned within a few seconds: far past the bounds a test sets, so that
// only a call that ignores them trips it.
func within(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Error("the call outlived its deadline")
		return nil
	}
}

// Every request kind returns within AttemptTimeout and Timeout whatever
// its server sends, and whatever body a caller's transport returns: the
// token request as the API request.
func TestPipeline_boundedInTime(t *testing.T) {
	for _, m := range matrix() {
		for name, reply := range hostileReplies {
			t.Run(m.name()+"/"+name, func(t *testing.T) {
				t.Parallel()
				org := newMatrixOrg(t, m, onKind(m, hijackReply(t, reply)))
				_ = within(t, func() error { return m.run(org.config(m, bounded)) })
			})
		}
		for name, body := range map[string]func(t *testing.T) io.ReadCloser{
			"a caller's body that ignores the context":           func(*testing.T) io.ReadCloser { return &blockingBody{closed: make(chan struct{})} },
			"a caller's body that ignores the context and Close": func(t *testing.T) io.ReadCloser { return newDeafBody(t) },
			"a caller's body whose Close never returns":          func(t *testing.T) io.ReadCloser { return newStuckCloseBody(t) },
		} {
			t.Run(m.name()+"/"+name, func(t *testing.T) {
				t.Parallel()
				org := newMatrixOrg(t, m, func(o *matrixOrg, token bool, _ int, w http.ResponseWriter, _ *http.Request, _ string) {
					o.well(token, w)
				})
				cfg := org.config(m, bounded)
				cfg.HTTPClient = &http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
					if (r.URL.Path == auth.TokenPath) != m.kind.token {
						return http.DefaultTransport.RoundTrip(r)
					}
					return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: body(t), Request: r}, nil
				})}
				_ = within(t, func() error { return m.run(cfg) })
			})
		}
	}
}

// A token fetch stuck on a hostile answer ends at the attempt's bounds, so
// that the calls waiting for it return in time, and the next call, once
// the endpoint answers again, gets its token.
func TestPipeline_stuckTokenFetchReleasesLaterCalls(t *testing.T) {
	get := matrixOps[1]
	for _, a := range authCases[3:] {
		t.Run(a.name, func(t *testing.T) {
			m := matrixCase{a, get, requestKind{"token", true}}
			hold := hijackReply(t, hostileReplies["101 then hold"])
			org := newMatrixOrg(t, m, func(o *matrixOrg, token bool, n int, w http.ResponseWriter, r *http.Request, seen string) {
				if token && n == 0 {
					hold(n, w, r, seen)
					return
				}
				o.well(token, w)
			})
			client := NewAPIClient(org.config(m, bounded))
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() { _ = within(t, func() error { return get.run(context.Background(), client) }) })
			}
			wg.Wait()
			assert.NoError(t, within(t, func() error { return get.run(context.Background(), client) }))
		})
	}
}

// A 429 of either request kind is retried after its Retry-After, on the
// client's clock, and not at all when Retry-After passes MaxRetryWait.
func TestPipeline_retryAfterHonoured(t *testing.T) {
	tooMany := func(after string) func(int, http.ResponseWriter, *http.Request, string) {
		return func(_ int, w http.ResponseWriter, _ *http.Request, _ string) {
			w.Header().Set("Retry-After", after)
			writeJSON(w, http.StatusTooManyRequests, `{"error":"rate_limited","errorCode":"E0000047"}`)
		}
	}
	for _, m := range matrix() {
		t.Run(m.name()+"/past MaxRetryWait", func(t *testing.T) {
			t.Parallel()
			org := newMatrixOrg(t, m, onKind(m, tooMany("3600")))
			err := m.run(org.config(m, nil))
			assert.ErrorIs(t, err, ErrRateLimited)
			assert.Equal(t, 1, org.requests(m.kind.token), "retried despite a Retry-After past MaxRetryWait")
		})
		t.Run(m.name()+"/within MaxRetryWait", func(t *testing.T) {
			t.Parallel()
			first := tooMany("20")
			org := newMatrixOrg(t, m, func(o *matrixOrg, token bool, n int, w http.ResponseWriter, r *http.Request, seen string) {
				if token == m.kind.token && n == 0 {
					first(n, w, r, seen)
					return
				}
				o.well(token, w)
			})
			clock := &testClock{now: testClockStart}
			assert.NoError(t, m.run(org.config(m, func(c *Configuration) { c.Clock = clock })))
			if assert.NotEmpty(t, clock.waits) {
				assert.GreaterOrEqual(t, clock.waits[0], 20*time.Second, "Retry-After not honoured")
			}
		})
	}
}

// echoing answers an org's requests for the log and secret tests: the API
// refuses the first token it gets as invalid_token, so that the call
// fetches another after its API request was sent; the route of m's request
// kind then fails (after its first answer, for the token request) echoing
// everything it saw, first with a 503, which a call retries, then a 400.
func echoing(m matrixCase) orgHandler {
	fails := 0
	var mu sync.Mutex
	return func(o *matrixOrg, token bool, n int, w http.ResponseWriter, r *http.Request, seen string) {
		switch {
		case !token && m.kind.token && n == 0:
			challenged(w, http.StatusUnauthorized, `Bearer error="invalid_token"`, "")
		case token != m.kind.token || token && n == 0:
			o.well(token, w)
		default:
			mu.Lock()
			status := http.StatusServiceUnavailable
			if fails++; fails > 1 {
				status = http.StatusBadRequest
			}
			mu.Unlock()
			echoError(w, r, status, seen)
		}
	}
}

// A server that echoes everything the call sent (credentials, assertions,
// proofs, tokens, session ids and tokens, cookies) into every word of its
// answers, of either request kind, gets none of it into a log record, JSON
// or text, or an Observer's event.
func TestPipeline_logsHoldNothingServerGiven(t *testing.T) {
	handlers := map[string]func(io.Writer) slog.Handler{
		"json": func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
		"text": func(w io.Writer) slog.Handler {
			return slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
	}
	for _, m := range matrix() {
		for name, handler := range handlers {
			t.Run(m.name()+"/"+name, func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				obs := &recordingObserver{}
				org := newMatrixOrg(t, m, echoing(m))
				err := m.run(org.config(m, func(c *Configuration) { c.Logger, c.Observer = slog.New(handler(&buf)), obs }))
				assert.Error(t, err)
				assertNoSecret(t, buf.String()+fmt.Sprintf("%+v %+v %+v", obs.calls, obs.attempts, obs.waits), org.secrets()...)
			})
		}
	}
}

// Every secret a call sent, in any of its requests (a client assertion and
// the proof of an earlier token request, an earlier token), is shortened in
// its error, whichever request's answer echoes it.
func TestPipeline_earlierSecretsShortened(t *testing.T) {
	for _, m := range matrix() {
		t.Run(m.name(), func(t *testing.T) {
			t.Parallel()
			org := newMatrixOrg(t, m, echoing(m))
			err := m.run(org.config(m, nil))
			assert.Error(t, err)
			assertNoSecret(t, printed(t, err), org.secrets()...)
		})
	}
}

// stuckClock is a caller's Clock whose waits never end.
type stuckClock struct{ testClock }

func (*stuckClock) After(time.Duration) <-chan time.Time { return nil }

// A Clock whose waits never end (a caller's clock that is stuck or broken)
// cannot hold a call past its Timeout: neither a retry's wait, of either
// request kind in every mode, nor a wait for RateLimitFloor's reset.
func TestPipeline_stuckClockBoundedByTimeout(t *testing.T) {
	stuck := func(c *Configuration) {
		c.Clock, c.Timeout, c.AttemptTimeout = &stuckClock{testClock{now: testClockStart}}, 800*time.Millisecond, 300*time.Millisecond
	}
	for _, m := range matrix() {
		t.Run(m.name()+"/retry wait", func(t *testing.T) {
			t.Parallel()
			org := newMatrixOrg(t, m, onKind(m, func(_ int, w http.ResponseWriter, _ *http.Request, _ string) {
				writeJSON(w, http.StatusServiceUnavailable, `{"error":"temporarily_unavailable"}`)
			}))
			assert.Error(t, within(t, func() error { return m.run(org.config(m, stuck)) }))
		})
	}
	t.Run("RateLimitFloor wait", func(t *testing.T) {
		m := matrixCase{authCases[0], matrixOps[1], requestKind{"api", false}}
		org := newMatrixOrg(t, m, func(_ *matrixOrg, _ bool, _ int, w http.ResponseWriter, _ *http.Request, _ string) {
			w.Header().Set("X-Rate-Limit-Limit", "100")
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(testClockStart.Add(time.Second).Unix(), 10))
			writeJSON(w, http.StatusOK, sessionJSON)
		})
		client := NewAPIClient(org.config(m, func(c *Configuration) { stuck(c); c.RateLimitFloor, c.Timeout = 1, 3*time.Second }))
		assert.NoError(t, m.op.run(context.Background(), client))
		var te *ThrottleError
		assert.ErrorAs(t, within(t, func() error { return m.op.run(context.Background(), client) }), &te)
	})
}

// tokenSourceFunc is a caller's oauth2.TokenSource.
type tokenSourceFunc func() (*oauth2.Token, error)

func (f tokenSourceFunc) Token() (*oauth2.Token, error) { return f() }

// A caller's TokenSource that never returns (oauth2's own sources fetch
// with http.DefaultClient, which has no timeout) cannot hold a call past
// its Timeout, configured or on the context; one that panics panics in the
// calling goroutine, with its value, as it would if it had been called
// there.
func TestPipeline_tokenSourceBoundedByTimeout(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	stuck := tokenSourceFunc(func() (*oauth2.Token, error) { <-release; return &oauth2.Token{AccessToken: matrixSourceToken}, nil })
	tests := []struct {
		name string
		cfg  func(*Configuration)
		ctx  func(context.Context) context.Context
	}{
		{"TokenSource", func(c *Configuration) { c.TokenSource = stuck }, nil},
		{"ContextOAuth2", func(*Configuration) {}, func(ctx context.Context) context.Context {
			return context.WithValue(ctx, ContextOAuth2, oauth2.TokenSource(stuck))
		}},
	}
	for _, tt := range tests {
		for _, op := range matrixOps {
			if op.cookie || op.name == "CreateSession" {
				continue // no token: the user's cookie, or an API token or none
			}
			t.Run(tt.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				cfg := &Configuration{BasePath: "https://acme.okta.com", Timeout: 50 * time.Millisecond}
				tt.cfg(cfg)
				ctx := context.Background()
				if tt.ctx != nil {
					ctx = tt.ctx(ctx)
				}
				err := within(t, func() error { return op.run(ctx, NewAPIClient(cfg)) })
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			})
		}
	}
	t.Run("panics", func(t *testing.T) {
		cfg := &Configuration{BasePath: "https://acme.okta.com",
			TokenSource: tokenSourceFunc(func() (*oauth2.Token, error) { panic("token source bug") })}
		assert.PanicsWithValue(t, "token source bug", func() { _ = matrixOps[1].run(context.Background(), NewAPIClient(cfg)) })
	})
}

// A caller's transport that panics on either request kind, in every mode,
// panics in the calling goroutine with its value, and leaves nothing
// behind: with MaxConcurrency 1, the next call gets the slot, and the token
// fetch in flight has ended.
func TestPipeline_transportPanicLeavesNothingBehind(t *testing.T) {
	for _, m := range matrix() {
		t.Run(m.name(), func(t *testing.T) {
			t.Parallel()
			org := newMatrixOrg(t, m, func(o *matrixOrg, token bool, _ int, w http.ResponseWriter, _ *http.Request, _ string) {
				o.well(token, w)
			})
			var panicked atomic.Bool
			cfg := org.config(m, func(c *Configuration) {
				c.MaxConcurrency, c.Timeout = 1, 2*time.Second
				c.HTTPClient = &http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
					if (r.URL.Path == auth.TokenPath) == m.kind.token && panicked.CompareAndSwap(false, true) {
						panic("transport bug")
					}
					return http.DefaultTransport.RoundTrip(r)
				})}
			})
			ctx := context.Background()
			if m.auth.ctx != nil {
				ctx = m.auth.ctx(ctx)
			}
			client := NewAPIClient(cfg)
			assert.PanicsWithValue(t, "transport bug", func() { _ = m.op.run(ctx, client) })
			assert.NoError(t, within(t, func() error { return m.op.run(ctx, client) }))
		})
	}
}

// A 429 of either request kind whose X-Rate-Limit-Reset lies, far in the
// future or already past, is returned at once or retried after a short
// backoff: never a wait past MaxRetryWait, never a hot loop.
func TestPipeline_rateLimitResetThatLies(t *testing.T) {
	tooMany := func(reset time.Time) func(int, http.ResponseWriter, *http.Request, string) {
		return func(_ int, w http.ResponseWriter, _ *http.Request, _ string) {
			w.Header().Set("Date", testClockStart.UTC().Format(http.TimeFormat))
			w.Header().Set("X-Rate-Limit-Limit", "600")
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(reset.Unix(), 10))
			writeJSON(w, http.StatusTooManyRequests, `{"error":"rate_limited","errorCode":"E0000047"}`)
		}
	}
	for _, m := range matrix() {
		for name, tt := range map[string]struct {
			reset          time.Time
			requests       int
			minWait, below time.Duration
		}{
			"far future": {testClockStart.Add(100 * 365 * 24 * time.Hour), 1, 0, 0},
			"past":       {testClockStart.Add(-time.Hour), 3, 125 * time.Millisecond, 2 * time.Second},
		} {
			t.Run(m.name()+"/"+name, func(t *testing.T) {
				t.Parallel()
				org := newMatrixOrg(t, m, onKind(m, tooMany(tt.reset)))
				clock := &testClock{now: testClockStart}
				err := within(t, func() error { return m.run(org.config(m, func(c *Configuration) { c.Clock = clock })) })
				assert.ErrorIs(t, err, ErrRateLimited)
				assert.Equal(t, tt.requests, org.requests(m.kind.token))
				assert.Len(t, clock.waits, tt.requests-1)
				for _, w := range clock.waits {
					assert.GreaterOrEqual(t, w, tt.minWait, "a hot loop")
					assert.Less(t, w, tt.below)
				}
			})
		}
	}
}

// CreateSession spends a one-time token: in every mode, when the reused
// connection it went out on breaks after the server read it, neither Go's
// transport (even with an Idempotency-Key header, which makes a POST
// replayable to Go) nor the call's retries send it again.
func TestPipeline_createSessionNeverResent(t *testing.T) {
	create := matrixOps[0]
	for _, a := range authCases {
		for _, key := range []string{"", "Idempotency-Key"} {
			t.Run(a.name+"/"+key, func(t *testing.T) {
				m := matrixCase{a, create, requestKind{"api", false}}
				org := newMatrixOrg(t, m, func(o *matrixOrg, token bool, _ int, w http.ResponseWriter, r *http.Request, _ string) {
					if r.Method == http.MethodPost && r.URL.Path == sessionsPath {
						dropConnection(t, w)
						return
					}
					o.well(token, w)
				})
				cfg := org.config(m, func(c *Configuration) {
					if key != "" {
						c.AddDefaultHeader(key, "k1")
					}
				})
				ctx := context.Background()
				if a.ctx != nil {
					ctx = a.ctx(ctx)
				}
				client := NewAPIClient(cfg)
				require.NoError(t, matrixOps[1].run(ctx, client), "warm-up: opens the connection")
				before := org.requests(false)
				assert.Error(t, create.run(ctx, client))
				assert.Equal(t, 1, org.requests(false)-before, "CreateSession was sent again")
			})
		}
	}
}
