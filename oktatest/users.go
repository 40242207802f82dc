package oktatest

import (
	"cmp"
	"net/http"
)

// userIDParam is the name of the user id in the route patterns, as in
// Okta's API reference.
const userIDParam = "userId"

// User is a user of the fake org, for whom session tokens are issued and
// sessions seeded. Its JSON form is what the control API takes and answers.
type User struct {
	// ID is the user's Okta ID; empty means a new 00u... ID.
	ID string `json:"userId,omitempty"`
	// Login is the username; empty means "<ID>@example.com".
	Login string `json:"login,omitempty"`
	// DisplayName is the name in the session's user link; empty means Login.
	DisplayName string `json:"displayName,omitempty"`
}

// SeedUser adds user to the org, or updates the user with its ID, and
// returns it as stored: a field left empty keeps the stored user's value,
// or gets its default. Issuing a session token or seeding a session seeds
// its user too; RevokeUserSessions knows only the org's users. The user's
// sessions, and the sessions of its tokens not yet used, answer with the
// user as last stored.
func (s *Server) SeedUser(user User) User {
	s.sessions.mu.Lock()
	defer s.sessions.mu.Unlock()
	return s.sessions.putUser(user)
}

// user returns the stored user with the id. Users go only with Reset,
// which takes the tokens and sessions with them, so the user of a token or
// session is always there; were it not, it is the bare id, not a panic. It
// is called with ss.mu held.
func (ss *sessions) user(id string) User {
	if u, ok := ss.users[id]; ok {
		return u
	}
	return User{ID: id}
}

// putUser stores u, its empty fields taken from the stored user with its ID
// or defaulted, and returns it. It is called with ss.mu held.
func (ss *sessions) putUser(u User) User {
	if u.ID == "" {
		u.ID = newUserID()
	}
	old := ss.users[u.ID]
	u.Login = cmp.Or(u.Login, old.Login, u.ID+"@example.com")
	u.DisplayName = cmp.Or(u.DisplayName, old.DisplayName, u.Login)
	ss.users[u.ID] = u
	return u
}

// revokeUser answers RevokeUserSessions: every session of the user ends,
// and 204. The query parameters oauthTokens and forgetDevices must be
// booleans when present (400 E0000001 otherwise, the fake's choice: Okta
// documents no answer); they are recorded in Requests, and change nothing
// else: the fake issues no OAuth tokens bound to a user and remembers no
// devices. An unknown user is 404 E0000007. See
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserSessions/#tag/UserSessions/operation/revokeUserSessions.
func (ss *sessions) revokeUser(w http.ResponseWriter, c *call) {
	q := c.req.URL.Query()
	for _, name := range []string{"oauthTokens", "forgetDevices"} {
		if v, ok := q[name]; ok && (len(v) != 1 || v[0] != "true" && v[0] != "false") {
			errValidation(name).write(w)
			return
		}
	}
	id := c.req.PathValue(userIDParam)
	ss.mu.Lock()
	if _, ok := ss.users[id]; !ok {
		ss.mu.Unlock()
		errNotFound(id, "User").write(w)
		return
	}
	for sid, sess := range ss.live {
		if sess.userID == id {
			delete(ss.live, sid)
		}
	}
	ss.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
