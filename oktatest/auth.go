package oktatest

import (
	"net/http"
	"strings"
)

// access is the credential a route requires.
type access int

const (
	// credentialRequired accepts an API token ("SSWS <token>"), the
	// server's static access token ("Bearer <token>", WithAccessToken), or
	// an access token of a service app that has the route's scope (Bearer
	// or DPoP, checked by the AuthServer).
	credentialRequired access = iota
	// credentialOptional accepts no credential at all, or one that
	// credentialRequired accepts: Okta documents that CreateSession "can be
	// performed anonymously without an API token".
	credentialOptional
	// sessionCookie is the user's session cookie (idx, or sid) and no
	// Authorization header: Okta documents of the current-session routes that
	// "an API token isn't allowed for this operation". What Okta answers to
	// one is not documented; the fake answers 403 E0000005 "Invalid session".
	// A missing or unknown cookie is the handler's 404.
	sessionCookie
	// clientAssertion is the token endpoint's: the client authenticates
	// with a client assertion in the body, which the AuthServer checks.
	clientAssertion
	// public needs no credential and ignores any: the org's published
	// signing keys.
	public
	// apiTokenOnly is the control API's: the API token ("SSWS <token>")
	// and nothing else, so that an OAuth 2.0 access token handed to the
	// code under test (WithAccessToken, or a service app's) cannot reset,
	// fault or read the fake.
	apiTokenOnly
)

// The session cookies, Identity Engine's first; see
// https://developer.okta.com/docs/guides/oie-upgrade-sessions-api/main/.
var sessionCookies = []string{"idx", "sid"}

// authenticator is the stage that checks the request's credential against
// what its route requires. Its own fields never change, so it needs no
// lock; the AuthServer has its own.
type authenticator struct {
	apiToken    string
	accessToken string      // empty: no static Bearer token
	oauth       *AuthServer // the service apps' access tokens
}

// authenticate answers 401 E0000011 to a request whose credential its route
// does not accept (on the control API, anything but the API token), Okta's
// 401 or 403 with a WWW-Authenticate challenge to a service app's access
// token that is invalid, unbound or lacks the route's scope, and 403
// E0000005 to a current-session request that carries an Authorization
// header.
func (a authenticator) authenticate(next handler) handler {
	return func(w http.ResponseWriter, c *call) {
		_, hasCred := c.req.Header["Authorization"]
		cred := c.req.Header.Get("Authorization")
		switch {
		case c.route.access == clientAssertion, c.route.access == public:
			// The AuthServer checks the client assertion in the body; the
			// keys are for anyone.
		case c.route.access == apiTokenOnly:
			if !a.isAPIToken(cred) {
				errInvalidToken.write(w)
				return
			}
		case c.route.access == sessionCookie:
			if hasCred {
				errInvalidSession.write(w)
				return
			}
		case a.accepts(cred), c.route.access == credentialOptional && cred == "":
			// The org's own credential, or none where none is needed.
		case c.route.scope != "" && isAccessToken(cred):
			if d := a.oauth.CheckAPIRequest(c.req, c.req.Method, requestURL(c.req), c.route.scope); d != nil {
				for k, v := range d.Header {
					w.Header()[k] = v
				}
				oktaError{d.Status, d.ErrorCode, d.ErrorSummary}.write(w)
				return
			}
		default:
			errInvalidToken.write(w)
			return
		}
		next(w, c)
	}
}

// accepts reports whether cred, an Authorization header's value, is the
// org's API token or static access token.
func (a authenticator) accepts(cred string) bool {
	return a.isAPIToken(cred) || a.accessToken != "" && cred == "Bearer "+a.accessToken
}

// isAPIToken reports whether cred, an Authorization header's value, is the
// org's API token.
func (a authenticator) isAPIToken(cred string) bool { return cred == "SSWS "+a.apiToken }

// isAccessToken reports whether cred, an Authorization header's value, is
// of scheme Bearer or DPoP.
func isAccessToken(cred string) bool {
	scheme, _, _ := strings.Cut(cred, " ")
	return strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "DPoP")
}

// cookie returns the value of r's session cookie, or "".
func cookie(r *http.Request) string {
	for _, name := range sessionCookies {
		if ck, err := r.Cookie(name); err == nil && ck.Value != "" {
			return ck.Value
		}
	}
	return ""
}
