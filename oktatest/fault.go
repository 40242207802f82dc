package oktatest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// BodyFault is a way to spoil the body of an answer.
type BodyFault int

// The body faults.
const (
	// BodyIntact leaves the body alone.
	BodyIntact BodyFault = iota
	// BodyMalformed answers 200 with JSON that does not parse.
	BodyMalformed
	// BodyTruncated answers 200 with a session cut off halfway.
	BodyTruncated
	// BodyOversized answers 200 with a JSON session whose login field streams
	// on for Fault.BodySize bytes (default 16 MiB).
	BodyOversized
	// BodyWrongContentType answers 200 with an HTML page.
	BodyWrongContentType
	// BodyTrickle answers 200 with a session sent one byte every
	// Fault.TrickleEvery (default 10 ms, real time), as a slow-loris server.
	BodyTrickle
)

// The defaults of a Fault's sizes and pauses.
const (
	defaultBodySize     = 16 << 20
	defaultTrickleEvery = 10 * time.Millisecond
	oversizedChunk      = 32 << 10 // an oversized body is written in chunks of this size
)

// Fault makes the server misbehave for some requests. Faults are checked in
// the order they were injected; the first that matches a request applies.
type Fault struct {
	// Route limits the fault to one route; RouteAny (empty) means every
	// request, and RouteUnknown the requests no route serves.
	Route Route
	// Count is how many requests the fault applies to; 0 or less means every
	// matching request until ClearFaults. A fault that sets Count and
	// nothing else lets that many requests through unharmed, ahead of the
	// faults injected after it.
	Count int
	// Latency delays the answer (in real time: keep it to milliseconds). The
	// wait ends early when the client gives up or the server closes.
	Latency time.Duration
	// Status, when not 0, answers with this status and Okta's error body for
	// it (429 with the rate-limit headers).
	Status int
	// Header adds headers to the answer, such as Retry-After.
	Header http.Header
	// Body spoils the body of the answer.
	Body BodyFault
	// BodySize is the size of a BodyOversized body; 0 means 16 MiB.
	BodySize int64
	// TrickleEvery is the pause between the bytes of a BodyTrickle body; 0
	// means 10 ms.
	TrickleEvery time.Duration
	// Drop closes the connection without an answer.
	Drop bool
	// Processed carries out the operation before the fault spoils or drops
	// its answer, as when Okta did the work and the answer was lost. Without
	// it, a faulted request changes nothing.
	Processed bool
}

// spoils reports whether f replaces the answer, rather than only delaying it
// or adding headers.
func (f Fault) spoils() bool { return f.Drop || f.Status != 0 || f.Body != BodyIntact }

// InjectFault adds f to the server's faults.
func (s *Server) InjectFault(f Fault) { s.faults.add(f) }

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.faults.clear() }

// faults is the stage that applies injected faults.
type faults struct {
	closing <-chan struct{} // closed when the server closes, to end delays
	limits  *limits         // for the headers of an injected 429

	mu   sync.Mutex
	list []*Fault
}

func (fs *faults) add(f Fault) {
	if f.TrickleEvery <= 0 {
		f.TrickleEvery = defaultTrickleEvery
	}
	if f.BodySize <= 0 {
		f.BodySize = defaultBodySize
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = append(fs.list, &f)
}

func (fs *faults) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
}

// take returns the first fault that matches route and uses up one of its
// requests.
func (fs *faults) take(route Route) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if f.Route != RouteAny && f.Route != route {
			continue
		}
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
			}
		}
		return *f, true
	}
	return Fault{}, false
}

// inject applies the first matching fault: it delays the answer, adds its
// headers, and spoils the answer (marked with FaultHeader) or lets the rest
// of the chain answer.
func (fs *faults) inject(next handler) handler {
	return func(w http.ResponseWriter, c *call) {
		f, ok := fs.take(c.route.name)
		if !ok {
			next(w, c)
			return
		}
		if !fs.pause(c.req, f.Latency) {
			// The client went away, or the server is closing: end the
			// connection. Returning would send an empty 200, an answer
			// Okta never gives, to a client still waiting.
			panic(http.ErrAbortHandler)
		}
		for k, vs := range f.Header {
			w.Header()[k] = vs
		}
		if !f.spoils() {
			next(w, c)
			return
		}
		if f.Processed {
			next(httptest.NewRecorder(), c)
		}
		w.Header().Set(FaultHeader, "true")
		fs.spoil(w, c, f)
	}
}

// pause waits d, or until the client gives up or the server closes; it
// reports whether to go on answering.
func (fs *faults) pause(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-fs.closing:
		return false
	}
}

// spoil answers as f says: a dropped connection, an error status or a bad
// body.
func (fs *faults) spoil(w http.ResponseWriter, c *call, f Fault) {
	switch {
	case f.Drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // HTTP/2, or no connection: abort the stream
	case f.Status != 0:
		if f.Status == http.StatusTooManyRequests {
			fs.limits.setSpent(w.Header(), c.now)
		}
		writeStatus(w, f.Status, c.route.notFound(c.req))
	default:
		fs.writeBadBody(w, c.req, f)
	}
}

// faultSession is the session a spoilt body is made from.
const faultSession = `{"id":"102hT2vn7f4YmtCZ2JNkTc3Fw","login":"user@example.com","userId":"00ubgaSARVOQDIOXMORI","status":"ACTIVE","expiresAt":"2030-01-01T00:00:00.000Z"}`

// writeBadBody writes a 200 answer spoilt as f.Body says.
func (fs *faults) writeBadBody(w http.ResponseWriter, r *http.Request, f Fault) {
	h := w.Header()
	h.Set("Content-Type", jsonContentType)
	switch f.Body {
	case BodyMalformed:
		_, _ = io.WriteString(w, `{"id":"102hT2vn7f4YmtCZ2JNkTc3Fw","status":ACTIVE,}`)
	case BodyTruncated:
		_, _ = io.WriteString(w, faultSession[:len(faultSession)/2])
	case BodyWrongContentType:
		h.Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<html><body><h1>Sign in</h1></body></html>")
	case BodyTrickle:
		_, _ = io.WriteString(w, faultSession[:1])
		rc := http.NewResponseController(w)
		for i := 1; i < len(faultSession); i++ {
			_ = rc.Flush()
			if !fs.pause(r, f.TrickleEvery) {
				return
			}
			if _, err := io.WriteString(w, faultSession[i:i+1]); err != nil {
				return
			}
		}
	case BodyOversized:
		_, _ = io.WriteString(w, `{"id":"102hT2vn7f4YmtCZ2JNkTc3Fw","login":"`)
		chunk := []byte(strings.Repeat("a", oversizedChunk))
		for written := int64(0); written < f.BodySize; written += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading
			}
		}
		_, _ = io.WriteString(w, `"}`)
	}
}
