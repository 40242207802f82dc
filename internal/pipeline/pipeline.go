// Package pipeline is the client's request pipeline: every request the
// client sends goes through the same stages, each with one job and its
// home, in the order a request meets them:
//
//	Do            refusals before any I/O, the call's deadline, Observer.OnCall
//	retries       retry.go: the retry rules (Hooks.PlanRetry), and the waits between attempts
//	repeats       retry.go: the credential's repeat at once (a DPoP nonce, a new token: auth.Again)
//	throttling    retry.go: MaxConcurrency, RateLimitFloor
//	attempts      AttemptTimeout, and the attempt's events
//	Exchange      credential, send, bounded read and decode (answer.go)
//
// Each stage calls the next directly, not through a function value, and
// the Call never goes to a function value or an interface: escape analysis
// then keeps an operation's *Call on its stack (a chain of function values,
// as oktatest's chain.go composes the fake, cost a heap allocation of the
// call, 256 bytes, on every call). What the pipeline cannot name, package
// okta's types (its errors, Session, Observer's events), it reaches through
// Hooks, functions set once by NewAPIClient, which are given values (an
// operation name, the call's secrets), never the Call. A stage that is off
// (no throttle) is a nil check.
//
// The token request of "PrivateKey" mode is a request of the same pipeline
// with its own policy: its credential is the grant (auth.Grant), its Reader
// makes an access token or an *OAuthError, and package okta sends it by
// Exchange, inside the attempt of the API call that needs the token, so
// AttemptTimeout bounds it and the call's retries retry it. See DESIGN.md.
//
// It never imports package okta.
package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/throttle"
)

// Clock is the client's clock (Configuration.Clock): retry waits and the
// throttle's window follow it; deadlines are real time.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// Config is a client's pipeline, set once by NewAPIClient from its
// configuration (defaults filled in).
type Config struct {
	Base           string // org URL without a trailing slash
	SessionsPath   string // the Session API's path, whose ids log records shorten
	UserAgent      string
	DefaultHeader  map[string]string
	HTTPClient     *http.Client
	Timeout        time.Duration
	AttemptTimeout time.Duration
	Clock          Clock
	Logger         *slog.Logger
	Observer       Observer // nil when none
	ConfigErr      error    // why the configuration is unusable; returned by every call
	// MaxConcurrency and RateLimitFloor make the throttle (none when both
	// are 0, or ConfigErr is set).
	MaxConcurrency, RateLimitFloor int
	Hooks
}

// Pipeline sends the client's requests. It is safe for concurrent use.
type Pipeline struct {
	Config
	Throttle *throttle.Throttle // nil unless MaxConcurrency or RateLimitFloor is set
}

// New returns the pipeline of cfg.
func New(cfg Config) *Pipeline {
	p := &Pipeline{Config: cfg}
	if cfg.ConfigErr == nil {
		p.Throttle = throttle.New(cfg.MaxConcurrency, cfg.RateLimitFloor, cfg.Clock, p.throttled)
	}
	return p
}

// Do runs an API operation: it refuses what must not be sent, resolves the
// credential and the deadline (prepare), and sends the call down the
// pipeline. The returned response's body has been read and closed.
func (p *Pipeline) Do(ctx context.Context, r *Call) (resp *http.Response, err error) {
	if p.Observer != nil {
		start := time.Now()
		defer func() { p.endCall(r, start, resp, err) }()
	}
	if err := p.prepare(ctx, r); err != nil {
		return nil, p.Refused(r.Op, err)
	}
	return p.retries(ctx, r)
}

// prepare readies r for its first attempt: it refuses an invalid argument,
// context or configuration, sets the call's deadline, resolves the
// credential within it (a caller's TokenSource is bounded by it) and
// encodes the body.
func (p *Pipeline) prepare(ctx context.Context, r *Call) error {
	switch {
	case r.Invalid != nil:
		return r.Invalid
	case ctx == nil:
		return p.NilContext
	case p.ConfigErr != nil:
		return p.ConfigErr
	}
	r.deadline = time.Now().Add(p.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(r.deadline) {
		r.deadline = d
	}
	var err error
	if r.Cred == nil {
		if r.Cred, err = p.Credential(ctx, r.SSWSOrNone, r.deadline); err != nil {
			return err
		}
	}
	if r.Payload != nil {
		if r.body, err = json.Marshal(r.Payload); err != nil {
			return err
		}
	}
	return nil
}

// attempts is the stage that bounds each attempt by AttemptTimeout and the
// call's deadline, and reports it when it was sent.
func (p *Pipeline) attempts(ctx context.Context, r *Call) (*http.Response, error) {
	start := time.Now()
	deadline := r.deadline
	if d := start.Add(p.AttemptTimeout); d.Before(deadline) {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	resp, err := p.Exchange(ctx, r)
	if r.lastSent { // else its credential failed (a token fetch): nothing was sent
		p.endAttempt(ctx, r, resp, err, start)
	}
	return resp, err
}

// Exchange sends r once and reads the answer, all bounded by ctx: the
// credential authorizes the request, the HTTP client sends it, and
// checkAnswer reads the answer through a size cap and decodes it. A
// caller's HTTPClient may return a body that does not end when ctx ends;
// httpx.ContextBound ends its reads then, so that no read outlives ctx.
// Every request of the client, API call or token request, goes through
// here.
func (p *Pipeline) Exchange(ctx context.Context, r *Call) (*http.Response, error) {
	r.lastSent = false
	req, err := p.newRequest(ctx, r)
	if err != nil {
		return nil, p.authError(r, err)
	}
	r.sends, r.lastSent = r.sends+1, true
	resp, err := p.HTTPClient.Do(req)
	if err != nil {
		return nil, p.transportError(r, err)
	}
	return resp, p.checkAnswer(r, resp)
}

// newRequest builds the HTTP request of r's current attempt: the
// DefaultHeader, Accept: application/json and the User-Agent (the client's
// own headers winning), the credential and, on a retry,
// X-Okta-Retry-Count and X-Okta-Retry-For.
func (p *Pipeline) newRequest(ctx context.Context, r *Call) (*http.Request, error) {
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, rd)
	if err != nil {
		return nil, errors.New("cannot build the request URL")
	}
	for k, v := range p.DefaultHeader { // every request, token requests included
		req.Header.Set(k, v)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", p.UserAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.attempt > 0 {
		req.Header.Set("X-Okta-Retry-Count", strconv.Itoa(r.attempt))
		if r.retryFor != "" {
			req.Header.Set("X-Okta-Retry-For", r.retryFor)
		}
	}
	if err := r.Cred.Authorize(ctx, req); err != nil {
		return nil, err
	}
	if !r.Idempotent || len(req.Header[httpx.HeaderDPoP]) > 0 {
		// CreateSession's one-time token, a DPoP proof: only the pipeline's rules
		// may send them again.
		httpx.Unreplayable(req)
	}
	return req, nil
}
