package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// suite drives a running okta-fake over plain HTTP, as a suite in another
// language would, and checks every control request and answer against
// api/oktatest-control.yaml.
type suite struct {
	t      *testing.T
	url    string
	token  string
	router routers.Router
}

// newSuite loads the control API's description.
func newSuite(t *testing.T, url, token string) *suite {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("../../api/oktatest-control.yaml")
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()), "api/oktatest-control.yaml is a valid OpenAPI document")
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)
	return &suite{t: t, url: url, token: token, router: router}
}

// do sends a request with the API token and returns the status and body;
// a control request and its answer are checked against the description.
func (s *suite) do(method, path, body string, header ...string) (int, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "SSWS "+s.token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	if strings.HasPrefix(path, "/oktatest/") {
		s.check(req, body, resp, got)
	}
	return resp.StatusCode, got
}

// check validates a control request and its answer against the
// description; a request the description refuses must be one the fake
// refuses with 400.
func (s *suite) check(req *http.Request, body string, resp *http.Response, got []byte) {
	s.t.Helper()
	probe := req.Clone(context.Background())
	probe.URL.Scheme, probe.URL.Host, probe.Host = "http", "127.0.0.1:8089", "127.0.0.1:8089"
	probe.Body = io.NopCloser(strings.NewReader(body))
	route, params, err := s.router.FindRoute(probe)
	require.NoError(s.t, err, "%s %s is in api/oktatest-control.yaml", req.Method, req.URL.Path)
	in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		assert.Equal(s.t, http.StatusBadRequest, resp.StatusCode, "request %s %s: %v", req.Method, req.URL.Path, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(got)
	assert.NoError(s.t, openapi3filter.ValidateResponse(context.Background(), out), "answer %d to %s %s", resp.StatusCode, req.Method, req.URL.Path)
}

// object decodes a JSON object.
func (s *suite) object(b []byte) map[string]any {
	s.t.Helper()
	var v map[string]any
	require.NoError(s.t, json.Unmarshal(b, &v), "body: %s", b)
	return v
}

func TestControlAPI_endToEnd(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-addr", "localhost:0", "-token", "00devtoken", "-fake-clock"}, &out, func() {
		url := orgURL(t, out.String())
		s := newSuite(t, url, "00devtoken")
		s.seedAndRead()
		s.faultAndExpire()
		s.recordsAndReset()
		s.universalLogout()
	})
	require.NoError(t, err)
}

// seedAndRead seeds a user and an MFA_REQUIRED session, and reads it back.
func (s *suite) seedAndRead() {
	t := s.t
	status, body := s.do(http.MethodPost, "/oktatest/v1/users", `{"userId":"00uann","login":"ann@example.com","displayName":"Ann"}`)
	require.Equal(t, http.StatusCreated, status, "body: %s", body)
	status, body = s.do(http.MethodGet, "/oktatest/v1/clock", "")
	require.Equal(t, http.StatusOK, status)
	now, err := time.Parse(time.RFC3339, s.object(body)["now"].(string))
	require.NoError(t, err)
	seed := `{"id":"102seeded","user":{"userId":"00uann"},"status":"MFA_REQUIRED","amr":["pwd"],"mfaActive":true,` +
		`"expiresAt":"` + now.Add(time.Hour).Format(time.RFC3339) + `"}`
	status, body = s.do(http.MethodPost, "/oktatest/v1/sessions", seed)
	require.Equal(t, http.StatusCreated, status, "body: %s", body)
	assert.Equal(t, "ann@example.com", s.object(body)["login"], "the seeded user")

	status, body = s.do(http.MethodGet, "/api/v1/sessions/102seeded", "")
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	assert.Equal(t, "MFA_REQUIRED", s.object(body)["status"])
	status, _ = s.do(http.MethodGet, "/api/v1/sessions/me", "", "Authorization", "", "Cookie", "idx=102seeded")
	assert.Equal(t, http.StatusForbidden, status, "an Authorization header on /me is refused, even empty")
}

