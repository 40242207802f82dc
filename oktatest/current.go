package oktatest

import "net/http"

// The current-session routes (GET and DELETE /api/v1/sessions/me, POST
// /api/v1/sessions/me/lifecycle/refresh) find the session by the user's
// session cookie instead of the path, and share the sessions and their
// expiry with the routes by id. In the fake, a session's cookie value (sid
// or idx) is its id. See
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/.

// getCurrent answers GetCurrentSession.
func (ss *sessions) getCurrent(w http.ResponseWriter, c *call) { ss.serveCurrent(w, c, keep) }

// refreshCurrent answers RefreshCurrentSession.
func (ss *sessions) refreshCurrent(w http.ResponseWriter, c *call) {
	ss.serveCurrent(w, c, ss.touch(c.now))
}

// closeCurrent answers CloseCurrentSession: 204, and the session is gone.
func (ss *sessions) closeCurrent(w http.ResponseWriter, c *call) {
	ss.serveCurrent(w, c, closeSession)
}

// serveCurrent applies op to the session of the request's cookie; no cookie
// is 404 E0000007, as an unknown one.
func (ss *sessions) serveCurrent(w http.ResponseWriter, c *call, op func(*session) (lives bool)) {
	ss.apply(w, c, cookie(c.req), current, op)
}
