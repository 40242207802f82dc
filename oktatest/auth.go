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
)

// authenticator is the stage that checks the request's credential against
// what its route requires. Its state never changes, so it needs no lock.
type authenticator struct {
	apiToken    string
	accessToken string // empty: Bearer is refused
}

// authenticate answers 401 E0000011 to a request whose credential its route
// does not accept.
func (a authenticator) authenticate(next handler) handler {
	return func(w http.ResponseWriter, c *call) {
		cred := c.req.Header.Get("Authorization")
		if !a.accepts(cred) && (c.route.access != credentialOptional || cred != "") {
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
