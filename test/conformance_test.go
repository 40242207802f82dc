package test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

// spec is api/openapi.yaml and a router over it; loaded once for the suite.
var spec = sync.OnceValues(func() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../api/openapi.yaml")
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("api/openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	return doc, nil
})

// specRouter finds operations in api/openapi.yaml.
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := spec()
	if err != nil {
		return nil, err
	}
	return legacy.NewRouter(doc)
})

// specHost stands in for the fake's URL when routes are looked up, so that
// they match the spec's https://{subdomain}.{domain} server.
const specHost = "dev-123456.okta.com"

// conformance is an http.RoundTripper that checks every request against
// api/openapi.yaml before sending it, and every answer after. It records the
// violations; the test fails on any when it ends.
type conformance struct {
	t    testing.TB
	next http.RoundTripper
	*specChecks
}

// specChecks is what the conformance checks made by one newConformance and
// its wraps count together.
type specChecks struct {
	checked atomic.Int64

	mu  sync.Mutex
	ops map[string]bool // the operationIds of the requests checked
}

// newConformance returns a conformance check of t's requests sent through
// next.
func newConformance(t testing.TB, next http.RoundTripper) *conformance {
	return &conformance{t: t, next: next, specChecks: new(specChecks)}
}

// wrap returns a conformance check that sends through next and counts with
// c.
func (c *conformance) wrap(next http.RoundTripper) *conformance {
	return &conformance{t: c.t, next: next, specChecks: c.specChecks}
}

// RoundTrip validates req, sends it, and validates the answer unless the fake
// marked it as spoilt on purpose.
func (c *conformance) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == oktatest.TokenPath { // Okta's OAuth 2.0 API, not in this spec
		return c.next.RoundTrip(req)
	}
	in, err := specInput(req)
	if err != nil {
		c.t.Errorf("conformance: %v", err)
		return c.next.RoundTrip(req)
	}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		c.t.Errorf("conformance: request %s %s: %v", req.Method, in.Route.Path, err)
	}
	c.checked.Add(1)
	c.mu.Lock()
	if c.ops == nil {
		c.ops = map[string]bool{}
	}
	c.ops[in.Route.Operation.OperationID] = true
	c.mu.Unlock()

	resp, err := c.next.RoundTrip(req)
	if err != nil || resp.Header.Get(oktatest.FaultHeader) != "" {
		return resp, err
	}
	if err := checkAnswer(in, resp); err != nil {
		c.t.Errorf("conformance: %v", err)
	}
	c.checked.Add(1)
	return resp, nil
}

// operations returns the operationIds of the requests checked so far.
func (c *specChecks) operations() map[string]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]bool, len(c.ops))
	for op := range c.ops {
		out[op] = true
	}
	return out
}

// specInput finds the operation of req in the spec and returns what
// openapi3filter validates it with. req's body is read and replaced.
func specInput(req *http.Request) (*openapi3filter.RequestValidationInput, error) {
	router, err := specRouter()
	if err != nil {
		return nil, err
	}
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	// Look the route up on a copy addressed to the spec's server.
	probe := req.Clone(req.Context())
	probe.URL.Scheme, probe.URL.Host, probe.Host = "https", specHost, specHost
	probe.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := router.FindRoute(probe)
	if err != nil {
		return nil, fmt.Errorf("%s %s is not an operation of the spec: %w", req.Method, req.URL.EscapedPath(), err)
	}
	return &openapi3filter.RequestValidationInput{
		Request:    probe,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: checkAuthScheme,
		},
	}, nil
}

// checkAnswer validates resp, the answer to the request of in, against the
// spec: its status must be one the operation describes, and its body must
// match. resp's body is read and replaced.
func checkAnswer(in *openapi3filter.RequestValidationInput, resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil // a broken stream is the client's to report
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(in.Request.Context(), out); err != nil {
		return fmt.Errorf("answer %d to %s %s: %w", resp.StatusCode, in.Request.Method, in.Route.Path, err)
	}
	return nil
}

