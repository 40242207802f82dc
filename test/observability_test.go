package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// Every client of newEnv logs at Debug, to a JSON and a text handler, and has
// an Observer that prints every event it receives with %+v into the same
// log. A tap on its transport collects every secret that crosses the wire:
// credentials (Authorization, DPoP), cookies (Cookie, Set-Cookie), session
// tokens sent, session ids in paths and in answers. When the test ends, it
// fails if any of them appears in the log. So every black-box test of this
// package, the lifecycle, error paths, retries, 429 waits, dropped
// connections, timeouts and throttling among them, is also a leak test.

// watched is what watch keeps for one client.
type watched struct {
	log     syncBuffer
	mu      sync.Mutex
	secrets map[string]string // secret -> where it was seen
	answers []*bytes.Buffer   // the answer bodies, as the client read them
}

// watch makes cfg's client log and observe into a buffer and collects the
// secrets its transport carries; the test fails when it ends if any of them
// is in the log. cfg.HTTPClient, when set, is wrapped (a copy), not changed.
func watch(t testing.TB, cfg *okta.Configuration) *watched {
	t.Helper()
	w := &watched{secrets: map[string]string{}}
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	cfg.Logger = slog.New(tee{slog.NewJSONHandler(&w.log, opts), slog.NewTextHandler(&w.log, opts)})
	cfg.Observer = eventPrinter{w: &w.log, next: cfg.Observer}
	hc := http.Client{}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = &secretTap{w: w, next: next}
	cfg.HTTPClient = &hc
	w.saw(cfg.APIToken, "Configuration.APIToken")
	t.Cleanup(func() { w.check(t) })
	return w
}

// minSecretLen is the shortest value checked: shorter ones are the suite's
// placeholders (such as "102abc"), which could match log text by chance,
// and the client's shortID keeps no character of them.
const minSecretLen = 9

// saw records a secret seen at where.
func (w *watched) saw(secret, where string) {
	if len(secret) < minSecretLen {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.secrets[secret]; !ok {
		w.secrets[secret] = where
	}
}

// idInBody finds the session ids of an answer, and the session token of a
// request.
var (
	idInBody    = regexp.MustCompile(`"id"\s*:\s*"([^"]+)"`)
	tokenInBody = regexp.MustCompile(`"sessionToken"\s*:\s*"([^"]+)"`)
)

// check fails t if any secret seen is in the log, in any spelling a handler
// may give it: as it is, path-escaped, JSON-escaped or Go-quoted.
func (w *watched) check(t testing.TB) {
	t.Helper()
	w.mu.Lock()
	var ids []string
	for _, body := range w.answers {
		for _, m := range idInBody.FindAllSubmatch(body.Bytes(), -1) {
			ids = append(ids, string(m[1]))
		}
	}
	w.mu.Unlock()
	for _, id := range ids {
		w.saw(id, "an answer's id")
	}
	log := w.log.String()
	if len(w.secrets) > 1 && log == "" {
		t.Errorf("leak check: secrets crossed the wire but nothing was logged: the logger is not wired")
	}
	if leaked := leaks(log, w.secrets); len(leaked) > 0 {
		t.Errorf("leak check: secrets in the log or the observer's events: %s", strings.Join(leaked, "; "))
	}
}

// leaks returns, for each secret found in log, its first four characters
// and where it was seen.
func leaks(log string, secrets map[string]string) []string {
	var out []string
	for s, where := range secrets {
		j, _ := json.Marshal(s)
		for _, form := range []string{s, url.PathEscape(s), url.QueryEscape(s), string(j[1 : len(j)-1]), strconv.Quote(s)[1 : len(strconv.Quote(s))-1]} {
			if strings.Contains(log, form) {
				out = append(out, fmt.Sprintf("%.4s... (%s)", s, where))
				break
			}
		}
	}
	return out
}

// secretTap is an http.RoundTripper that records the secrets of each request
// and answer for watched, leaving both as they are: the answer's body is
// copied as the client reads it.
type secretTap struct {
	w    *watched
	next http.RoundTripper
}

func (s *secretTap) RoundTrip(req *http.Request) (*http.Response, error) {
	if _, cred, ok := strings.Cut(req.Header.Get("Authorization"), " "); ok {
		s.w.saw(cred, "Authorization")
	}
	s.w.saw(req.Header.Get("DPoP"), "DPoP")
	for _, c := range req.Cookies() {
		s.w.saw(c.Value, "Cookie")
	}
	if id, ok := strings.CutPrefix(req.URL.EscapedPath(), "/api/v1/sessions/"); ok {
		id, _, _ = strings.Cut(id, "/")
		raw, _ := url.PathUnescape(id)
		s.w.saw(raw, "the path")
	}
	if req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(body)
			for _, m := range tokenInBody.FindAllSubmatch(b, -1) {
				s.w.saw(string(m[1]), "sessionToken")
			}
		}
	}
	resp, err := s.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	for _, c := range resp.Cookies() {
		s.w.saw(c.Value, "Set-Cookie")
	}
	copied := &bytes.Buffer{}
	s.w.mu.Lock()
	s.w.answers = append(s.w.answers, copied)
	s.w.mu.Unlock()
	resp.Body = teeBody{io.TeeReader(resp.Body, lockedWriter{&s.w.mu, copied}), resp.Body}
	return resp, nil
}

// teeBody reads through r and closes c.
type teeBody struct {
	r io.Reader
	c io.Closer
}

func (b teeBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b teeBody) Close() error               { return b.c.Close() }

