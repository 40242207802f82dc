package okta

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// testSessionID is the id of sessionJSON.
const testSessionID = "101W_juydrDRByB7fUdRyE2JQ"

// testToken is the API token the test clients use.
const testToken = "00TESTtokenVALUEthatISsecret"

// setup starts a local server and returns a client for it and the mux to
// register handlers on. The server is closed when the test ends.
func setup(t *testing.T) (*APIClient, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg := NewConfiguration()
	cfg.BasePath = srv.URL
	cfg.APIToken = testToken
	cfg.Clock = &testClock{now: time.Now()}
	return NewAPIClient(cfg), mux
}

// testClock is a Clock whose waits take no time: After moves it forward and
// records the wait.
type testClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// testMethod fails the test unless r has the wanted method.
func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if got := r.Method; got != want {
		t.Errorf("request method: %v, want %v", got, want)
	}
}

// testHeader fails the test unless r's header has exactly the wanted value.
func testHeader(t *testing.T, r *http.Request, header, want string) {
	t.Helper()
	if got := r.Header.Values(header); len(got) != 1 || got[0] != want {
		t.Errorf("header %s: %q, want exactly %q", header, got, want)
	}
}

// sessionJSON is the documented example session, with its links.
const sessionJSON = `{"id":"101W_juydrDRByB7fUdRyE2JQ","login":"user@example.com","userId":"00ubgaSARVOQDIOXMORI",
 "createdAt":"2015-08-30T16:41:35.818Z","expiresAt":"2015-08-30T18:41:35.818Z","status":"ACTIVE",
 "lastPasswordVerification":"2015-08-30T18:41:35.818Z","lastFactorVerification":null,
 "amr":["pwd","otp","mfa"],"idp":{"id":"00oi5cpnylv792IcF0g3","type":"OKTA"},"mfaActive":true,
 "_links":{
  "self":{"href":"https://example.okta.com/api/v1/sessions/101W_juydrDRByB7fUdRyE2JQ","hints":{"allow":["GET","DELETE"]}},
  "refresh":{"href":"https://example.okta.com/api/v1/sessions/101W_juydrDRByB7fUdRyE2JQ/lifecycle/refresh","hints":{"allow":["POST"]}},
  "user":{"name":"Isaac Brock","href":"https://example.okta.com/api/v1/users/00ubgaSARVOQDIOXMORI","hints":{"allow":["GET"]}}}}`

// writeJSON answers with status and a JSON body, as Okta does.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// mockClient returns a client whose requests go to an httpmock transport
// instead of the network, and the transport to register responders on.
func mockClient(t *testing.T, edit func(*Configuration)) (*APIClient, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	cfg := NewConfiguration()
	cfg.Subdomain = "acme"
	cfg.APIToken = testToken
	cfg.HTTPClient = &http.Client{Transport: mock}
	if edit != nil {
		edit(cfg)
	}
	return NewAPIClient(cfg), mock
}

// captureHeaders registers a responder for method and URL that records the
// headers of the request it answers and answers with the example session.
func captureHeaders(mock *httpmock.MockTransport, method, url string, into *http.Header) {
	mock.RegisterResponder(method, url, func(r *http.Request) (*http.Response, error) {
		*into = r.Header.Clone()
		return httpmock.NewStringResponse(http.StatusOK, sessionJSON), nil
	})
}

// rawServer starts a TCP server on loopback that answers every connection by
// writing reply and then holding the connection open, reading and
// discarding, until the test ends. It returns the server's http:// URL.
func rawServer(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() { close(done); ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				go func() { <-done; conn.Close() }()
				_, _ = io.WriteString(conn, reply)
				_, _ = io.Copy(io.Discard, conn)
			})
		}
	})
	return "http://" + ln.Addr().String()
}

// answer429 builds the *APIError of a 429 with the given headers.
func answer429(h map[string]string) *APIError {
	return answerWith(http.StatusTooManyRequests, h)
}

// answerWith is the *APIError of an answer of status with headers h, its
// RateLimit parsed as newAPIError does.
func answerWith(status int, h map[string]string) *APIError {
	resp := &http.Response{StatusCode: status, Header: http.Header{}}
	for k, v := range h {
		resp.Header.Set(k, v)
	}
	e := &APIError{StatusCode: status, Response: resp}
	e.RateLimit, _ = ParseRateLimit(resp)
	return e
}

// clockedClient is a client whose clock stands at the time it returns.
func clockedClient() (*APIClient, time.Time) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	return NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", Clock: &testClock{now: now}}), now
}

// checkRetryAt fails unless the retry plan for a 429 with headers h waits no
// less than 0 and has a RetryAt no earlier than now.
func checkRetryAt(t *testing.T, c *APIClient, now time.Time, h http.Header) {
	t.Helper()
	e := &APIError{StatusCode: http.StatusTooManyRequests, Response: &http.Response{StatusCode: http.StatusTooManyRequests, Header: h}}
	e.RateLimit, _ = ParseRateLimit(e.Response)
	p := c.planRetry(context.Background(), 0, true, e)
	if p.Wait < 0 || p.RetryAt.Before(now) {
		t.Fatalf("headers %v: wait %v, RetryAt %v", h, p.Wait, p.RetryAt)
	}
}

// blockingBody is a body whose reads never end, until it is closed.
type blockingBody struct {
	reads  atomic.Int32
	once   sync.Once
	closed chan struct{}
}

func (b *blockingBody) Read([]byte) (int, error) {
	b.reads.Add(1)
	<-b.closed
	return 0, io.ErrClosedPipe
}

func (b *blockingBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

// deafBody is a body whose reads ignore the context and Close: they block
// until the test ends.
type deafBody struct {
	reads   atomic.Int32
	release chan struct{}
}

// newDeafBody returns a deafBody released when t ends.
func newDeafBody(t *testing.T) *deafBody {
	t.Helper()
	b := &deafBody{release: make(chan struct{})}
	t.Cleanup(func() { close(b.release) })
	return b
}

func (b *deafBody) Read([]byte) (int, error) {
	b.reads.Add(1)
	<-b.release
	return 0, io.ErrClosedPipe
}

func (*deafBody) Close() error { return nil }

// stuckCloseBody is an empty body whose Close blocks until the test ends.
type stuckCloseBody struct{ release chan struct{} }

// newStuckCloseBody returns a stuckCloseBody released when t ends.
func newStuckCloseBody(t *testing.T) *stuckCloseBody {
	t.Helper()
	b := &stuckCloseBody{release: make(chan struct{})}
	t.Cleanup(func() { close(b.release) })
	return b
}

func (*stuckCloseBody) Read([]byte) (int, error) { return 0, io.EOF }

func (b *stuckCloseBody) Close() error {
	<-b.release
	return nil
}

// setupNoIO is setup for calls that must be refused before any I/O: the
// server fails the test if a request reaches it.
func setupNoIO(t *testing.T) *APIClient {
	t.Helper()
	client, mux := setup(t)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a refused call reached the server: %s %s", r.Method, r.URL.EscapedPath())
	})
	return client
}

// dropConnection closes the connection of w without an answer.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := http.NewResponseController(w).Hijack()
	require.NoError(t, err)
	conn.Close()
}
