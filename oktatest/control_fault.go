package oktatest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// faultSpec is a Fault as JSON: durations in milliseconds, the body fault
// by name.
type faultSpec struct {
	Route          Route       `json:"route"`
	Count          int         `json:"count"`
	LatencyMs      int64       `json:"latencyMs"`
	Status         int         `json:"status"`
	Header         http.Header `json:"header"`
	Body           string      `json:"body"`
	BodySize       int64       `json:"bodySize"`
	TrickleEveryMs int64       `json:"trickleEveryMs"`
	Drop           bool        `json:"drop"`
	Processed      bool        `json:"processed"`
}

// bodyFaultNames are the names of the body faults in a faultSpec, in the
// order of the BodyFault constants.
var bodyFaultNames = []string{"", "malformed", "truncated", "oversized", "wrongContentType", "trickle"}

// injectFault answers 204 once the fault is injected; see InjectFault. A
// value refused is 400 E0000001 naming the field and what it accepts.
func (ctl control) injectFault(w http.ResponseWriter, c *call) {
	var spec faultSpec
	if !decode(w, c, &spec, true) {
		return
	}
	if problem := ctl.check(spec); problem != "" {
		errValidation(problem).write(w)
		return
	}
	ctl.s.InjectFault(Fault{
		Route: spec.Route, Count: spec.Count, Latency: time.Duration(spec.LatencyMs) * time.Millisecond,
		Status: spec.Status, Header: spec.Header, Body: BodyFault(slices.Index(bodyFaultNames, spec.Body)),
		BodySize: spec.BodySize, TrickleEvery: time.Duration(spec.TrickleEveryMs) * time.Millisecond,
		Drop: spec.Drop, Processed: spec.Processed,
	})
	w.WriteHeader(http.StatusNoContent)
}

// check returns the first field of spec the control API refuses and what
// it accepts, or "". A fault that would change nothing is refused too: it
// would match requests for ever and hide the faults injected after it.
func (ctl control) check(spec faultSpec) string {
	millis := fmt.Sprintf("is an integer from 0 to %d", maxMillis)
	switch {
	case !ctl.s.router.faultable(spec.Route):
		return "route is one of " + quoteAll(ctl.s.router.faultableNames())
	case !slices.Contains(bodyFaultNames, spec.Body):
		return "body is one of " + quoteAll(bodyFaultNames)
	case spec.Status != 0 && (spec.Status < 400 || spec.Status > 599):
		return "status is 0 (none) or from 400 to 599"
	case spec.LatencyMs < 0 || spec.LatencyMs > maxMillis:
		return "latencyMs " + millis
	case spec.TrickleEveryMs < 0 || spec.TrickleEveryMs > maxMillis:
		return "trickleEveryMs " + millis
	case spec.BodySize < 0:
		return "bodySize is an integer from 0 (16 MiB)"
	case spec.LatencyMs == 0 && spec.Status == 0 && len(spec.Header) == 0 && spec.Body == "" && !spec.Drop:
		return "fault does something: one of latencyMs, status, header, body or drop is set"
	}
	return ""
}

// quoteAll lists names as JSON strings: "a", "b" or "c".
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// faultable reports whether a Fault may name the route: RouteAny,
// RouteUnknown, or a route of Okta's API.
func (rt *router) faultable(name Route) bool {
	return slices.Contains(rt.faultableNames(), string(name))
}

// faultableNames are the names of the routes a Fault may name, RouteAny's
// ("") first.
func (rt *router) faultableNames() []string {
	names := []string{string(RouteAny), string(RouteUnknown)}
	for _, r := range rt.table {
		if r.name != RouteControl && !slices.Contains(names, string(r.name)) {
			names = append(names, string(r.name))
		}
	}
	return names
}
