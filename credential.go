package okta

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
)

// credential authenticates the attempts of one call. APIClient.credential
// resolves it once per call, from the context or the configuration, and
// newRequest applies it to every attempt's *http.Request, so that what must
// change from one attempt to the next has its home here.
//
// Today a call sends "Authorization: <scheme> <credential>"
// (authorization), or nothing at all (anonymous, for a CreateSession without
// any credential, which Okta allows). Two kinds are meant to plug in here: a
// DPoP-bound OAuth 2.0 credential, whose authorize signs a fresh DPoP proof
// for each attempt (and which may ask do for exactly one more attempt after
// a 401 with "use_dpop_nonce" or "invalid_token", carrying the server's
// nonce); and a cookie credential for /api/v1/sessions/me, which sets Cookie
// and never Authorization. See
// https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/.
type credential interface {
	// authorize sets the headers that authenticate req, one attempt.
	authorize(req *http.Request) error
	// secret is the part that must never appear in error text.
	secret() string
}

// authorization is a credential sent as the Authorization header value
// "<scheme> <credential>".
type authorization string

func (a authorization) authorize(req *http.Request) error {
	req.Header.Set("Authorization", string(a))
	return nil
}

func (a authorization) secret() string {
	_, s, _ := strings.Cut(string(a), " ")
	return s
}

// anonymous sends no credential at all: no Authorization header, not an
// empty one.
type anonymous struct{}

func (anonymous) authorize(*http.Request) error { return nil }
func (anonymous) secret() string                { return "" }

// sessionCookie is a user's Okta session cookie (sid or idx), the only
// credential of the /api/v1/sessions/me calls: it sets Cookie, and removes
// an Authorization or DPoP header that a DefaultHeader may have put there,
// so that no client credential ever goes with it.
type sessionCookie struct{ name, value string }

func (s sessionCookie) authorize(req *http.Request) error {
	req.Header.Del("Authorization")
	req.Header.Del("DPoP")
	req.Header.Set("Cookie", s.name+"="+s.value)
	return nil
}

func (s sessionCookie) secret() string { return s.value }

// credential returns the credential of a call: the context's if it has one
// (ContextOAuth2, then ContextAccessToken, then ContextAPIKey), else the
// configured API token, else anonymous when the operation allows it. A
// credential that is missing, malformed or of the wrong type is a
// *ValidationError; a failing token source is returned as it is.
func (c *APIClient) credential(ctx context.Context, anonymousOK bool) (credential, error) {
	if v := ctx.Value(ContextOAuth2); v != nil {
		ts, ok := v.(oauth2.TokenSource)
		if !ok || ts == nil {
			return nil, &ValidationError{Field: "ContextOAuth2", Reason: "does not hold an oauth2.TokenSource"}
		}
		tok, err := ts.Token()
		if err != nil {
			return nil, fmt.Errorf("oauth2 token source: %w", err)
		}
		if tok == nil {
			return nil, &ValidationError{Field: "ContextOAuth2", Reason: "the token source returned no token"}
		}
		return bearer("ContextOAuth2 access token", tok.AccessToken)
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
	case anonymousOK:
		return anonymous{}, nil
	}
	return nil, &ValidationError{Field: "credentials", Reason: "none given: set Configuration.APIToken, or put ContextAPIKey, ContextAccessToken or ContextOAuth2 on the context"}
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
