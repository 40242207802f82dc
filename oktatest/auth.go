package oktatest

import "net/http"

// access is the credential a route requires.
type access int

const (
	// credentialRequired accepts an API token ("SSWS <token>") or, when the
	// server has one, an access token ("Bearer <token>").
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
)

// The session cookies, Identity Engine's first; see
// https://developer.okta.com/docs/guides/oie-upgrade-sessions-api/main/.
var sessionCookies = []string{"idx", "sid"}

// authenticator is the stage that checks the request's credential against
// what its route requires. Its state never changes, so it needs no lock.
type authenticator struct {
	apiToken    string
	accessToken string // empty: Bearer is refused
}

// authenticate answers 401 E0000011 to a request whose credential its route
// does not accept, and 403 E0000005 to a current-session request that
// carries an Authorization header; it reads the session cookie.
func (a authenticator) authenticate(next handler) handler {
	return func(w http.ResponseWriter, c *call) {
		_, hasCred := c.req.Header["Authorization"]
		cred := c.req.Header.Get("Authorization")
		switch {
		case c.route.access == sessionCookie:
			if hasCred {
				errInvalidSession.write(w)
				return
			}
			c.cookie = cookie(c.req)
		case !a.accepts(cred) && (c.route.access != credentialOptional || cred != ""):
			errInvalidToken.write(w)
			return
		}
		next(w, c)
	}
}

// accepts reports whether cred, an Authorization header's value, is a
// credential of the org.
func (a authenticator) accepts(cred string) bool {
	return cred == "SSWS "+a.apiToken || a.accessToken != "" && cred == "Bearer "+a.accessToken
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
