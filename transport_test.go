package okta

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countConnections runs callers goroutines making calls GetSession calls each
// through client against a server, and returns how many connections the
// server accepted.
func countConnections(t *testing.T, httpClient *http.Client, callers, calls int) int {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, sessionJSON)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	client := NewAPIClient(&Configuration{BasePath: srv.URL, APIToken: testToken, HTTPClient: httpClient})
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			for range calls {
				if _, _, err := client.SessionApi.GetSession(context.Background(), testSessionID); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return int(conns.Load())
}

// With Go's default of 2 idle connections per host, concurrent callers open
// a new socket for most calls; the default client must reuse them. A few
// more connections than callers can open at start-up, when Go's transport
// races a dial against a connection coming free.
func TestDefaultClient_reusesConnectionsUnderConcurrency(t *testing.T) {
	const callers, calls = 32, 20
	ours := countConnections(t, nil, callers, calls)
	goDefault := countConnections(t, &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}, callers, calls)
	t.Logf("connections for %d calls from %d callers: default client %d, Go's default transport %d", callers*calls, callers, ours, goDefault)
	assert.LessOrEqual(t, ours, 2*callers)
}

// hostileSession is the session of the reply "200 then a second head".
const hostileSession = `{"id":"101W_juydrDRByB7fUdRyE2JQ"}`

// hostileReplies are what a hostile or broken server may send instead of
// an answer: a 101 Switching Protocols that then holds the socket, endless
// informational answers, a head that never ends or has no body, garbage, or
// nothing at all.
var hostileReplies = map[string]string{
	"101 then hold":          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
	"101 then bytes":         "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n" + strings.Repeat("x", 1000),
	"102 forever":            strings.Repeat("HTTP/1.1 102 Processing\r\n\r\n", 3),
	"100 then hold":          "HTTP/1.1 100 Continue\r\n\r\n",
	"200 head only":          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
	"200 chunked, hold":      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"id\"\r\n",
	"500 head only":          "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 100000\r\n\r\n{",
	"half a status line":     "HTTP/1.1 20",
	"garbage":                "\x00\xff\x16\x03\x01 hello",
	"nothing":                "",
	"204 with a body, hold":  "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
	"headers never end":      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Okta-Request-Id: r",
	"200 then a second head": "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(hostileSession)) + "\r\n\r\n" + hostileSession + "HTTP/1.1 200 OK\r\n",
}

// Every call returns within its deadline whatever the server sends: a 101
// Switching Protocols that then holds the socket, endless informational
// answers, a head without a body, garbage, or nothing at all.
func TestBoundedInTime(t *testing.T) {
	for name, reply := range hostileReplies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			client := NewAPIClient(&Configuration{BasePath: rawServer(t, reply), APIToken: testToken,
				MaxRetries: NoRetries, AttemptTimeout: 50 * time.Millisecond})
			err := getWithin(t, client) // fails the test if the call outlives its deadline
			if name != "200 then a second head" {
				// That one's answer is whole; Go's transport may take it or,
				// seeing the stray bytes first, refuse the connection. Either
				// way the call returned in time, which is the point here.
				assert.Error(t, err)
			}
		})
	}
}

// A 1xx answer that reaches the client is an *APIError at once, its body
// closed unread.
func TestInformationalAnswerIsAnError(t *testing.T) {
	client, mock := mockClient(t, nil)
	body := &blockingBody{closed: make(chan struct{})}
	mock.RegisterResponder(http.MethodGet, getURL, func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusSwitchingProtocols, Header: http.Header{"Upgrade": {"x"}}, Body: body}, nil
	})
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusSwitchingProtocols, apiErr.StatusCode)
	assert.Zero(t, body.reads.Load())
	select {
	case <-body.closed:
	default:
		t.Error("the body was not closed")
	}
}

// A success body cut off part-way by a broken connection is a transport
// failure: GetSession retries it and succeeds; CreateSession does not retry.
func TestBodyResetMidwayIsTransportFailure(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Content-Length", "1000")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, sessionJSON[:30])
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		writeJSON(w, http.StatusOK, sessionJSON)
	}))
	t.Cleanup(srv.Close)
	client := NewAPIClient(&Configuration{BasePath: srv.URL, APIToken: testToken, Clock: &testClock{now: time.Now()}})
	s, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)
	assert.Equal(t, testSessionID, s.Id)
	assert.Equal(t, int32(2), calls.Load())

	calls.Store(0)
	_, resp, err := client.SessionApi.CreateSession(context.Background(), CreateSessionRequest{SessionToken: "20111tok"})
	var urlErr *url.Error
	require.ErrorAs(t, err, &urlErr)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.NotNil(t, resp)
	assert.Equal(t, int32(1), calls.Load(), "CreateSession was replayed")
}

// A body from a caller's RoundTripper that ignores the context is still cut
// off at AttemptTimeout, as a body of Go's transport is: a transport failure
// with the deadline's error, the body closed (by a goroutine of the
// client's). So is one whose Read ignores Close too: its read is left to
// that goroutine.
func TestBodyOfAnyTransportBoundedByAttempt(t *testing.T) {
	for name, deaf := range map[string]bool{"honours Close": false, "ignores Close": true} {
		t.Run(name, func(t *testing.T) {
			client, mock := mockClient(t, func(c *Configuration) { c.AttemptTimeout, c.MaxRetries = 20*time.Millisecond, NoRetries })
			blocking := &blockingBody{closed: make(chan struct{})}
			var body io.ReadCloser = blocking
			if deaf {
				body = newDeafBody(t)
			}
			mock.RegisterResponder(http.MethodGet, getURL, func(r *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}, nil
			})
			err := getWithin(t, client)
			assert.ErrorIs(t, err, context.DeadlineExceeded, "the read ended at AttemptTimeout")
			var urlErr *url.Error
			assert.ErrorAs(t, err, &urlErr, "a transport failure, for the retry rules")
			if deaf {
				assert.Positive(t, body.(*deafBody).reads.Load())
				return
			}
			assert.Positive(t, blocking.reads.Load())
			require.Eventually(t, func() bool {
				select {
				case <-blocking.closed:
					return true
				default:
					return false
				}
			}, 5*time.Second, time.Millisecond, "the body was not closed")
		})
	}
}

