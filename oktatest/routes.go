package oktatest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Route names one route of the fake, for faults and recorded requests.
type Route string

// The routes the fake serves, and the names for the requests it does not.
const (
	RouteCreateSession  Route = "CreateSession"  // POST /api/v1/sessions
	RouteGetSession     Route = "GetSession"     // GET /api/v1/sessions/{sessionId}
	RouteRefreshSession Route = "RefreshSession" // POST /api/v1/sessions/{sessionId}/lifecycle/refresh
	RouteEndSession     Route = "EndSession"     // DELETE /api/v1/sessions/{sessionId}
	// The current session, by the user's sid or idx cookie.
	RouteGetCurrentSession     Route = "GetCurrentSession"     // GET /api/v1/sessions/me
	RouteRefreshCurrentSession Route = "RefreshCurrentSession" // POST /api/v1/sessions/me/lifecycle/refresh
	RouteCloseCurrentSession   Route = "CloseCurrentSession"   // DELETE /api/v1/sessions/me
	RouteRevokeUserSessions    Route = "RevokeUserSessions"    // DELETE /api/v1/users/{userId}/sessions
	// RouteToken is the org authorization server's token endpoint (POST
	// TokenPath), served by the Server's AuthServer.
	RouteToken Route = "Token"
	// RouteKeys is the org's signing keys (GET KeysPath), a JSON Web Key
	// Set that needs no credential.
	RouteKeys Route = "Keys"
	// RouteControl is the fake's own control API: every request under
	// ControlPrefix, one that no control route serves included (404
	// E0000008 or 405 E0000022, as RouteUnknown's, once the API token is
	// checked). Its requests are never recorded, rate-limited or faulted.
	RouteControl Route = "Control"
	// RouteUnknown is a request outside ControlPrefix that no route serves:
	// a path the fake does not know (404 E0000008) or a method its path
	// does not allow (405 E0000022, with an Allow header).
	RouteUnknown Route = "Unknown"
	// RouteAny, the zero Route, makes a Fault match every request, those of
	// RouteUnknown included.
	RouteAny Route = ""
)

// sessionIDParam is the name of the session id in the route patterns, as in
// Okta's API reference; handlers read it with the request's PathValue.
const sessionIDParam = "sessionId"

// route is one entry of the route table: a method and a path pattern, the
// credential the route requires, the OAuth 2.0 scope an access token needs
// for it, and the handler that answers it.
type route struct {
	name   Route
	method string
	// pattern is an escaped path; a segment "{name}" matches one non-empty
	// segment, whose unescaped value the request's PathValue(name) returns.
	pattern string
	access  access
	// scope is what an access token of a service app needs (see
	// AuthServer.CheckAPIRequest); empty: the route takes none.
	scope  string
	handle handler
}

// The OAuth 2.0 scopes of the session routes, as Okta documents them:
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/.
const (
	scopeSessionsRead   = "okta.sessions.read"
	scopeSessionsManage = "okta.sessions.manage"
	scopeUsersManage    = "okta.users.manage"
)

// router is the stage that finds a request's route. Its table never changes
// once built, so it needs no lock.
type router struct {
	table []route
	// unknown serves a request that no route serves; controlUnknown one
	// under ControlPrefix, which is the control API's as its routes are:
	// named RouteControl, for the API token only, never recorded,
	// rate-limited or faulted.
	unknown, controlUnknown route
}