// faultAndExpire injects a fault, then advances the clock past the
// session's expiry.
func (s *suite) faultAndExpire() {
	t := s.t
	status, _ := s.do(http.MethodPost, "/oktatest/v1/faults", `{"route":"GetSession","count":1,"status":503}`)
	require.Equal(t, http.StatusNoContent, status)
	status, _ = s.do(http.MethodGet, "/api/v1/sessions/102seeded", "")
	assert.Equal(t, http.StatusServiceUnavailable, status)

	status, _ = s.do(http.MethodPost, "/oktatest/v1/clock/advance", `{"milliseconds":3600000}`)
	require.Equal(t, http.StatusOK, status)
	status, body := s.do(http.MethodGet, "/api/v1/sessions/102seeded", "")
	assert.Equal(t, http.StatusNotFound, status, "expired: %s", body)

	// The description's maximum is the fake's: one more is refused by both.
	status, body = s.do(http.MethodPost, "/oktatest/v1/clock/advance", `{"milliseconds":9223372036855}`)
	assert.Equal(t, http.StatusBadRequest, status, "body: %s", body)
	status, body = s.do(http.MethodPost, "/oktatest/v1/clock/advance", `{"milliseconds":9223372036854}`)
	assert.Equal(t, http.StatusOK, status, "body: %s", body)
}

// recordsAndReset reads the recorded requests, and resets the org.
func (s *suite) recordsAndReset() {
	t := s.t
	status, body := s.do(http.MethodGet, "/oktatest/v1/requests", "")
	require.Equal(t, http.StatusOK, status)
	var reqs []map[string]any
	require.NoError(t, json.Unmarshal(body, &reqs))
	require.Len(t, reqs, 4, "only Okta's API is recorded")
	assert.Equal(t, []any{float64(200), float64(403), float64(503), float64(404)},
		[]any{reqs[0]["status"], reqs[1]["status"], reqs[2]["status"], reqs[3]["status"]})
	assert.Equal(t, "SSWS [redacted]", reqs[0]["header"].(map[string]any)["Authorization"].([]any)[0])
	assert.Equal(t, "idx=[redacted]", reqs[1]["header"].(map[string]any)["Cookie"].([]any)[0])

	s.do(http.MethodPost, "/oktatest/v1/faults", `{"drop":true}`)
	status, _ = s.do(http.MethodDelete, "/oktatest/v1/faults", "")
	assert.Equal(t, http.StatusNoContent, status, "a fault on every request leaves the control API alone")
	status, _ = s.do(http.MethodPost, "/oktatest/v1/reset", "")
	require.Equal(t, http.StatusNoContent, status)
	_, body = s.do(http.MethodGet, "/oktatest/v1/requests", "")
	assert.JSONEq(t, `[]`, string(body))
	status, _ = s.do(http.MethodDelete, "/api/v1/users/00uann/sessions", "")
	assert.Equal(t, http.StatusNotFound, status, "the user is gone")

	status, body = s.do(http.MethodPost, "/oktatest/v1/sessions", `{"status":"LOCKED"}`)
	assert.Equal(t, http.StatusBadRequest, status, "body: %s", body)
	status, _ = s.do(http.MethodPost, "/oktatest/v1/session-tokens", `{"login":"bob@example.com"}`)
	assert.Equal(t, http.StatusOK, status)
}

// universalLogout rotates the org's key and has the fake send a Universal
// Logout request to a receiver, whose JWT verifies with the published keys.
func (s *suite) universalLogout() {
	t := s.t
	reqs := make(chan *http.Request, 1)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqs <- r.Clone(context.Background())
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	status, body := s.do(http.MethodPost, "/oktatest/v1/keys/rotate", "")
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	kid := s.object(body)["kid"].(string)

	status, body = s.do(http.MethodPost, "/oktatest/v1/universal-logout",
		`{"endpoint":"`+receiver.URL+`/logout","subject":{"format":"iss_sub","iss":"`+s.url+`","sub":"00uann"},"subjectField":"sub_id"}`)
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	assert.JSONEq(t, `{"status":204}`, string(body))
	got := <-reqs
	tok, err := jwt.ParseSigned(strings.TrimPrefix(got.Header.Get("Authorization"), "Bearer "), []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	assert.Equal(t, kid, tok.Headers[0].KeyID)
	status, body = s.do(http.MethodGet, "/oauth2/v1/keys", "")
	require.Equal(t, http.StatusOK, status)
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal(body, &set))
	var claims jwt.Claims
	require.NoError(t, tok.Claims(set.Key(kid)[0].Key, &claims))
	assert.Equal(t, s.url, claims.Issuer)

	status, body = s.do(http.MethodPost, "/oktatest/v1/universal-logout", `{"endpoint":"ftp://x","subject":{"format":"email","email":"a@b"}}`)
	assert.Equal(t, http.StatusBadRequest, status, "body: %s", body)
}