// checkAuthScheme checks a request's credential for a security scheme of the
// spec: "SSWS <token>" for apiToken; "Bearer <token>", or "DPoP <token>" with
// one DPoP proof, for oauth2; for a cookie scheme (sidCookie, idxCookie),
// that cookie alone, and neither Authorization nor DPoP.
func checkAuthScheme(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	req := in.RequestValidationInput.Request
	if s := in.SecurityScheme; s.Type == "apiKey" && s.In == "cookie" {
		return checkCookieOnly(req, s.Name)
	}
	auth := req.Header.Get("Authorization")
	for _, want := range map[string][]string{"apiToken": {"SSWS "}, "oauth2": {"Bearer ", "DPoP "}}[in.SecuritySchemeName] {
		if strings.HasPrefix(auth, want) && len(auth) > len(want) && (want != "DPoP " || len(req.Header.Values("DPoP")) == 1) {
			return nil
		}
	}
	return errors.New("no " + in.SecuritySchemeName + " credential")
}

// checkCookieOnly checks that req's one credential is the cookie name.
func checkCookieOnly(req *http.Request, name string) error {
	for _, h := range []string{"Authorization", "DPoP"} {
		if len(req.Header.Values(h)) != 0 {
			return fmt.Errorf("%s sent with the %s cookie", h, name)
		}
	}
	if c := req.Cookies(); len(c) != 1 || c[0].Name != name || c[0].Value == "" {
		return errors.New("not exactly one " + name + " cookie")
	}
	return nil
}

// The check of the cookie schemes refuses a current-session request that
// carries a client credential or anything but the one session cookie.
func TestConformance_cookieSchemes(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		ok     bool
	}{
		{"sid", http.Header{"Cookie": {"sid=102abc"}}, true},
		{"idx", http.Header{"Cookie": {"idx=102abc"}}, true},
		{"no cookie", http.Header{}, false},
		{"another cookie", http.Header{"Cookie": {"JSESSIONID=102abc"}}, false},
		{"two cookies", http.Header{"Cookie": {"sid=102abc; idx=102abc"}}, false},
		{"empty value", http.Header{"Cookie": {"sid="}}, false},
		{"and an API token", http.Header{"Cookie": {"sid=102abc"}, "Authorization": {"SSWS 00token"}}, false},
		{"and an access token", http.Header{"Cookie": {"idx=102abc"}, "Authorization": {"Bearer at"}}, false},
		{"and a DPoP proof", http.Header{"Cookie": {"idx=102abc"}, "Dpop": {"proof"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, "https://"+specHost+"/api/v1/sessions/me", nil)
			require.NoError(t, err)
			req.Header = tt.header
			in, err := specInput(req)
			require.NoError(t, err)
			err = openapi3filter.ValidateRequest(ctx, in)
			assert.Equal(t, tt.ok, err == nil, "%v", err)
		})
	}
}

// The answers the fake gives to requests the SDK never sends are described
// in the spec too, so that a suite in another language can check them.
func TestConformance_fakesOwnAnswers(t *testing.T) {
	srv := oktatest.NewServer(t)
	user := srv.SeedUser(oktatest.User{})
	id, err := srv.SeedSession(oktatest.SessionSeed{User: user})
	require.NoError(t, err)
	tests := []struct {
		name, method, path string
		header             http.Header
		status             int
	}{
		{"GET /me with an API token", http.MethodGet, "/api/v1/sessions/me", http.Header{"Cookie": {"sid=" + id}, "Authorization": {"SSWS " + srv.APIToken}}, http.StatusForbidden},
		{"refresh /me with an access token", http.MethodPost, "/api/v1/sessions/me/lifecycle/refresh", http.Header{"Cookie": {"idx=" + id}, "Authorization": {"Bearer at"}}, http.StatusForbidden},
		{"DELETE /me with an API token", http.MethodDelete, "/api/v1/sessions/me", http.Header{"Cookie": {"sid=" + id}, "Authorization": {"SSWS " + srv.APIToken}}, http.StatusForbidden},
		{"revoke with oauthTokens=yes", http.MethodDelete, "/api/v1/users/" + user.ID + "/sessions?oauthTokens=yes", http.Header{"Authorization": {"SSWS " + srv.APIToken}}, http.StatusBadRequest},
		{"revoke with a wrong API token", http.MethodDelete, "/api/v1/users/" + user.ID + "/sessions", http.Header{"Authorization": {"SSWS 00wrong"}}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			require.NoError(t, err)
			req.Header = tt.header
			in, err := specInput(req)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, tt.status, resp.StatusCode)
			assert.NoError(t, checkAnswer(in, resp))
		})
	}
}
