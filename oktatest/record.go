package oktatest

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Request is a request the server received, for assertions. Authorization,
// Proxy-Authorization and cookie values are masked, and the signature of a
// DPoP proof; other headers are kept as sent. Its JSON form is what the control API's
// GET /oktatest/v1/requests answers.
type Request struct {
	// Route is the route the request addressed.
	Route Route `json:"route"`
	// Method is the HTTP method.
	Method string `json:"method"`
	// Path is the path as sent, still escaped.
	Path string `json:"path"`
	// Query holds the query parameters, such as RevokeUserSessions'
	// oauthTokens and forgetDevices.
	Query url.Values `json:"query"`
	// Header holds the request headers, secrets masked, their names in
	// canonical form (a DPoP proof is under "Dpop").
	Header http.Header `json:"header"`
	// Time is when the request arrived, by the server's clock.
	Time time.Time `json:"time"`
	// Status is the status of the answer; 0 when the connection was dropped
	// or the client went away first.
	Status int `json:"status"`
	// RequestID is the X-Okta-Request-Id of the answer.
	RequestID string `json:"requestId"`
}

// recorder is the stage that stamps every answer with a request id and a
// Date, and the stage that keeps the requests to Okta's API for Requests.
type recorder struct {
	mu       sync.Mutex
	requests []Request
}

// stamp sets the answer's request id and Date.
func (rec *recorder) stamp(next handler) handler {
	return func(w http.ResponseWriter, c *call) {
		h := w.Header()
		h.Set("X-Okta-Request-Id", newRequestID())
		h.Set("Date", c.now.UTC().Format(http.TimeFormat))
		next(w, c)
	}
}

// record records the request, and the answer's status as its header is
// sent: an in-process client has the answer then, while the handler may
// still be writing the body.
func (rec *recorder) record(next handler) handler {
	return func(w http.ResponseWriter, c *call) {
		i := rec.add(Request{
			Route: c.route.name, Method: c.req.Method, Path: c.req.URL.EscapedPath(),
			Query: c.req.URL.Query(), Header: maskHeader(c.req.Header), Time: c.now,
			RequestID: w.Header().Get("X-Okta-Request-Id"),
		})
		next(&statusWriter{ResponseWriter: w, sent: func(code int) { rec.setStatus(i, code) }}, c)
	}
}

// add records r and returns its index.
func (rec *recorder) add(r Request) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests = append(rec.requests, r)
	return len(rec.requests) - 1
}

// setStatus records the status of the answer to request i.
func (rec *recorder) setStatus(i int, status int) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests[i].Status = status
}

// list returns a copy of the requests, oldest first, headers and queries
// included.
func (rec *recorder) list() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := make([]Request, len(rec.requests)) // not nil: GET requests answers [] for none
	copy(out, rec.requests)
	for i := range out {
		out[i].Header = out[i].Header.Clone()
		out[i].Query = url.Values(http.Header(out[i].Query).Clone())
	}
	return out
}

// reset forgets the requests.
func (rec *recorder) reset() {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests = nil
}

// redacted stands for a masked secret in a recorded header.
const redacted = "[redacted]"

// maskHeader copies h with credential and cookie values masked: an
// Authorization or Proxy-Authorization value keeps its scheme, a cookie its name, a DPoP proof its
// header and claims (what a test asserts on: jti, htm, ath, nonce) but not
// its signature, so that it cannot be sent again. Keys are matched whatever
// their case, as a handler of the caller's may be handed keys that are not
// canonical.
func maskHeader(h http.Header) http.Header {
	out := h.Clone()
	for key, values := range out {
		switch http.CanonicalHeaderKey(key) {
		case "Authorization", "Proxy-Authorization":
			for i, v := range values {
				values[i] = maskCredential(v)
			}
		case "Dpop":
			for i, v := range values {
				values[i] = maskProof(v)
			}
		case "Cookie":
			for i, v := range values {
				values[i] = maskCookies(v)
			}
		}
	}
	return out
}

// maskProof masks the signature of a DPoP proof, a compact JWS; anything
// else is masked whole.
func maskProof(v string) string {
	if i := strings.LastIndexByte(v, '.'); i > 0 && strings.Count(v, ".") == 2 {
		return v[:i+1] + redacted
	}
	return redacted
}

// maskCredential masks an Authorization value but its scheme.
func maskCredential(v string) string {
	if scheme, _, found := strings.Cut(v, " "); found {
		return scheme + " " + redacted
	}
	return redacted
}

// maskCookies masks a Cookie value but its cookies' names.
func maskCookies(v string) string {
	var masked []string
	for c := range strings.SplitSeq(v, ";") {
		name, _, _ := strings.Cut(strings.TrimSpace(c), "=")
		masked = append(masked, name+"="+redacted)
	}
	return strings.Join(masked, "; ")
}

// statusWriter reports the status of an answer, once, when its header is
// sent. It keeps the Flusher and the Hijacker of the connection, for
// trickled bodies and dropped connections.
type statusWriter struct {
	http.ResponseWriter
	sent   func(status int)
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.sent(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK) // a flush sends the header
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("oktatest: the connection cannot be hijacked")
	}
	return hj.Hijack()
}