// The description gives the longest advance of the clock the fake takes:
// the longest time.Duration, in whole milliseconds.
func TestControlAPI_advanceMaximum(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../../api/oktatest-control.yaml")
	require.NoError(t, err)
	op := doc.Paths.Find("/oktatest/v1/clock/advance").Post
	ms := op.RequestBody.Value.Content.Get("application/json").Schema.Value.Properties["milliseconds"].Value
	require.NotNil(t, ms.Max, "a maximum")
	assert.Equal(t, float64(math.MaxInt64/int64(time.Millisecond)), *ms.Max)
	assert.Equal(t, float64(1), *ms.Min)
}

// specAccepts reports whether api/oktatest-control.yaml accepts the
// control request.
func (s *suite) specAccepts(method, path, body string) bool {
	s.t.Helper()
	probe, err := http.NewRequest(method, "http://127.0.0.1:8089"+path, strings.NewReader(body))
	require.NoError(s.t, err)
	probe.Header.Set("Content-Type", "application/json")
	probe.Header.Set("Authorization", "SSWS "+s.token)
	route, params, err := s.router.FindRoute(probe)
	require.NoError(s.t, err)
	in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	return openapi3filter.ValidateRequest(context.Background(), in) == nil
}

// The description and the fake agree on which faults are taken: each body
// the one accepts, the other does, and each the one refuses, the other
// refuses with 400 naming the field.
func TestControlAPI_faultsAgree(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-addr", "localhost:0", "-token", "00devtoken"}, &out, func() {
		s := newSuite(t, orgURL(t, out.String()), "00devtoken")
		for _, body := range []string{
			`{"route":"RevokeUserSessions","count":1,"status":503}`,
			`{"route":"RevokeUserSessions","count":1,"status":0,"latencyMs":1}`,
			`{"route":"RevokeUserSessions","count":1,"latencyMs":9223372036854}`,
			`{"route":"Keys","count":1,"header":{"Retry-After":["1"]}}`,
			`{"route":"RevokeUserSessions","count":1,"body":"trickle","trickleEveryMs":9223372036854}`,
			`{"route":"RevokeUserSessions","count":1,"drop":true,"processed":true}`,
			`{"route":"RevokeUserSessions","count":1,"body":"oversized","bodySize":0}`,
			`{"latencyMs":4611686018427387904}`,
			`{"latencyMs":9223372036855}`,
			`{"latencyMs":-1}`,
			`{"trickleEveryMs":9223372036855,"body":"trickle"}`,
			`{"bodySize":-1,"body":"oversized"}`,
			`{"status":200}`,
			`{"status":600}`,
			`{"route":"Control","status":500}`,
			`{"body":"garbled"}`,
			`{"count":1}`,
			`{"drop":false}`,
			`{"body":""}`,
			`{"header":{}}`,
			`{}`,
			``,
		} {
			accepts := s.specAccepts(http.MethodPost, "/oktatest/v1/faults", body)
			status, got := s.do(http.MethodPost, "/oktatest/v1/faults", body)
			assert.Equal(t, accepts, status == http.StatusNoContent, "%s: the description accepts it: %v; the fake answers %d %s", body, accepts, status, got)
			if status == http.StatusBadRequest {
				assert.NotEqual(t, "The request body was not well-formed.", s.object(got)["errorSummary"], "%s: says why", body)
			}
		}
		s.do(http.MethodDelete, "/oktatest/v1/faults", "")
	})
	require.NoError(t, err)
}

// A recorded header has the name the description gives it: a DPoP proof
// is recorded as "Dpop".
func TestControlAPI_recordedHeaderNames(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../../api/oktatest-control.yaml")
	require.NoError(t, err)
	declared := doc.Components.Schemas["Request"].Value.Properties["header"].Value.Properties
	require.Contains(t, declared, "Dpop", "the description names the DPoP header as it is recorded")
	var out bytes.Buffer
	err = run([]string{"-addr", "localhost:0", "-token", "00devtoken"}, &out, func() {
		s := newSuite(t, orgURL(t, out.String()), "00devtoken")
		s.do(http.MethodGet, "/api/v1/sessions/me", "", "Authorization", "", "Cookie", "idx=102x", "DPoP", "a.b.c")
		_, body := s.do(http.MethodGet, "/oktatest/v1/requests", "")
		var reqs []struct{ Header map[string][]string }
		require.NoError(t, json.Unmarshal(body, &reqs))
		require.Len(t, reqs, 1)
		for name := range declared {
			assert.Contains(t, reqs[0].Header, name, "recorded as the description names it")
		}
	})
	require.NoError(t, err)
}
