package okta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/oktasessions/okta-session-go/internal/pipeline"
	"github.com/oktasessions/okta-session-go/internal/throttle"
)

// The request pipeline lives in internal/pipeline (see its package
// documentation and DESIGN.md). It cannot name this package's types, so
// NewAPIClient gives it, once, the functions below, which make and read
// them: none is given the pipeline's *Call, so that an operation's call
// stays on its stack.

// newPipeline returns the pipeline of the client c, whose configuration
// has its defaults filled in and whose base, credentials and cfgErr are set.
func (c *APIClient) newPipeline(hc *http.Client) *pipeline.Pipeline {
	cfg := c.cfg
	var obs pipeline.Observer
	if cfg.Observer != nil {
		obs = observerAdapter{cfg.Observer}
	}
	return pipeline.New(pipeline.Config{
		Base: c.base, SessionsPath: sessionsPath, UserAgent: fullUserAgent(cfg), DefaultHeader: cfg.DefaultHeader,
		HTTPClient: hc, Timeout: cfg.Timeout, AttemptTimeout: cfg.AttemptTimeout,
		Clock: cfg.Clock, Logger: cfg.Logger, Observer: obs, ConfigErr: c.cfgErr,
		MaxConcurrency: cfg.MaxConcurrency, RateLimitFloor: cfg.RateLimitFloor,
		Hooks: pipeline.Hooks{
			Credential: c.credential, NilContext: &ValidationError{Field: "ctx", Reason: "is nil"},
			Refused: refused, OAuthError: shortenedOAuthError,
			Decode: decodeOut, AnswerID: answerID, BadAnswer: badAnswer, APIError: apiError,
			Throttled: throttled, PlanRetry: c.planRetry, Outcome: outcomeName,
		},
	})
}

// do runs an API operation through the pipeline.
func (c *APIClient) do(ctx context.Context, r *pipeline.Call) (*http.Response, error) {
	return c.pipe.Do(ctx, r)
}

// refused names the operation in an error from before any I/O: a
// *ValidationError gets Op on a copy (the configuration's is shared by all
// calls); any other error is wrapped.
func refused(op string, err error) error {
	if ve, ok := err.(*ValidationError); ok {
		named := *ve
		named.Op = op
		return &named
	}
	return fmt.Errorf("okta: %s: %w", op, err)
}

// shortenedOAuthError is a copy of err's *OAuthError with secrets
// shortened (the token fetch's error is shared by the calls that waited).
func shortenedOAuthError(err error, secrets []string) (error, bool) {
	var oe *OAuthError
	if errors.As(err, &oe) {
		return oe.shortened(secrets), true
	}
	return nil, false
}

// decodeOut decodes a 2xx answer into out, a *Session (decodeSession).
func decodeOut(contentType string, body io.Reader, out any, wantID string) error {
	return decodeSession(contentType, body, out.(*Session), wantID)
}

// answerID is the id of the session in out, a *Session.
func answerID(out any) string {
	if s, ok := out.(*Session); ok {
		return s.Id
	}
	return ""
}

// apiError is newAPIError as an error.
func apiError(op string, resp *http.Response, body []byte, secrets []string) error {
	return newAPIError(op, resp, body, secrets)
}

// throttled is the *ThrottleError of a call the throttle held back.
func throttled(op string, ref *throttle.Refusal) error {
	return &ThrottleError{Op: op, Setting: ref.Setting, Remaining: ref.Remaining, Floor: ref.Floor, RetryAt: ref.RetryAt, Err: ref.Err}
}

// outcomeName is err's Outcome.
func outcomeName(err error) string { return string(outcomeOf(err)) }

// observerAdapter hands the pipeline's events to an Observer as its types.
type observerAdapter struct{ o Observer }

func (a observerAdapter) OnCall(e pipeline.CallEvent) {
	a.o.OnCall(CallInfo{Op: e.Op, Outcome: Outcome(e.Outcome), StatusCode: e.StatusCode, Attempts: e.Sends, Duration: e.Duration})
}

func (a observerAdapter) OnAttempt(e pipeline.AttemptEvent) {
	a.o.OnAttempt(AttemptInfo{Op: e.Op, Method: e.Method, Attempt: e.Attempt, Outcome: Outcome(e.Outcome),
		StatusCode: e.StatusCode, Duration: e.Duration, RateLimitRemaining: e.RateLimitRemaining})
}

func (a observerAdapter) OnWait(e pipeline.WaitEvent) {
	a.o.OnWait(WaitInfo{Op: e.Op, Reason: WaitReason(e.Reason), Retry: e.Retry, Attempt: e.Attempt,
		StatusCode: e.StatusCode, Duration: e.Duration})
}

// outOf is where a call decodes its answer: s, or none when s is nil (an
// operation without a session in its answer).
func outOf(s *Session) any {
	if s == nil {
		return nil
	}
	return s
}
