package oktatest

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	okta "github.com/oktasessions/okta-session-go"
)

// maxRequestBody caps what the fake reads of a request body.
const maxRequestBody = 64 << 10

// sessions is the org's state: its users, the session tokens issued and not
// yet used, and the live sessions. Its handlers answer the session and user
// routes.
type sessions struct {
	idle        time.Duration
	maxLifetime time.Duration
	orgID       string

	mu     sync.Mutex
	users  map[string]User
	tokens map[string]pendingToken
	live   map[string]*session
}

// pendingToken is an issued, unused session token.
type pendingToken struct {
	userID   string // the user, looked up in users when needed
	issuedAt time.Time
}

// session is a live session.
type session struct {
	id         string
	userID     string // the user, looked up in users when rendered
	status     okta.SessionStatus
	amr        []okta.SessionAuthenticationMethod
	idp        wireIDP
	mfaActive  bool
	createdAt  time.Time
	expiresAt  time.Time
	passwordAt time.Time // lastPasswordVerification; zero is null
	factorAt   time.Time // lastFactorVerification; zero is null
}

func newSessions(o options, orgID string) *sessions {
	ss := &sessions{idle: o.idle, maxLifetime: o.maxLifetime, orgID: orgID}
	ss.reset()
	return ss
}

// reset forgets every user, token and session, under one hold of ss.mu so
// that a token's or session's user is always in users.
func (ss *sessions) reset() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.users = make(map[string]User)
	ss.tokens = make(map[string]pendingToken)
	ss.live = make(map[string]*session)
}

// issue mints a session token for user, issued at now; the user is seeded.
func (ss *sessions) issue(user User, now time.Time) string {
	tok := newSessionToken()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.tokens[tok] = pendingToken{userID: ss.putUser(user).ID, issuedAt: now}
	return tok
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
	sess := ss.newSession(SessionSeed{LastPasswordVerification: tok.issuedAt}, c.now)
	sess.userID = tok.userID
	ss.live[sess.id] = sess
	out := ss.wire(sess, c.req, byID)
	ss.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// get answers GetSession.
func (ss *sessions) get(w http.ResponseWriter, c *call) { ss.serve(w, c, keep) }

// refresh answers RefreshSession.
func (ss *sessions) refresh(w http.ResponseWriter, c *call) { ss.serve(w, c, ss.touch(c.now)) }

// end answers EndSession: 204, and the session is gone.
func (ss *sessions) end(w http.ResponseWriter, c *call) { ss.serve(w, c, closeSession) }

// keep leaves a session as it is.
func keep(*session) bool { return true }

// closeSession ends a session.
func closeSession(*session) bool { return false }

// touch returns an op that starts a session's idle timeout again at now.
func (ss *sessions) touch(now time.Time) func(*session) bool {
	return func(sess *session) bool {
		sess.expiresAt = ss.expiry(sess, now)
		return true
	}
}

// serve applies op to the session the request's path names.
func (ss *sessions) serve(w http.ResponseWriter, c *call, op func(*session) (lives bool)) {
	ss.apply(w, c, c.req.PathValue(sessionIDParam), byID, op)
}

// apply looks up the session id and applies op to it with ss.mu held; op
// reports whether the session lives on (200 with the session, rendered as
// v says) or ends (204). An unknown, ended or expired session is 404
// E0000007, which names the id, or "me" for the current session.
func (ss *sessions) apply(w http.ResponseWriter, c *call, id string, v view, op func(*session) (lives bool)) {
	ss.mu.Lock()
	sess, ok := ss.live[id]
	if ok && !c.now.Before(sess.expiresAt) {
		delete(ss.live, id)
		ok = false
	}
	if !ok {
		ss.mu.Unlock()
		if v == current {
			id = "me"
		}
		errNotFound(id, "Session").write(w)
		return
	}
	if !op(sess) {
		delete(ss.live, id)
		ss.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	out := ss.wire(sess, c.req, v)
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
