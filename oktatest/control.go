package oktatest

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// control answers the fake's own control API under ControlPrefix, which
// offers over HTTP what the Go API offers, for suites in any language:
// mint session tokens, seed users and sessions, inject and clear faults,
// read and advance the clock, read the recorded requests, reset, rotate the
// org's signing key and send Universal Logout requests. Its routes
// require the API token (no access token, not even one Okta's routes take),
// and are never recorded, rate-limited or faulted.
// api/oktatest-control.yaml in the module describes it (OpenAPI 3.0).
type control struct{ s *Server }

// decode reads the request's JSON body into v; an empty body leaves v as
// it is, an unknown field or malformed JSON is 400 E0000003.
func decode(w http.ResponseWriter, c *call, v any) bool {
	dec := json.NewDecoder(io.LimitReader(c.req.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && err != io.EOF {
		errMalformedBody.write(w)
		return false
	}
	return true
}

// issueToken mints a session token: POST a User, get {"sessionToken",
// "expiresAt"}.
func (ctl control) issueToken(w http.ResponseWriter, c *call) {
	var u User
	if !decode(w, c, &u) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"sessionToken": ctl.s.sessions.issue(u, c.now),
		"expiresAt":    jsonTime(c.now.Add(SessionTokenLifetime)),
	})
}

// seedUser answers 201 with the user as stored; see SeedUser.
func (ctl control) seedUser(w http.ResponseWriter, c *call) {
	var u User
	if decode(w, c, &u) {
		writeJSON(w, http.StatusCreated, ctl.s.SeedUser(u))
	}
}

// seedSession answers 201 with the session as GetSession would; see
// SeedSession. A refused seed is 400 E0000001.
func (ctl control) seedSession(w http.ResponseWriter, c *call) {
	var seed SessionSeed
	if !decode(w, c, &seed) {
		return
	}
	ss := ctl.s.sessions
	var out wireSession
	_, err := ss.seed(seed, c.now, func(sess *session) { out = ss.wire(sess, c.req, byID) })
	if se := (*SeedError)(nil); errors.As(err, &se) {
		errValidation(se.Field + " " + se.Reason).write(w)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

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

// bodyFaults are the names of the body faults in a faultSpec.
var bodyFaults = map[string]BodyFault{
	"": BodyIntact, "malformed": BodyMalformed, "truncated": BodyTruncated, "oversized": BodyOversized,
	"wrongContentType": BodyWrongContentType, "trickle": BodyTrickle,
}

// injectFault answers 204 once the fault is injected; see InjectFault. An
// unknown route or body fault, a status outside 400-599 or a negative
// duration is 400 E0000001.
func (ctl control) injectFault(w http.ResponseWriter, c *call) {
	var spec faultSpec
	if !decode(w, c, &spec) {
		return
	}
	body, ok := bodyFaults[spec.Body]
	switch {
	case !ctl.s.router.faultable(spec.Route):
		errValidation("route").write(w)
	case !ok:
		errValidation("body").write(w)
	case spec.Status != 0 && (spec.Status < 400 || spec.Status > 599):
		errValidation("status").write(w)
	case spec.LatencyMs < 0:
		errValidation("latencyMs").write(w)
	case spec.TrickleEveryMs < 0:
		errValidation("trickleEveryMs").write(w)
	default:
		ctl.s.InjectFault(Fault{
			Route: spec.Route, Count: spec.Count, Latency: time.Duration(spec.LatencyMs) * time.Millisecond,
			Status: spec.Status, Header: spec.Header, Body: body, BodySize: spec.BodySize,
			TrickleEvery: time.Duration(spec.TrickleEveryMs) * time.Millisecond, Drop: spec.Drop, Processed: spec.Processed,
		})
		w.WriteHeader(http.StatusNoContent)
	}
}

// clearFaults answers 204 once every fault is gone; see ClearFaults.
func (ctl control) clearFaults(w http.ResponseWriter, _ *call) {
	ctl.s.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}

// now answers the server's time, {"now"}.
func (ctl control) now(w http.ResponseWriter, c *call) {
	writeJSON(w, http.StatusOK, map[string]string{"now": jsonTime(c.now)})
}

// maxAdvance is the most milliseconds POST clock/advance takes: the
// longest time.Duration, in whole milliseconds (api/oktatest-control.yaml
// gives it as the maximum). More would wrap around and move the clock back.
const maxAdvance = math.MaxInt64 / int64(time.Millisecond)

// advance moves a FakeClock forward by {"milliseconds"} (an integer from 1
// to maxAdvance) and answers the new time; any other value, or the wall
// clock, is 400 E0000001.
func (ctl control) advance(w http.ResponseWriter, c *call) {
	var body struct {
		// Milliseconds is kept raw, so that a number past int64 or not an
		// integer is refused as a value (E0000001), as a huge one is.
		Milliseconds json.RawMessage `json:"milliseconds"`
	}
	if !decode(w, c, &body) {
		return
	}
	ms, err := strconv.ParseInt(string(body.Milliseconds), 10, 64)
	clock, ok := ctl.s.clock.(interface{ Advance(time.Duration) })
	switch {
	case !ok:
		errValidation("clock is the wall clock; start the fake on a FakeClock").write(w)
	case err != nil || ms <= 0 || ms > maxAdvance:
		errValidation("milliseconds").write(w)
	default:
		clock.Advance(time.Duration(ms) * time.Millisecond)
		writeJSON(w, http.StatusOK, map[string]string{"now": jsonTime(ctl.s.clock.Now())})
	}
}

// requests answers the recorded requests, oldest first; see Requests.
func (ctl control) requests(w http.ResponseWriter, _ *call) {
	writeJSON(w, http.StatusOK, ctl.s.Requests())
}

// reset answers 204 once the org is reset; see Reset.
func (ctl control) reset(w http.ResponseWriter, _ *call) {
	ctl.s.Reset()
	w.WriteHeader(http.StatusNoContent)
}

// faultable reports whether a Fault may name the route: RouteAny,
// RouteUnknown, or a route of Okta's API.
func (rt *router) faultable(name Route) bool {
	return name == RouteAny || name == RouteUnknown || name != RouteControl &&
		slices.ContainsFunc(rt.table, func(r route) bool { return r.name == name })
}
