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
// them, ending with the route's own handler. Each stage's state lives with
// its owner, behind its own lock when it changes; a new stage is one line
// here. The fake's own
// control routes leave the chain after the stamp: they are not recorded,
// limited or faulted, so that a suite can always clear what it injected.
func (s *Server) newChain() handler {
	control := build(s.auth.authenticate)
	return build(
		s.router.match,            // routes.go: the route, and the path's values (every later stage is by route)
		s.recorder.stamp,          // record.go: request id and Date on the answer
		divert(control),           // chain.go: the fake's own routes go straight to authenticate and handle
		s.recorder.record,         // record.go: Requests()
		s.limits.admitConcurrency, // limits.go: requests in flight at once
		s.limits.admitRate,        // limits.go: the per-minute window
		s.faults.inject,           // fault.go: latency, error statuses, bad bodies, dropped connections
		s.auth.authenticate,       // auth.go: the credential the route requires
	)
}

// build strings stages together, ending with the route's own handler.
func build(stages ...stage) handler {
	h := handle
	for i := len(stages) - 1; i >= 0; i-- {
		h = stages[i](h)
	}
	return h
}

// handle is the end of the chain: the route's own handler answers.
func handle(w http.ResponseWriter, c *call) { c.route.handle(w, c) }

// divert is the stage that sends the requests of the fake's own routes
// (RouteControl: every path under ControlPrefix, one that no control route
// serves included) to the control chain instead of the rest of this one.
func divert(control handler) stage {
	return func(next handler) handler {
		return func(w http.ResponseWriter, c *call) {
			if c.route.name == RouteControl {
				control(w, c)
				return
			}
			next(w, c)
		}
	}
}
