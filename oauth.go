package okta

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/pipeline"
)

// The token provider of "PrivateKey" mode lives in internal/auth; this is
// its side in package okta: it is built once per client with what it cannot
// name (the token request sent by the pipeline, *OAuthError made and read).

// newTokenProvider returns the provider of the client's "PrivateKey"
// configuration, with the keys validateAuthorization built from it. c.cfg
// has its defaults filled in (Clock, AttemptTimeout). Without a DPoPKey, it
// makes the client's own P-256 key.
func (c *APIClient) newTokenProvider(keys *serviceAppKeys) (*auth.Provider, error) {
	key := keys.dpop
	if key == nil {
		var err error
		if key, err = newDPoPKey(nil); err != nil {
			return nil, err
		}
	}
	return auth.NewProvider(auth.Config{
		TokenURL: c.base + auth.TokenPath, ClientID: c.cfg.ClientID, Scope: strings.Join(c.cfg.Scopes, " "),
		Assertion: keys.assertion, DPoP: key, Clock: c.cfg.Clock, Timeout: c.cfg.AttemptTimeout,
		Send: c.sendToken, NewError: newTokenError, ErrorCode: oauthErrorCode,
	}), nil
}

// sendToken sends one token request of g by the pipeline's exchange, g
// authorizing it and reading its answer of every status through one cap
// (auth.MaxTokenBody), and records it in the log. It runs inside the
// attempt of the API call that needs the token.
func (c *APIClient) sendToken(ctx context.Context, g *auth.Grant) (*http.Response, error) {
	r := &pipeline.Call{Method: http.MethodPost, URL: g.TokenURL(), Cred: g, Idempotent: true}
	read := func(resp *http.Response, body *httpx.CappedBody) error {
		return g.Read(resp, body, func(resp *http.Response, err error) error { return c.pipe.ReadError(r, resp, err) })
	}
	r.Reader = &pipeline.Reader{OKLimit: auth.MaxTokenBody, ErrLimit: auth.MaxTokenBody, OK: read, Fail: read}
	start := time.Now()
	resp, err := c.pipe.Exchange(ctx, r)
	c.logTokenFetch(ctx, r.URL, time.Since(start), err)
	return resp, err
}

// logTokenFetch records a token request to endpoint that took took and
// ended with err (see pipeline.LogTokenFetch), with the status and OAuth
// error code of err's *OAuthError.
func (c *APIClient) logTokenFetch(ctx context.Context, endpoint string, took time.Duration, err error) {
	var oe *OAuthError
	status, code := 0, ""
	if errors.As(err, &oe) {
		status, code = oe.StatusCode, oe.ErrorCode
	}
	c.pipe.LogTokenFetch(ctx, endpoint, took, err, status, code)
}

// newTokenError is auth.Config.NewError: an *OAuthError.
func newTokenError(resp *http.Response, code, description string, secrets ...string) error {
	return newOAuthError(resp, code, description, secrets...)
}

// oauthErrorCode is auth.Config.ErrorCode: the ErrorCode of the
// *OAuthError in err, or "".
func oauthErrorCode(err error) string {
	var oe *OAuthError
	if errors.As(err, &oe) {
		return oe.ErrorCode
	}
	return ""
}
