package oktatest

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Request is a request the server received, for assertions. Authorization
// and Cookie values are masked.
type Request struct {
	// Route is the route the request addressed.
	Route Route
	// Method is the HTTP method.
	Method string
	// Path is the path as sent, still escaped.
	Path string
	// Header holds the request headers, secrets masked.
	Header http.Header
	// Time is when the request arrived, by the server's clock.
	Time time.Time
	// Status is the status of the answer; 0 when the connection was dropped
	// or the client went away first.
	Status int
	// RequestID is the X-Okta-Request-Id of the answer.
	RequestID string
}

// recorder is the stage that stamps every answer with a request id and a
// Date, and keeps the requests for Requests.
type recorder struct {
	mu       sync.Mutex
	requests []Request
}

// record stamps the answer, records the request, and records the answer's
// status once the rest of the chain is done with it.
func (rec *recorder) record(next handler) handler {
	return func(w http.ResponseWriter, c *call) {
		id := newRequestID()
		h := w.Header()
		h.Set("X-Okta-Request-Id", id)
		h.Set("Date", c.now.UTC().Format(http.TimeFormat))
		i := rec.add(Request{
			Route: c.route.name, Method: c.req.Method, Path: c.req.URL.EscapedPath(),
			Header: maskHeader(c.req.Header), Time: c.now, RequestID: id,
		})
		sw := &statusWriter{ResponseWriter: w}
		defer rec.setStatus(i, sw)
		next(sw, c)
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
func (rec *recorder) setStatus(i int, w *statusWriter) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests[i].Status = w.status
}

// list returns a copy of the requests, oldest first, headers included.
func (rec *recorder) list() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := append([]Request(nil), rec.requests...)
	for i := range out {
		out[i].Header = out[i].Header.Clone()
	}
	return out
}

// maskHeader copies h with credential and cookie values masked; an
// Authorization value keeps its scheme.
func maskHeader(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range []string{"Authorization", "Cookie"} {
		for i, v := range out[k] {
			scheme, _, found := strings.Cut(v, " ")
			if found && k == "Authorization" {
				out[k][i] = scheme + " [redacted]"
			} else {
				out[k][i] = "[redacted]"
			}
		}
	}
	return out
}

// statusWriter remembers the status of an answer. It keeps the Flusher and
// the Hijacker of the connection, for trickled bodies and dropped
// connections.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
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