// blockingTransport is a caller's RoundTripper that ignores the request's
// context: it answers only when released.
type blockingTransport struct{ release chan struct{} }

func (b blockingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	<-b.release
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody}, nil
}

// Timeout bounds a call whatever HTTP client sends it, even one whose
// transport does not watch the context.
func TestCallerTransportIgnoringContextIsBounded(t *testing.T) {
	rt := blockingTransport{release: make(chan struct{})}
	defer close(rt.release)
	client := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", APIToken: testToken,
		HTTPClient: &http.Client{Transport: rt}, MaxRetries: NoRetries, Timeout: 20 * time.Millisecond})
	assert.ErrorIs(t, getWithin(t, client), context.DeadlineExceeded)
}

// A caller's RoundTripper that panics panics in the calling goroutine, with
// its value, as under http.Client, where the caller can recover it: not on
// the goroutine that bounds it by the context, which would end the program.
func TestCallerTransportPanicReachesTheCaller(t *testing.T) {
	rt := roundTripperFunc(func(*http.Request) (*http.Response, error) { panic("transport bug") })
	client := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", APIToken: testToken,
		HTTPClient: &http.Client{Transport: rt}, MaxRetries: NoRetries})
	assert.PanicsWithValue(t, "transport bug", func() {
		_, _, _ = client.SessionApi.GetSession(context.Background(), testSessionID)
	})
}

// A caller's body whose Close panics, closed by the client on a goroutine of
// its own when the attempt ends (a body still being read, by
// context.AfterFunc; an answer that came too late, by httpx.ContextBound), does
// not end the program. A Close the calling goroutine makes may panic there,
// as the caller's own code would.
func TestCallerBodyClosePanicIsContained(t *testing.T) {
	for name, late := range map[string]bool{"body read past the deadline": false, "answer past the deadline": true} {
		// A body still being read is closed by the client's goroutine when
		// the attempt ends, by the calling goroutine's drain, or both:
		// httpx.ContextBound's Read returns at the deadline, and the drain's
		// Close may come before the context's AfterFunc has run, which it
		// then stops. A late answer is closed by ContextBound's goroutine
		// only: the call returned at its deadline.
		least, most := int32(1), int32(2)
		if late {
			most = 1
		}
		t.Run(name, func(t *testing.T) {
			body := &panickyCloseBody{blockingBody: blockingBody{closed: make(chan struct{})}}
			rt := roundTripperFunc(func(r *http.Request) (*http.Response, error) {
				if late {
					<-r.Context().Done()
				}
				return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}, nil
			})
			client := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", APIToken: testToken,
				HTTPClient: &http.Client{Transport: rt}, MaxRetries: NoRetries, AttemptTimeout: 20 * time.Millisecond})
			returned := make(chan struct{})
			go func() {
				defer close(returned)
				defer func() { _ = recover() }() // a panic of the calling goroutine's own Close
				_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
				assert.Error(t, err)
			}()
			<-returned
			// The client's own goroutine has closed the body, and its panic
			// has not ended the program.
			require.Eventually(t, func() bool { return body.closes.Load() >= least }, 5*time.Second, time.Millisecond)
			time.Sleep(5 * time.Millisecond) // room for a Close too many
			assert.LessOrEqual(t, body.closes.Load(), most)
		})
	}
}

// panickyCloseBody is a blockingBody whose Close counts, then panics.
type panickyCloseBody struct {
	blockingBody
	closes atomic.Int32
}

func (b *panickyCloseBody) Close() error {
	_ = b.blockingBody.Close()
	b.closes.Add(1)
	panic("body close bug")
}

// An error a caller's transport returns is the caller's: the client makes
// a safe copy for its own error and never changes the original, which the
// transport may keep and return to many calls at once (a race, and texts
// that change under their holders). One without an Err is an error, not a
// panic.
func TestCallerTransportErrorLeftAlone(t *testing.T) {
	shared := &url.Error{Op: "Get", URL: "https://upstream.example/" + testSessionID, Err: errors.New("upstream down " + testSessionID)}
	for name, returned := range map[string]*url.Error{"shared error": shared, "no Err": {Op: "Get", URL: "https://upstream.example/"}} {
		t.Run(name, func(t *testing.T) {
			want := *returned
			rt := roundTripperFunc(func(*http.Request) (*http.Response, error) { return nil, returned })
			client := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", APIToken: testToken,
				HTTPClient: &http.Client{Transport: rt}, MaxRetries: NoRetries})
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
					var ue *url.Error
					assert.ErrorAs(t, err, &ue)
					assert.NotContains(t, err.Error(), testSessionID)
				}()
			}
			wg.Wait()
			assert.Equal(t, want, *returned, "the transport's error was changed")
		})
	}
}

// getWithin runs a GetSession of client and returns its error, failing the
// test if the call has not returned within a few seconds: far past any of the
// tests' deadlines, so that only a call that ignores its deadline trips it.
func getWithin(t *testing.T, client *APIClient) error {
	t.Helper()
	return within(t, func() error {
		_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
		return err
	})
}
