package oktatest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// okta's error bodies, by status, for the fake's answers. 404 says which
// session was not found.
var errorBodies = map[int]struct{ code, summary string }{
	http.StatusBadRequest:          {"E0000003", "The request body was not well-formed."},
	http.StatusUnauthorized:        {"E0000011", "Invalid token provided"},
	http.StatusForbidden:           {"E0000006", "You do not have permission to perform the requested action"},
	http.StatusNotFound:            {"E0000007", "Not found: Resource not found: %s (Session)"},
	http.StatusMethodNotAllowed:    {"E0000022", "The endpoint does not support the provided HTTP method"},
	http.StatusTooManyRequests:     {"E0000047", "API call exceeded rate limit due to too many requests."},
	http.StatusInternalServerError: {"E0000009", "Internal Server Error"},
}

// errorBody is Okta's error object.
type errorBody struct {
	ErrorCode    string       `json:"errorCode"`
	ErrorSummary string       `json:"errorSummary"`
	ErrorLink    string       `json:"errorLink"`
	ErrorId      string       `json:"errorId"`
	ErrorCauses  []errorCause `json:"errorCauses"`
}

type errorCause struct {
	ErrorSummary string `json:"errorSummary"`
}

// writeError answers status with Okta's error body for it; gateway errors
// (502, 503, 504) get an HTML page, as a load balancer in front of Okta
// would send.
func (s *Server) writeError(w http.ResponseWriter, status int, id string) {
	e, ok := errorBodies[status]
	if !ok {
		if status >= 502 && status <= 504 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html><body><h1>"+http.StatusText(status)+"</h1></body></html>")
			return
		}
		e.summary = http.StatusText(status)
	}
	s.writeErrorCode(w, status, e.code, e.summary, id)
}

// writeErrorCode answers status with an error body of the given code; %s in
// summary becomes id.
func (s *Server) writeErrorCode(w http.ResponseWriter, status int, code, summary, id string) {
	if status == http.StatusNotFound {
		if id == "" {
			id = "resource"
		}
		summary = strings.Replace(summary, "%s", id, 1)
	}
	writeJSON(w, status, errorBody{
		ErrorCode: code, ErrorSummary: summary, ErrorLink: code,
		ErrorId: newErrorID(), ErrorCauses: []errorCause{},
	})
}

// authorized reports whether r carries a credential the server accepts.
func (s *Server) authorized(r *http.Request) bool {
	a := r.Header.Get("Authorization")
	return a == "SSWS "+s.APIToken || s.opts.accessToken != "" && a == "Bearer "+s.opts.accessToken
}

// serve carries out the operation of a request that no fault spoils.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, route Route, id string, now time.Time) {
	// CreateSession may be called anonymously; a credential, when sent, must be valid.
	if !s.authorized(r) && (route != RouteCreateSession || r.Header.Get("Authorization") != "") {
		s.writeError(w, http.StatusUnauthorized, "")
		return
	}
	switch route {
	case RouteIssueToken:
		s.serveIssueToken(w, r, now)
	case RouteCreateSession:
		s.serveCreate(w, r, now)
	case RouteGetSession, RouteRefreshSession, RouteEndSession:
		s.serveSession(w, route, id, now)
	default:
		if id != "" {
			s.writeError(w, http.StatusMethodNotAllowed, "")
			return
		}
		s.writeError(w, http.StatusNotFound, "")
	}
}

// maxRequestBody caps what the fake reads of a request body.
const maxRequestBody = 64 << 10

