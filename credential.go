package okta

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"golang.org/x/oauth2"
)

// credential authenticates the attempts of one call. APIClient.credential
// resolves it once per call, from the context or the configuration, and
// newRequest applies it to every attempt's *http.Request, so that what must
// change from one attempt to the next has its home here.
//
// A call sends "Authorization: <scheme> <credential>" (authorization), or
// nothing at all (anonymous, for a CreateSession without any credential,
// which Okta allows), or the user's cookie (sessionCookie, for
// /api/v1/sessions/me), or, in "PrivateKey" mode, an OAuth 2.0 access token
// (oauthCall), whose authorize fetches the token when none is cached and
// signs a fresh DPoP proof for each attempt, and whose repeat may ask for
// one more attempt at once after a 401, at most once per reason
// ("use_dpop_nonce", "invalid_token") in a call (see repeats); the
// token request's own credential, the grant, does the same for the token
// endpoint's "use_dpop_nonce". See
// https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/.
type credential interface {
	// authorize sets the headers that authenticate req, one attempt; ctx
	// bounds any I/O it needs (a token request).
	authorize(ctx context.Context, req *http.Request) error
	// repeat is shown the answer to every attempt (resp nil when none
	// came) and its error, and reports whether to repeat the attempt at
	// once, not counted as a retry.
	repeat(resp *http.Response, err error) bool
	// secrets are what it sent that must never appear in error text: every
	// token, proof or cookie of the call so far.
	secrets() []string
}

// maxRepeats bounds the requests repeated at once in one call, whatever a
// credential says, so that a server cannot make a loop: one for a DPoP
// nonce, one for a new token.
const maxRepeats = 2

// repeats is the credential's stage between the retries: it sends r, and
// again at once while the credential asks for it (see call.again).
func (c *APIClient) repeats(ctx context.Context, r *call) (*http.Response, error) {
	resp, err := c.throttling(ctx, r)
	for r.again(ctx, resp, err) {
		resp, err = c.throttling(ctx, r)
	}
	return resp, err
}

// again reports whether to send r again at once after the answer resp (nil
// when none came) and err, and counts the repeat: when r's credential asks
// for it (a 401 or 400 asking for a DPoP nonce or a new token), not a
// retry, no wait. The credential grants it once per reason; maxRepeats
// bounds it whatever the credential says. The API call's pipeline and the
// token request (tokenProvider.fetch) share this rule.
func (r *call) again(ctx context.Context, resp *http.Response, err error) bool {
	if !r.cred.repeat(resp, err) || ctx.Err() != nil || r.repeats >= maxRepeats {
		return false
	}
	r.repeats++
	return true
}

// authorization is a credential sent as the Authorization header value
// "<scheme> <credential>".
type authorization string

func (a authorization) authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", string(a))
	return nil
}

func (authorization) repeat(*http.Response, error) bool { return false }

func (a authorization) secrets() []string {
	_, s, _ := strings.Cut(string(a), " ")
	return []string{s}
}

// anonymous sends no credential at all: no Authorization header, not an
// empty one, and no DPoP header, even one a DefaultHeader would set.
type anonymous struct{}

func (anonymous) authorize(_ context.Context, req *http.Request) error {
	delete(req.Header, httpx.HeaderDPoP)
	return nil
}

func (anonymous) repeat(*http.Response, error) bool { return false }
func (anonymous) secrets() []string                 { return nil }

// sessionCookie is a user's Okta session cookie (sid or idx), the only
// credential of the /api/v1/sessions/me calls: it sets Cookie, and removes
// an Authorization or DPoP header that a DefaultHeader may have put there,
// so that no client credential ever goes with it.
type sessionCookie struct{ name, value string }

func (s sessionCookie) authorize(_ context.Context, req *http.Request) error {
	req.Header.Del("Authorization")
	delete(req.Header, httpx.HeaderDPoP)
	req.Header.Set("Cookie", s.name+"="+s.value)
	return nil
}

func (sessionCookie) repeat(*http.Response, error) bool { return false }

