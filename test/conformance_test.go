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

	"github.com/oktasessions/okta-session-go/oktatest"
)

// specRouter finds operations in api/openapi.yaml; loaded once for the suite.
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../api/openapi.yaml")
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("api/openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	return legacy.NewRouter(doc)
})

// specHost stands in for the fake's loopback URL when routes are looked up,
// so that they match the spec's https://{subdomain}.{domain} server.
const specHost = "dev-123456.okta.com"

// conformance is an http.RoundTripper that checks every request against
// api/openapi.yaml before sending it, and every answer after. It records the
// violations; the test fails on any when it ends.
type conformance struct {
	t       testing.TB
	next    http.RoundTripper
	checked atomic.Int64
}

// RoundTrip validates req, sends it, and validates the answer unless the fake
// marked it as spoilt on purpose.
func (c *conformance) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == oktatest.TokenPath { // Okta's OAuth 2.0 API, not in this spec
		return c.next.RoundTrip(req)
	}
	router, err := specRouter()
	if err != nil {
		c.t.Errorf("conformance: %v", err)
		return nil, err
	}
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	// Look the route up on a copy addressed to the spec's server.
	probe := req.Clone(req.Context())
	probe.URL.Scheme, probe.URL.Host, probe.Host = "https", specHost, specHost
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(probe)
	if err != nil {
		c.t.Errorf("conformance: %s %s is not an operation of the spec: %v", req.Method, req.URL.EscapedPath(), err)
		return c.next.RoundTrip(req)
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    probe,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: checkAuthScheme,
		},
	}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		c.t.Errorf("conformance: request %s %s: %v", req.Method, route.Path, err)
	}
	c.checked.Add(1)

	resp, err := c.next.RoundTrip(req)
	if err != nil || resp.Header.Get(oktatest.FaultHeader) != "" {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil // a broken stream is the client's to report
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		c.t.Errorf("conformance: answer %d to %s %s: %v", resp.StatusCode, req.Method, route.Path, err)
	}
	c.checked.Add(1)
	return resp, nil
}

// checkAuthScheme checks the Authorization header's form for a security
// scheme of the spec: "SSWS <token>" for apiToken; "Bearer <token>", or
// "DPoP <token>" with one DPoP proof, for oauth2.
func checkAuthScheme(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header
	auth := h.Get("Authorization")
	for _, want := range map[string][]string{"apiToken": {"SSWS "}, "oauth2": {"Bearer ", "DPoP "}}[in.SecuritySchemeName] {
		if strings.HasPrefix(auth, want) && len(auth) > len(want) && (want != "DPoP " || len(h.Values("DPoP")) == 1) {
			return nil
		}
	}
	return errors.New("no " + in.SecuritySchemeName + " credential")
}