// newRouter returns the fake's route table; a new route is one line here.
// The first route that matches a request serves it: /me comes before
// {sessionId}.
func (s *Server) newRouter(ctl control) *router {
	const (
		me      = "/api/v1/sessions/me"
		session = "/api/v1/sessions/{" + sessionIDParam + "}"
		control = ControlPrefix
	)
	ss := s.sessions
	rt := &router{table: []route{
		{RouteCreateSession, http.MethodPost, "/api/v1/sessions", credentialOptional, scopeSessionsManage, ss.create},
		{RouteGetCurrentSession, http.MethodGet, me, sessionCookie, "", ss.getCurrent},
		{RouteRefreshCurrentSession, http.MethodPost, me + "/lifecycle/refresh", sessionCookie, "", ss.refreshCurrent},
		{RouteCloseCurrentSession, http.MethodDelete, me, sessionCookie, "", ss.closeCurrent},
		{RouteGetSession, http.MethodGet, session, credentialRequired, scopeSessionsRead, ss.get},
		{RouteRefreshSession, http.MethodPost, session + "/lifecycle/refresh", credentialRequired, scopeSessionsManage, ss.refresh},
		{RouteEndSession, http.MethodDelete, session, credentialRequired, scopeSessionsManage, ss.end},
		{RouteRevokeUserSessions, http.MethodDelete, "/api/v1/users/{" + userIDParam + "}/sessions", credentialRequired, scopeUsersManage, ss.revokeUser},
		{RouteToken, http.MethodPost, TokenPath, clientAssertion, "", s.serveToken},
		{RouteKeys, http.MethodGet, KeysPath, public, "", s.serveKeys},
		{RouteControl, http.MethodPost, IssueTokenPath, apiTokenOnly, "", ctl.issueToken},
		{RouteControl, http.MethodPost, control + "users", apiTokenOnly, "", ctl.seedUser},
		{RouteControl, http.MethodPost, control + "sessions", apiTokenOnly, "", ctl.seedSession},
		{RouteControl, http.MethodPost, control + "faults", apiTokenOnly, "", ctl.injectFault},
		{RouteControl, http.MethodDelete, control + "faults", apiTokenOnly, "", ctl.clearFaults},
		{RouteControl, http.MethodGet, control + "clock", apiTokenOnly, "", ctl.now},
		{RouteControl, http.MethodPost, control + "clock/advance", apiTokenOnly, "", ctl.advance},
		{RouteControl, http.MethodGet, control + "requests", apiTokenOnly, "", ctl.requests},
		{RouteControl, http.MethodPost, control + "reset", apiTokenOnly, "", ctl.reset},
		{RouteControl, http.MethodPost, control + "keys/rotate", apiTokenOnly, "", ctl.rotateKey},
		{RouteControl, http.MethodPost, control + "universal-logout", apiTokenOnly, "", ctl.universalLogout},
	}}
	rt.unknown = route{name: RouteUnknown, access: credentialRequired, handle: rt.answerUnknown}
	rt.controlUnknown = route{name: RouteControl, access: apiTokenOnly, handle: rt.answerUnknown}
	return rt
}

// notFound is the route's 404 E0000007, for an injected fault: it names the
// user or the session the path names, "me" for the current session, or
// "resource" (as a Session) when the path names none.
func (rte *route) notFound(r *http.Request) oktaError {
	switch {
	case r.PathValue(userIDParam) != "":
		return errNotFound(r.PathValue(userIDParam), "User")
	case r.PathValue(sessionIDParam) != "":
		return errNotFound(r.PathValue(sessionIDParam), "Session")
	case rte.access == sessionCookie:
		return errNotFound("me", "Session")
	}
	return errNotFound("resource", "Session")
}

// match sets the call's route and the request's path values.
func (rt *router) match(next handler) handler {
	return func(w http.ResponseWriter, c *call) {
		c.route = rt.find(c.req)
		next(w, c)
	}
}

// find returns the route of r, or the unknown route (the control API's
// under ControlPrefix).
func (rt *router) find(r *http.Request) *route {
	path := r.URL.EscapedPath()
	var values [][2]string // a route's path values, set once it matches
	collect := func(name, value string) { values = append(values, [2]string{name, value}) }
	for i := range rt.table {
		rte := &rt.table[i]
		values = values[:0]
		if rte.method == r.Method && matchPath(rte.pattern, path, collect) {
			for _, v := range values {
				r.SetPathValue(v[0], v[1])
			}
			return rte
		}
	}
	if strings.HasPrefix(path, ControlPrefix) {
		return &rt.controlUnknown
	}
	return &rt.unknown
}

// answerUnknown answers a request no route serves: 405 with the methods its
// path allows, or 404 when no route has its path.
func (rt *router) answerUnknown(w http.ResponseWriter, c *call) {
	var allow []string
	path := c.req.URL.EscapedPath()
	for _, rte := range rt.table {
		if matchPath(rte.pattern, path, nil) && !slices.Contains(allow, rte.method) {
			allow = append(allow, rte.method)
		}
	}
	if len(allow) == 0 {
		errPathNotFound.write(w)
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	errMethodNotAllowed.write(w)
}

// matchPath reports whether the escaped path matches pattern; set, when not
// nil, receives the name and unescaped value of each wildcard segment.
func matchPath(pattern, path string, set func(name, value string)) bool {
	for {
		want, patternRest, patternMore := strings.Cut(pattern, "/")
		seg, pathRest, pathMore := strings.Cut(path, "/")
		if patternMore != pathMore {
			return false
		}
		if name, ok := wildcard(want); ok {
			value, err := url.PathUnescape(seg)
			if err != nil || value == "" {
				return false
			}
			if set != nil {
				set(name, value)
			}
		} else if seg != want {
			return false
		}
		if !pathMore {
			return true
		}
		pattern, path = patternRest, pathRest
	}
}

// wildcard returns the name of a pattern segment "{name}".
func wildcard(seg string) (string, bool) {
	name, ok := strings.CutPrefix(seg, "{")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(name, "}")
}