func (s sessionCookie) secrets() []string { return []string{s.value} }

// credential returns the credential of a call: the context's if it has one
// (ContextOAuth2, then ContextAccessToken, then ContextAPIKey), else the
// configured one (APIToken, TokenSource, or the service app of "PrivateKey"
// mode). A credential that is missing, malformed or of the wrong type is a
// *ValidationError; a failing token source is returned as it is.
//
// An operation Okta allows anonymously (CreateSession, sswsOrNone) gets an
// API token (ContextAPIKey, then APIToken) when there is one, and else no
// credential: never an OAuth 2.0 access token, which no Okta document says
// the operation accepts.
func (c *APIClient) credential(ctx context.Context, sswsOrNone bool) (credential, error) {
	if sswsOrNone {
		return c.apiTokenOrNone(ctx)
	}
	if v := ctx.Value(ContextOAuth2); v != nil {
		ts, ok := v.(oauth2.TokenSource)
		if !ok || isNil(ts) {
			return nil, &ValidationError{Field: "ContextOAuth2", Reason: "does not hold an oauth2.TokenSource"}
		}
		return tokenSourceCredential("ContextOAuth2", ts)
	}
	if v := ctx.Value(ContextAccessToken); v != nil {
		at, ok := v.(string)
		if !ok {
			return nil, &ValidationError{Field: "ContextAccessToken", Reason: "does not hold a string"}
		}
		return bearer("ContextAccessToken", at)
	}
	if v := ctx.Value(ContextAPIKey); v != nil {
		return apiKeyCredential(v)
	}
	switch {
	case c.apiToken != nil:
		return c.apiToken, nil
	case c.tokens != nil:
		return c.tokens.call(), nil
	case c.cfg.TokenSource != nil:
		return tokenSourceCredential("TokenSource", c.cfg.TokenSource)
	}
	return nil, &ValidationError{Field: "credentials", Reason: "none given: set Configuration.APIToken, TokenSource or a service app's ClientID, Scopes and PrivateKey, or put ContextAPIKey, ContextAccessToken or ContextOAuth2 on the context"}
}

// apiTokenOrNone is the credential of an operation Okta allows anonymously:
// the context's ContextAPIKey, else the configured APIToken, else none.
func (c *APIClient) apiTokenOrNone(ctx context.Context) (credential, error) {
	if v := ctx.Value(ContextAPIKey); v != nil {
		return apiKeyCredential(v)
	}
	if c.apiToken != nil {
		return c.apiToken, nil
	}
	return anonymous{}, nil
}

// tokenSourceCredential is the credential "Bearer <token>" of a token from
// ts, the token source in field (ContextOAuth2 or TokenSource): one token
// per call, which the attempts of the call share.
func tokenSourceCredential(field string, ts oauth2.TokenSource) (credential, error) {
	tok, err := ts.Token()
	if err != nil {
		return nil, fmt.Errorf("oauth2 token source: %w", err)
	}
	if tok == nil {
		return nil, &ValidationError{Field: field, Reason: "the token source returned no token"}
	}
	return bearer(field+" access token", tok.AccessToken)
}

// bearer is the credential "Bearer <token>", after checking the token.
func bearer(field, token string) (credential, error) {
	if err := checkCredential(field, token); err != nil {
		return nil, err
	}
	return authorization("Bearer " + token), nil
}

// apiKeyCredential is the credential of a ContextAPIKey value.
func apiKeyCredential(v any) (credential, error) {
	key, ok := v.(APIKey)
	if !ok {
		return nil, &ValidationError{Field: "ContextAPIKey", Reason: "does not hold an okta.APIKey"}
	}
	if err := checkCredential("ContextAPIKey", key.Key); err != nil {
		return nil, err
	}
	prefix := key.Prefix
	if prefix == "" {
		prefix = "SSWS"
	} else if !validHeaderName(prefix) {
		return nil, &ValidationError{Field: "ContextAPIKey", Reason: "has an invalid Prefix"}
	}
	return authorization(prefix + " " + key.Key), nil
}
