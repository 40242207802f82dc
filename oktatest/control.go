package oktatest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
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

// decode reads the request's body, one JSON value and nothing after it
// but white space, into v. An empty body leaves v as it is, unless the
// route requires one. An empty required body, malformed JSON, a value of
// the wrong type, an unknown field or data after the value is 400 E0000003,
// whose summary says which.
func decode(w http.ResponseWriter, c *call, v any, required bool) bool {
	dec := json.NewDecoder(io.LimitReader(c.req.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	switch {
	case err == io.EOF && !required:
		return true
	case err == io.EOF:
		err = errors.New("the body is required")
	case err == nil:
		if _, next := dec.Token(); next != io.EOF {
			err = errors.New("data follows the JSON value")
		}
	}
	if err != nil {
		errNotWellFormed(jsonProblem(err)).write(w)
		return false
	}
	return true
}

// jsonProblem says what is wrong with a body json refused: for a value of
// the wrong type, the field and the type it takes.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		kind := "a " + te.Type.Kind().String()
		switch te.Type.Kind() {
		case reflect.Int, reflect.Int64:
			kind = "an integer"
		case reflect.Map, reflect.Struct:
			kind = "an object"
		case reflect.Slice:
			kind = "an array"
		}
		return te.Field + " is " + kind
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// issueToken mints a session token: POST a User, get {"sessionToken",
// "expiresAt"}.
func (ctl control) issueToken(w http.ResponseWriter, c *call) {
	var u User
	if !decode(w, c, &u, false) {
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
	if decode(w, c, &u, false) {
		writeJSON(w, http.StatusCreated, ctl.s.SeedUser(u))
	}
}

// seedSession answers 201 with the session as GetSession would; see
// SeedSession. A refused seed is 400 E0000001.
func (ctl control) seedSession(w http.ResponseWriter, c *call) {
	var seed SessionSeed
	if !decode(w, c, &seed, false) {
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

// clearFaults answers 204 once every fault is gone; see ClearFaults.
func (ctl control) clearFaults(w http.ResponseWriter, _ *call) {
	ctl.s.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}

// now answers the server's time, {"now"}.
func (ctl control) now(w http.ResponseWriter, c *call) {
	writeJSON(w, http.StatusOK, map[string]string{"now": jsonTime(c.now)})
}

// maxMillis is the most milliseconds the control API takes for a duration
// (POST clock/advance, a fault's latencyMs and trickleEveryMs): the longest
// time.Duration, in whole milliseconds (api/oktatest-control.yaml gives it
// as the maximum). More would wrap around: the clock would move back, a
// delay would be none.
const maxMillis = math.MaxInt64 / int64(time.Millisecond)

// advance moves a FakeClock forward by {"milliseconds"} (an integer from 1
// to maxMillis) and answers the new time; any other value, or the wall
// clock, is 400 E0000001.
func (ctl control) advance(w http.ResponseWriter, c *call) {
	var body struct {
		// Milliseconds is kept raw, so that a number past int64 or not an
		// integer is refused as a value (E0000001), as a huge one is.
		Milliseconds json.RawMessage `json:"milliseconds"`
	}
	if !decode(w, c, &body, true) {
		return
	}
	ms, err := strconv.ParseInt(string(body.Milliseconds), 10, 64)
	clock, ok := ctl.s.clock.(interface{ Advance(time.Duration) })
	switch {
	case !ok:
		errValidation("clock is the wall clock, which only a fake on a FakeClock (okta-fake -fake-clock) can advance").write(w)
	case err != nil || ms <= 0 || ms > maxMillis:
		errValidation(fmt.Sprintf("milliseconds is an integer from 1 to %d", maxMillis)).write(w)
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
