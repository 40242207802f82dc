package oktatest

import (
	"net/http"
	"time"
)

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

// serveCurrent applies op to the session of the request's cookie. No
// cookie, or one of no live session, is Okta's documented 404 E0000007 "Not
// found: Resource not found: me (Session)", whatever else the request
// carries, an Authorization header included. A live session's cookie with
// an Authorization header (even empty) is 403 E0000005 "Invalid session",
// and the session is left as it is: Okta says "an API token isn't allowed"
// on these routes without documenting the answer, so that answer is the
// fake's choice.
func (ss *sessions) serveCurrent(w http.ResponseWriter, c *call, op func(*session) (lives bool)) {
	id := cookie(c.req)
	if _, cred := c.req.Header["Authorization"]; cred {
		if ss.lives(id, c.now) {
			errInvalidSession.write(w)
		} else {
			errNotFound("me", "Session").write(w)
		}
		return
	}
	ss.apply(w, c, id, current, op)
}

// lives reports whether the session id is live at now.
func (ss *sessions) lives(id string, now time.Time) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sess, ok := ss.live[id]
	return ok && now.Before(sess.expiresAt)
}
