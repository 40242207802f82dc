package oktatest

import (
	"net/http"
	"time"
)

// Route names one operation of the fake, for faults and recorded requests.
type Route string

// The routes the fake serves.
const (
	RouteCreateSession  Route = "CreateSession"  // POST /api/v1/sessions
	RouteGetSession     Route = "GetSession"     // GET /api/v1/sessions/{sessionId}
	RouteRefreshSession Route = "RefreshSession" // POST /api/v1/sessions/{sessionId}/lifecycle/refresh
	RouteEndSession     Route = "EndSession"     // DELETE /api/v1/sessions/{sessionId}
	RouteIssueToken     Route = "IssueToken"     // POST /oktatest/v1/session-tokens (the fake's own)
	RouteUnknown        Route = ""               // anything else
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

// Fault makes the server misbehave for some requests. Faults are checked in
// the order they were injected; the first that matches a request applies.
type Fault struct {
	// Route limits the fault to one operation; RouteUnknown (empty) means any.
	Route Route
	// Count is how many requests the fault applies to; 0 or less means every
	// matching request until ClearFaults.
	Count int
	// Latency delays the answer (in real time: keep it to milliseconds). The
	// wait ends early when the client gives up.
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

// InjectFault adds f to the server's faults.
func (s *Server) InjectFault(f Fault) {
	if f.TrickleEvery <= 0 {
		f.TrickleEvery = 10 * time.Millisecond
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault that matches route and uses up one of
// its requests. It is called with s.mu held.
func (s *Server) takeFault(route Route) (Fault, bool) {
	for i, f := range s.faults {
		if f.Route != RouteUnknown && f.Route != route {
			continue
		}
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return *f, true
	}
	return Fault{}, false
}
