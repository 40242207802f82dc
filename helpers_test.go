package okta

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

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
