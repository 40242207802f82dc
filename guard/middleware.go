package guard

import (
	"context"
	"net/http"
	"net/textproto"
	"strings"

	okta "github.com/oktasessions/okta-session-go"
)

// sessionKey is the context key of the session Middleware checked.
type sessionKey struct{}

// Middleware lets a request through to next when the cookie Options.Cookie
// names a usable session (Check), with the session on its context
// (SessionFrom); otherwise it answers 401 with no body and no detail. The
// cookie's value never appears in an answer, a log record or an error.
func (g *Guard) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := cookieValue(r.Header, g.opts.Cookie)
		if !ok {
			unauthorized(w)
			return
		}
		s, err := g.Check(r.Context(), id)
		if err != nil {
			unauthorized(w)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
	})
}

// cookieValue returns the value of the first cookie called name in the
// Cookie headers of h, without allocating; surrounding double quotes are
// removed, as net/http does. Check refuses any value that is not shaped as
// an Okta id, so no further parsing is needed.
func cookieValue(h http.Header, name string) (string, bool) {
	for _, line := range h["Cookie"] {
		for part := range strings.SplitSeq(line, ";") {
			k, v, ok := strings.Cut(textproto.TrimString(part), "=")
			if !ok || k != name {
				continue
			}
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v, true
		}
	}
	return "", false
}

// unauthorized answers 401, not to be cached, with no body.
func unauthorized(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusUnauthorized)
}

// SessionFrom returns the session Middleware put on ctx, and whether there
// is one. Its Amr, Idp and verification times are shared with the guard's
// cache: treat them as read-only.
func SessionFrom(ctx context.Context) (okta.Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(okta.Session)
	return s, ok
}