// lockedWriter writes to w under mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tee is a slog.Handler that hands every record to each of its handlers.
type tee []slog.Handler

func (h tee) Enabled(ctx context.Context, l slog.Level) bool {
	for _, x := range h {
		if x.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (h tee) Handle(ctx context.Context, r slog.Record) error {
	for _, x := range h {
		if x.Enabled(ctx, r.Level) {
			if err := x.Handle(ctx, r.Clone()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (h tee) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(tee, len(h))
	for i, x := range h {
		out[i] = x.WithAttrs(as)
	}
	return out
}

func (h tee) WithGroup(name string) slog.Handler {
	out := make(tee, len(h))
	for i, x := range h {
		out[i] = x.WithGroup(name)
	}
	return out
}

// eventPrinter is an okta.Observer that prints every event with %+v, and
// passes it on to the test's own Observer, if any.
type eventPrinter struct {
	w    io.Writer
	next okta.Observer
}

func (p eventPrinter) OnCall(c okta.CallInfo) {
	fmt.Fprintf(p.w, "%+v\n", c)
	if p.next != nil {
		p.next.OnCall(c)
	}
}

func (p eventPrinter) OnAttempt(a okta.AttemptInfo) {
	fmt.Fprintf(p.w, "%+v\n", a)
	if p.next != nil {
		p.next.OnAttempt(a)
	}
}

func (p eventPrinter) OnWait(w okta.WaitInfo) {
	fmt.Fprintf(p.w, "%+v\n", w)
	if p.next != nil {
		p.next.OnWait(w)
	}
}

// The leak check finds a secret in each spelling a handler gives it.
func TestLeaks_findsEverySpelling(t *testing.T) {
	secret := `00a"b c/d` + "\n" + `e`
	secrets := map[string]string{secret: "test"}
	for _, handler := range []func(io.Writer) slog.Handler{
		func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
	} {
		var buf bytes.Buffer
		slog.New(handler(&buf)).Info("x", "v", secret)
		assert.NotEmpty(t, leaks(buf.String(), secrets), buf.String())
	}
	assert.NotEmpty(t, leaks("GET /api/v1/sessions/"+url.PathEscape(secret), secrets))
	assert.Empty(t, leaks("GET /api/v1/sessions/00a\\...", secrets))
}

// The calls the rest of the suite does not make, under the leak check: the
// current-session calls on a user's cookie, RevokeUserSessions, an access
// token from the context, and a throttle's waits.
func TestNoSecretInLogs_cookiesRevokeAndBearer(t *testing.T) {
	const accessToken = "eyJhbGciOiJSUzI1NiJ9.an-access-token.signature"
	e := newEnv(t, func(c *okta.Configuration) {
		c.MaxConcurrency, c.RateLimitFloor, c.Timeout = 2, 3, 2*time.Minute
	},
		oktatest.WithAccessToken(accessToken), oktatest.WithRateLimit(6))
	s := e.create(t)
	for _, name := range []string{"sid", "idx"} {
		cookie := &http.Cookie{Name: name, Value: s.Id}
		_, _, err := e.api.GetCurrentSession(ctx, cookie)
		require.NoError(t, err)
		_, _, err = e.api.RefreshCurrentSession(ctx, cookie)
		require.NoError(t, err)
	}
	_, err := e.api.CloseCurrentSession(ctx, &http.Cookie{Name: "sid", Value: s.Id})
	require.NoError(t, err)
	_, _, err = e.api.GetCurrentSession(ctx, &http.Cookie{Name: "idx", Value: s.Id})
	requireAPIError(t, err, "GetCurrentSession", 404, "E0000007", okta.ErrNotFound)

	other := e.create(t)
	bearer := context.WithValue(ctx, okta.ContextAccessToken, accessToken)
	_, _, err = e.api.GetSession(bearer, other.Id)
	require.NoError(t, err)
	// RateLimitFloor 3 of 6 requests a minute: calls have waited for the
	// window's reset, on the fake clock.
	_, err = e.client.UserSessionsApi.RevokeUserSessions(ctx, other.UserId, &okta.RevokeUserSessionsOpts{OauthTokens: okta.PtrBool(true)})
	require.NoError(t, err)
	assert.Positive(t, e.clock.Waited(), "the floor made a call wait")
}

// A RoundTripper wrapped around NewHTTPClient's transport sees every attempt,
// retries included, with the retry's headers.
func TestNewHTTPClient_wrappedTransportSeesEveryAttempt(t *testing.T) {
	e := newEnv(t, nil)
	var seen []string
	var n atomic.Int32
	hc := okta.NewHTTPClient()
	next := hc.Transport
	hc.Transport = roundTripFunc(func(req *http.Request) (*http.Response, error) {
		n.Add(1)
		seen = append(seen, req.Header.Get("X-Okta-Retry-Count"))
		return next.RoundTrip(req)
	})
	api := e.newClient(func(c *okta.Configuration) { c.HTTPClient, c.MaxRetries = hc, 3 }).SessionApi
	s, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: e.srv.IssueSessionToken(oktatest.User{})})
	require.NoError(t, err)
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 2, Status: http.StatusServiceUnavailable})
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteRefreshSession, Count: 1, Drop: true})
	_, _, err = api.GetSession(ctx, s.Id)
	require.NoError(t, err)
	_, _, err = api.RefreshSession(ctx, s.Id)
	require.NoError(t, err)
	assert.Equal(t, []string{"", "", "1", "2", "", "1"}, seen)
	assert.EqualValues(t, len(e.srv.Requests()), n.Load(), "every request the fake received went through the wrapper")
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
