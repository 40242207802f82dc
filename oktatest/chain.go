package oktatest

import (
	"net/http"
	"time"
)

// call is one request on its way through the fake: the request, the time it
// arrived by the server's clock, and what the stages have learnt about it.
type call struct {
	req *http.Request
	now time.Time
	// route is the route the request addressed, set by the first stage; a
	// request no route serves has the unknown route.
	route *route
}

// handler answers a call, or passes it on.
type handler func(w http.ResponseWriter, c *call)

// stage is one step of a request's way through the fake: given the rest of
// the chain, it returns a handler that does its step and then calls next, or
// answers by itself (a 429, a fault, a 401).
type stage func(next handler) handler

// newChain strings the fake's stages together in the order a request meets
// them, ending with the route's own handler. Each stage lives in its own file
// with its own state and lock; a new stage is one line here.
func (s *Server) newChain() handler {
	stages := []stage{
		s.router.match,            // routes.go: the route, and the path's values (every later stage is by route)
		s.recorder.record,         // record.go: request id and Date on the answer; Requests()
		s.limits.admitConcurrency, // limits.go: requests in flight at once
		s.limits.admitRate,        // limits.go: the per-minute window
		s.faults.inject,           // fault.go: latency, error statuses, bad bodies, dropped connections
		s.auth.authenticate,       // auth.go: the credential the route requires
	}
	h := handle
	for i := len(stages) - 1; i >= 0; i-- {
		h = stages[i](h)
	}
	return h
}

// handle is the end of the chain: the route's own handler answers.
func handle(w http.ResponseWriter, c *call) { c.route.handle(w, c) }
