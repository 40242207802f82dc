package oktatest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

// t0 is when every fake clock of the tests starts.
var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// newFake starts a fake on a fake clock.
func newFake(t *testing.T, opts ...oktatest.Option) (*oktatest.Server, *oktatest.FakeClock) {
	t.Helper()
	clock := oktatest.NewFakeClock(t0)
	return oktatest.NewServer(t, append([]oktatest.Option{oktatest.WithClock(clock)}, opts...)...), clock
}

// ssws is the Authorization header with the fake's API token.
func ssws(srv *oktatest.Server) string { return "SSWS " + srv.APIToken }

// answer is the fake's answer to a request, its body read.
type answer struct {
	*http.Response
	body []byte
}

// object decodes the answer's body as a JSON object.
func (a answer) object(t *testing.T) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal(a.body, &out), "body: %q", a.body)
	return out
}

// send sends a request to the fake, with auth as its Authorization header
// unless empty, and reads the answer.
func send(t *testing.T, srv *oktatest.Server, method, path, auth, body string) answer {
	t.Helper()
	a, err := sendErr(srv, method, path, auth, body)
	require.NoError(t, err)
	return a
}

// sendHeader sends a request to the fake with the headers h, and reads the
// answer.
func sendHeader(t *testing.T, srv *oktatest.Server, method, path string, h http.Header, body string) answer {
	t.Helper()
	a, err := sendHeaderErr(srv, method, path, h, body)
	require.NoError(t, err)
	return a
}

// sendErr is send for a request that may fail, as a dropped connection
// does: it returns the error instead of failing the test, so that it can
// also be called from another goroutine.
func sendErr(srv *oktatest.Server, method, path, auth, body string) (answer, error) {
	h := http.Header{}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	return sendHeaderErr(srv, method, path, h, body)
}

// sendHeaderErr sends a request to the fake with the headers h, and reads
// the answer. A fake of NewInProcess is reached through its RoundTripper.
func sendHeaderErr(srv *oktatest.Server, method, path string, h http.Header, body string) (answer, error) {
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range h {
		req.Header[k] = vs
	}
	client := http.DefaultClient
	if srv.URL == oktatest.InProcessURL {
		client = &http.Client{Transport: srv.RoundTripper()}
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{resp, b}, err
}

// withCookie is a header with the Cookie "name=value".
func withCookie(name, value string) http.Header { return http.Header{"Cookie": {name + "=" + value}} }

// createSession mints a session token and creates a session with it; it
// returns the session as JSON.
func createSession(t *testing.T, srv *oktatest.Server) map[string]any {
	t.Helper()
	tok := srv.IssueSessionToken(oktatest.User{})
	a := send(t, srv, http.MethodPost, "/api/v1/sessions", ssws(srv), `{"sessionToken":"`+tok+`"}`)
	require.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
	return a.object(t)
}

// sessionPath is the path of a session.
func sessionPath(s map[string]any) string { return "/api/v1/sessions/" + s["id"].(string) }

// assertOktaError asserts that a is Okta's error answer with the status and
// errorCode, and returns its body.
func assertOktaError(t *testing.T, a answer, status int, code string) map[string]any {
	t.Helper()
	assert.Equal(t, status, a.StatusCode, "body: %s", a.body)
	assert.Equal(t, "application/json;charset=UTF-8", a.Header.Get("Content-Type"))
	body := a.object(t)
	assert.Equal(t, code, body["errorCode"])
	assert.Equal(t, code, body["errorLink"])
	assert.Regexp(t, `^oae[A-Za-z0-9]{22}$`, body["errorId"])
	assert.Equal(t, []any{}, body["errorCauses"])
	return body
}

// assertStamped asserts that a carries Okta's request id and a Date.
func assertStamped(t *testing.T, a answer) {
	t.Helper()
	assert.Regexp(t, `^req[A-Za-z0-9]{23}$`, a.Header.Get("X-Okta-Request-Id"))
	_, err := http.ParseTime(a.Header.Get("Date"))
	assert.NoError(t, err, "Date %q", a.Header.Get("Date"))
}

// assertRateLimit asserts a's X-Rate-Limit headers.
func assertRateLimit(t *testing.T, a answer, limit, remaining int, reset time.Time) {
	t.Helper()
	assert.Equal(t, strconv.Itoa(limit), a.Header.Get("X-Rate-Limit-Limit"), "X-Rate-Limit-Limit")
	assert.Equal(t, strconv.Itoa(remaining), a.Header.Get("X-Rate-Limit-Remaining"), "X-Rate-Limit-Remaining")
	assert.Equal(t, strconv.FormatInt(reset.Unix(), 10), a.Header.Get("X-Rate-Limit-Reset"), "X-Rate-Limit-Reset")
}
