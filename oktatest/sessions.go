package oktatest

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"
)

// maxRequestBody caps what the fake reads of a request body.
const maxRequestBody = 64 << 10

// sessions is the org's session state: the session tokens issued and not
// yet used, and the live sessions. Its handlers answer the session routes.
type sessions struct {
	clock       Clock
	idle        time.Duration
	maxLifetime time.Duration
	orgID       string

	mu     sync.Mutex
	tokens map[string]pendingToken
	live   map[string]*session
}

// pendingToken is an issued, unused session token.
type pendingToken struct {
	user     User
	issuedAt time.Time
}

// session is a live session.
type session struct {
	id        string
	user      User
	createdAt time.Time
	expiresAt time.Time
	authAt    time.Time
}

func newSessions(o options, orgID string) *sessions {
	return &sessions{
		clock: o.clock, idle: o.idle, maxLifetime: o.maxLifetime, orgID: orgID,
		tokens: make(map[string]pendingToken), live: make(map[string]*session),
	}
}

// issue mints a session token for user, issued at now.
func (ss *sessions) issue(user User, now time.Time) string {
	if user.ID == "" {
		user.ID = newUserID()
	}
	if user.Login == "" {
		user.Login = user.ID + "@example.com"
	}
	if user.DisplayName == "" {
		user.DisplayName = user.Login
	}
	tok := newSessionToken()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.tokens[tok] = pendingToken{user: user, issuedAt: now}
	return tok
}

// issueOverHTTP mints a session token over HTTP, for suites in other
// languages: POST a User as JSON, get {"sessionToken", "expiresAt"}.
func (ss *sessions) issueOverHTTP(w http.ResponseWriter, c *call) {
	var u User
	if err := json.NewDecoder(io.LimitReader(c.req.Body, maxRequestBody)).Decode(&u); err != nil && err != io.EOF {
		errMalformedBody.write(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"sessionToken": ss.issue(u, c.now),
		"expiresAt":    jsonTime(c.now.Add(SessionTokenLifetime)),
	})
}

// create answers CreateSession: the token must be known, unused and younger
// than 5 minutes; it is used up either way.
func (ss *sessions) create(w http.ResponseWriter, c *call) {
	var body struct {
		SessionToken *string `json:"sessionToken"`
	}
	if err := json.NewDecoder(io.LimitReader(c.req.Body, maxRequestBody)).Decode(&body); err != nil {
		errMalformedBody.write(w)
		return
	}
	ss.mu.Lock()
	var tok pendingToken
	ok := body.SessionToken != nil
	if ok {
		tok, ok = ss.tokens[*body.SessionToken]
		delete(ss.tokens, *body.SessionToken)
	}
	if !ok || c.now.Sub(tok.issuedAt) >= SessionTokenLifetime || c.now.Before(tok.issuedAt) {
		ss.mu.Unlock()
		errAuthFailed.write(w)
		return
	}
	sess := &session{id: newSessionID(), user: tok.user, createdAt: c.now, authAt: tok.issuedAt}
	sess.expiresAt = ss.expiry(sess, c.now)
	ss.live[sess.id] = sess
	out := ss.wire(sess, c.req)
	ss.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// get answers GetSession.
func (ss *sessions) get(w http.ResponseWriter, c *call) {
	ss.serve(w, c, func(*session) bool { return true })
}

// refresh answers RefreshSession: the session's idle timeout starts again.
func (ss *sessions) refresh(w http.ResponseWriter, c *call) {
	ss.serve(w, c, func(sess *session) bool {
		sess.expiresAt = ss.expiry(sess, c.now)
		return true
	})
}

// end answers EndSession: 204, and the session is gone.
func (ss *sessions) end(w http.ResponseWriter, c *call) {
	ss.serve(w, c, func(*session) bool { return false })
}

// serve looks up the request's session and applies op to it with ss.mu
// held; op reports whether the session lives on (200 with the session) or
// ends (204). An unknown, ended or expired session is 404 E0000007.
func (ss *sessions) serve(w http.ResponseWriter, c *call, op func(*session) (lives bool)) {
	id := c.req.PathValue(sessionIDParam)
	ss.mu.Lock()
	sess, ok := ss.live[id]
	if ok && !c.now.Before(sess.expiresAt) {
		delete(ss.live, id)
		ok = false
	}
	if !ok {
		ss.mu.Unlock()
		errSessionNotFound(id).write(w)
		return
	}
	if !op(sess) {
		delete(ss.live, id)
		ss.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	out := ss.wire(sess, c.req)
	ss.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// expiry is when sess expires if touched now: the idle timeout from now,
// capped by the maximum lifetime when one is set.
func (ss *sessions) expiry(sess *session, now time.Time) time.Time {
	exp := now.Add(ss.idle)
	if ss.maxLifetime > 0 {
		if limit := sess.createdAt.Add(ss.maxLifetime); limit.Before(exp) {
			exp = limit
		}
	}
	return exp
}
