package okta

import (
	"context"
	"fmt"
	"time"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/httpx"
	"golang.org/x/oauth2"
)

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
func (c *APIClient) credential(ctx context.Context, sswsOrNone bool, deadline time.Time) (auth.Credential, error) {
	if sswsOrNone {
		return c.apiTokenOrNone(ctx)
	}
	if v := ctx.Value(ContextOAuth2); v != nil {
		ts, ok := v.(oauth2.TokenSource)
		if !ok || isNil(ts) {
			return nil, &ValidationError{Field: "ContextOAuth2", Reason: "does not hold an oauth2.TokenSource"}
		}
		return tokenSourceCredential(ctx, deadline, "ContextOAuth2", ts)
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
		return c.tokens.Call(), nil
	case c.cfg.TokenSource != nil:
		return tokenSourceCredential(ctx, deadline, "TokenSource", c.cfg.TokenSource)
	}
	return nil, &ValidationError{Field: "credentials", Reason: "none given: set Configuration.APIToken, TokenSource or a service app's ClientID, Scopes and PrivateKey, or put ContextAPIKey, ContextAccessToken or ContextOAuth2 on the context"}
}

// apiTokenOrNone is the credential of an operation Okta allows anonymously:
// the context's ContextAPIKey, else the configured APIToken, else none.
func (c *APIClient) apiTokenOrNone(ctx context.Context) (auth.Credential, error) {
	if v := ctx.Value(ContextAPIKey); v != nil {
		return apiKeyCredential(v)
	}
	if c.apiToken != nil {
		return c.apiToken, nil
	}
	return auth.Anonymous{}, nil
}

// tokenSourceCredential is the credential "Bearer <token>" of a token from
// ts, the token source in field (ContextOAuth2 or TokenSource): one token
// per call, which the attempts of the call share. ts.Token takes no
// context, and may fetch from a server that never answers (oauth2's own
// sources use http.DefaultClient, which has no timeout), so it is awaited
// only until ctx ends or the call's deadline (httpx.Await).
func tokenSourceCredential(ctx context.Context, deadline time.Time, field string, ts oauth2.TokenSource) (auth.Credential, error) {
	tok, err := httpx.Await(ctx, deadline, ts.Token, nil)
	if err != nil {
		return nil, fmt.Errorf("oauth2 token source: %w", err)
	}
	if tok == nil {
		return nil, &ValidationError{Field: field, Reason: "the token source returned no token"}
	}
	return bearer(field+" access token", tok.AccessToken)
}

// bearer is the credential "Bearer <token>", after checking the token.
func bearer(field, token string) (auth.Credential, error) {
	if err := checkCredential(field, token); err != nil {
		return nil, err
	}
	return auth.Authorization("Bearer " + token), nil
}

// apiKeyCredential is the credential of a ContextAPIKey value.
func apiKeyCredential(v any) (auth.Credential, error) {
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
	return auth.Authorization(prefix + " " + key.Key), nil
}