// serveCreate answers CreateSession: the token must be known, unused and
// younger than 5 minutes; it is used up either way.
func (s *Server) serveCreate(w http.ResponseWriter, r *http.Request, now time.Time) {
	var body struct {
		SessionToken *string `json:"sessionToken"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxRequestBody)).Decode(&body); err != nil {
		s.writeError(w, http.StatusBadRequest, "")
		return
	}
	s.mu.Lock()
	var tok pendingToken
	ok := body.SessionToken != nil
	if ok {
		tok, ok = s.tokens[*body.SessionToken]
		delete(s.tokens, *body.SessionToken)
	}
	if !ok || now.Sub(tok.issuedAt) >= SessionTokenLifetime || now.Before(tok.issuedAt) {
		s.mu.Unlock()
		s.writeErrorCode(w, http.StatusUnauthorized, "E0000004", "Authentication failed", "")
		return
	}
	sess := &session{id: newSessionID(), user: tok.user, createdAt: now, authAt: tok.issuedAt}
	sess.expiresAt = s.expiry(sess, now)
	s.sessions[sess.id] = sess
	out := s.wire(sess)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// serveSession answers GetSession, RefreshSession and EndSession. An unknown,
// ended or expired session is 404 E0000007.
func (s *Server) serveSession(w http.ResponseWriter, route Route, id string, now time.Time) {
	s.mu.Lock()
	sess, ok := s.sessions[id]
	if ok && !now.Before(sess.expiresAt) {
		delete(s.sessions, id)
		ok = false
	}
	if !ok {
		s.mu.Unlock()
		s.writeError(w, http.StatusNotFound, id)
		return
	}
	switch route {
	case RouteEndSession:
		delete(s.sessions, id)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	case RouteRefreshSession:
		sess.expiresAt = s.expiry(sess, now)
	}
	out := s.wire(sess)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// serveIssueToken mints a session token over HTTP, for suites in other
// languages: POST a User as JSON, get {"sessionToken", "expiresAt"}.
func (s *Server) serveIssueToken(w http.ResponseWriter, r *http.Request, now time.Time) {
	var u User
	if err := json.NewDecoder(io.LimitReader(r.Body, maxRequestBody)).Decode(&u); err != nil && err != io.EOF {
		s.writeError(w, http.StatusBadRequest, "")
		return
	}
	tok := s.IssueSessionToken(u)
	writeJSON(w, http.StatusOK, map[string]string{
		"sessionToken": tok,
		"expiresAt":    jsonTime(now.Add(SessionTokenLifetime)),
	})
}

// expiry is when sess expires if touched now: the idle timeout from now,
// capped by the maximum lifetime when one is set.
func (s *Server) expiry(sess *session, now time.Time) time.Time {
	exp := now.Add(s.opts.idle)
	if s.opts.maxLifetime > 0 {
		if limit := sess.createdAt.Add(s.opts.maxLifetime); limit.Before(exp) {
			exp = limit
		}
	}
	return exp
}

// wireSession is a session as Okta sends it.
type wireSession struct {
	ID                       string    `json:"id"`
	Login                    string    `json:"login"`
	UserID                   string    `json:"userId"`
	CreatedAt                string    `json:"createdAt"`
	ExpiresAt                string    `json:"expiresAt"`
	Status                   string    `json:"status"`
	LastPasswordVerification string    `json:"lastPasswordVerification"`
	LastFactorVerification   *string   `json:"lastFactorVerification"`
	Amr                      []string  `json:"amr"`
	Idp                      wireIdp   `json:"idp"`
	MfaActive                bool      `json:"mfaActive"`
	Links                    wireLinks `json:"_links"`
}

type wireIdp struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type wireLinks struct {
	Self    wireLink `json:"self"`
	Refresh wireLink `json:"refresh"`
	User    wireLink `json:"user"`
}

type wireLink struct {
	Name  string    `json:"name,omitempty"`
	Href  string    `json:"href"`
	Hints wireHints `json:"hints"`
}

type wireHints struct {
	Allow []string `json:"allow"`
}

// wire renders sess as Okta would. Called with s.mu held.
func (s *Server) wire(sess *session) wireSession {
	self := s.URL + "/api/v1/sessions/" + url.PathEscape(sess.id)
	return wireSession{
		ID:                       sess.id,
		Login:                    sess.user.Login,
		UserID:                   sess.user.ID,
		CreatedAt:                jsonTime(sess.createdAt),
		ExpiresAt:                jsonTime(sess.expiresAt),
		Status:                   "ACTIVE",
		LastPasswordVerification: jsonTime(sess.authAt),
		Amr:                      []string{"pwd"},
		Idp:                      wireIdp{ID: s.OrgID, Type: "OKTA"},
		Links: wireLinks{
			Self:    wireLink{Href: self, Hints: wireHints{Allow: []string{"GET", "DELETE"}}},
			Refresh: wireLink{Href: self + "/lifecycle/refresh", Hints: wireHints{Allow: []string{"POST"}}},
			User:    wireLink{Name: sess.user.DisplayName, Href: s.URL + "/api/v1/users/" + url.PathEscape(sess.user.ID), Hints: wireHints{Allow: []string{"GET"}}},
		},
	}
}
