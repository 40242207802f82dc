// Package httpx is the HTTP layer of the client's request pipeline: the
// tuned http.Client, the wrappers that bound a caller's HTTP client by the
// request's context and keep its redirects on the org, the size-capped
// reading of answers, and the parsing of the headers the pipeline reads
// (WWW-Authenticate). It knows nothing of Okta's API or of package okta,
// which imports it.
package httpx

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// HeaderDPoP is the DPoP header's key as http.Header keeps it. Header.Get,
// Set and Del with "DPoP", which is not canonical, make the canonical key
// anew, an allocation on every request.
var HeaderDPoP = http.CanonicalHeaderKey("DPoP")

// Tuning of the default HTTP client (see NewClient).
const (
	dialTimeout         = 10 * time.Second
	tcpKeepAlive        = 30 * time.Second
	tlsHandshakeTimeout = 10 * time.Second
	idleConnTimeout     = 90 * time.Second
	// maxIdleConnsPerHost is the idle connections kept per host: Go's
	// default of 2 makes concurrent callers open a socket per call.
	maxIdleConnsPerHost = 100
	// maxIdleConns is the idle connections kept in all: a client talks to
	// one org, so as many as for its one host.
	maxIdleConns = maxIdleConnsPerHost
	// maxRedirects is Go's own redirect limit, kept for a caller's
	// HTTPClient that follows redirects within the org.
	maxRedirects = 10
)

// NewClient returns a new HTTP client tuned for one org's API (see
// okta.NewHTTPClient): proxy from the environment, dial and TLS handshake
// timeouts, maxIdleConnsPerHost idle connections kept, and no redirects
// followed.
func NewClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: dialTimeout, KeepAlive: tcpKeepAlive}).DialContext,
			ForceAttemptHTTP2:   true,
			TLSClientConfig:     &tls.Config{MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout: tlsHandshakeTimeout,
			MaxIdleConns:        maxIdleConns,
			MaxIdleConnsPerHost: maxIdleConnsPerHost,
			IdleConnTimeout:     idleConnTimeout,
			// No ResponseHeaderTimeout: Configuration.AttemptTimeout already
			// bounds the whole attempt, and a second timer per request costs
			// CPU under concurrency.
		},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// ContextBound makes a caller's RoundTripper (nil means
// http.DefaultTransport) return when the request's context ends, even if it
// does not watch the context itself, so that AttemptTimeout and Timeout bound
// every call whatever HTTP client sends it. A response that comes after the
// context ended is closed; the body of one that came in time is read only
// while the context lives, whatever its Read does (see boundBody). It costs a goroutine per attempt, and only clients
// given in Configuration.HTTPClient have it: Go's own transport honours the
// context.
//
// A RoundTripper that panics panics in the caller's goroutine, as it would
// under http.Client, with the same value (the stack is the caller's): on the
// goroutine that runs it, the panic would end the whole program, out of the
// caller's reach. A panic after the context ended is dropped with the
// answer.
type ContextBound struct{ rt http.RoundTripper }

// RoundTrip sends req through the wrapped RoundTripper, or gives up with the
// context's error when req's context ends first (see Await).
func (b ContextBound) RoundTrip(req *http.Request) (*http.Response, error) {
	rt := b.rt
	if rt == nil {
		rt = http.DefaultTransport
	}
	resp, err := Await(req.Context(), time.Time{},
		func() (*http.Response, error) { return rt.RoundTrip(req) },
		func(resp *http.Response) {
			if resp != nil {
				CloseDetached(resp.Body)
			}
		})
	if resp != nil && resp.Body != nil {
		resp.Body = newBoundBody(req.Context(), resp.Body)
	}
	return resp, err
}

// CloseDetached closes a caller's body on a goroutine of the client's own
// (ContextBound's late answers, the attempt's context.AfterFunc). A panic
// in the caller's Close is dropped: on that goroutine it would end the
// program, out of the caller's reach.
func CloseDetached(body io.Closer) {
	defer func() { _ = recover() }()
	_ = body.Close()
}

// Unreplayable makes req, which carries a single-use secret (a DPoP proof,
// a client assertion, CreateSession's session token), one that Go's
// transport never resends by itself, with the same headers and body, so the
// same secret, which the server may have seen already. Go's HTTP/1 transport
// resends a request whose reused connection broke before the answer when it
// can rewind the body (none, http.NoBody, or a GetBody) and the method is
// idempotent or an Idempotency-Key header is set; its HTTP/2 transport
// resends one it can rewind after a GOAWAY, a REFUSED_STREAM or a
// PROTOCOL_ERROR from the server, whatever the method. So req gets a body Go
// cannot rewind: no GetBody, and emptyBody in place of none. the pipeline's retry
// rules decide instead: a retry gets a new proof, and CreateSession is not
// retried at all.
//
// The cost: Go probes an emptyBody on a goroutine (finding it empty, it
// sends a GET or DELETE with no body), and over HTTP/1 sends a body-less
// POST (RefreshSession in DPoP mode) with an empty chunked body instead of
// Content-Length: 0.
func Unreplayable(req *http.Request) {
	req.GetBody = nil
	if req.Body == nil || req.Body == http.NoBody {
		req.Body = emptyBody{}
	}
}

// emptyBody is an empty body that is not http.NoBody, so that Go's transport
// cannot tell it is empty before it reads it, and sends no body for it.
type emptyBody struct{}

func (emptyBody) Read([]byte) (int, error) { return 0, io.EOF }
func (emptyBody) Close() error             { return nil }

// SameOriginOnly returns a shallow copy of hc that stops at any redirect off
// the origin of base (see okta.NewAPIClient) and otherwise applies hc's own
// redirect policy, or Go's default one; its transport is hc's, bounded by
// the request's context (see ContextBound).
func SameOriginOnly(hc *http.Client, base string) *http.Client {
	org, err := url.Parse(base)
	if err != nil {
		org = &url.URL{} // an invalid configuration sends nothing anyway
	}
	cp := *hc
	cp.Transport = ContextBound{rt: hc.Transport}
	// No cookie jar: Okta's API needs none, and a jar would add cookies
	// of one user's answer to another's current-session call, which must
	// carry exactly that user's cookie.
	cp.Jar = nil
	next := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !strings.EqualFold(req.URL.Scheme, org.Scheme) || !strings.EqualFold(req.URL.Host, org.Host) {
			return http.ErrUseLastResponse
		}
		if len(req.Header[HeaderDPoP]) > 0 {
			// Go copies the header: the redirect would carry a spent proof
			// for another URL. API attempts and token requests carry one;
			// a new proof is only ever made for a new attempt.
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
	return &cp
}
