// Package auth holds the credentials of the client's requests: what an
// attempt carries to authenticate (Credential: an Authorization value, none,
// a user's session cookie, or an OAuth 2.0 access token of "PrivateKey"
// mode), the rule of repeating an attempt at once after a 401 (Again), and
// the provider of "PrivateKey" mode's access tokens (Provider: the
// client-credentials grant with a client assertion and DPoP proofs, its
// single flight, the token endpoint's answer read).
//
// It never imports package okta: the token endpoint's errors are package
// okta's *OAuthError, which the provider makes and reads through functions
// given once (Config.NewError, Config.ErrorCode), and a token request goes
// through package okta's pipeline (Config.Send).
package auth

import (
	"context"
	"net/http"
	"strings"

	"github.com/oktasessions/okta-session-go/internal/httpx"
)

// Credential authenticates the attempts of one call. Package okta resolves
// it once per call, from the context or the configuration, and applies it
// to every attempt's *http.Request, so that what must change from one
// attempt to the next has its home here.
//
// A call sends "Authorization: <scheme> <credential>" (Authorization), or
// nothing at all (Anonymous, for a CreateSession without any credential,
// which Okta allows), or the user's cookie (SessionCookie, for
// /api/v1/sessions/me), or, in "PrivateKey" mode, an OAuth 2.0 access token
// (Call), whose Authorize fetches the token when none is cached and signs a
// fresh DPoP proof for each attempt, and whose Repeat may ask for one more
// attempt at once after a 401, at most once per reason ("use_dpop_nonce",
// "invalid_token") in a call (see Again); the token request's own
// credential, the Grant, does the same for the token endpoint's
// "use_dpop_nonce". See
// https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/.
type Credential interface {
	// Authorize sets the headers that authenticate req, one attempt; ctx
	// bounds any I/O it needs (a token request).
	Authorize(ctx context.Context, req *http.Request) error
	// Repeat is shown the answer to every attempt (resp nil when none
	// came) and its error, and reports whether to repeat the attempt at
	// once, not counted as a retry.
	Repeat(resp *http.Response, err error) bool
	// Secrets are what it sent that must never appear in error text: every
	// token, proof or cookie of the call so far.
	Secrets() []string
}

// MaxRepeats bounds the requests repeated at once in one call, whatever a
// credential says, so that a server cannot make a loop: one for a DPoP
// nonce, one for a new token.
const MaxRepeats = 2

// Again reports whether to send a request authorized by cred again at once
// after the answer resp (nil when none came) and err, and counts the repeat
// in *repeats: when cred asks for it (a 401 or 400 asking for a DPoP nonce
// or a new token), not a retry, no wait. The credential grants it once per
// reason; MaxRepeats bounds it whatever the credential says. An API call
// and a token request share this rule.
func Again(ctx context.Context, cred Credential, resp *http.Response, err error, repeats *int) bool {
	if !cred.Repeat(resp, err) || ctx.Err() != nil || *repeats >= MaxRepeats {
		return false
	}
	*repeats++
	return true
}

// Authorization is a credential sent as the Authorization header value
// "<scheme> <credential>".
type Authorization string

// Authorize sets Authorization.
func (a Authorization) Authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", string(a))
	return nil
}

// Repeat never asks for a repeat.
func (Authorization) Repeat(*http.Response, error) bool { return false }

// Secrets is the credential after the scheme.
func (a Authorization) Secrets() []string {
	_, s, _ := strings.Cut(string(a), " ")
	return []string{s}
}

// Anonymous sends no credential at all: no Authorization header, not an
// empty one, and no DPoP header, even one a DefaultHeader would set.
type Anonymous struct{}

// Authorize removes a DPoP header.
func (Anonymous) Authorize(_ context.Context, req *http.Request) error {
	delete(req.Header, httpx.HeaderDPoP)
	return nil
}

// Repeat never asks for a repeat.
func (Anonymous) Repeat(*http.Response, error) bool { return false }

// Secrets is none.
func (Anonymous) Secrets() []string { return nil }

// SessionCookie is a user's Okta session cookie (sid or idx), the only
// credential of the /api/v1/sessions/me calls: it sets Cookie, and removes
// an Authorization or DPoP header that a DefaultHeader may have put there,
// so that no client credential ever goes with it.
type SessionCookie struct{ Name, Value string }

// Authorize sets Cookie and removes Authorization and DPoP.
func (s SessionCookie) Authorize(_ context.Context, req *http.Request) error {
	req.Header.Del("Authorization")
	delete(req.Header, httpx.HeaderDPoP)
	req.Header.Set("Cookie", s.Name+"="+s.Value)
	return nil
}

// Repeat never asks for a repeat.
func (SessionCookie) Repeat(*http.Response, error) bool { return false }

// Secrets is the cookie's value.
func (s SessionCookie) Secrets() []string { return []string{s.Value} }
