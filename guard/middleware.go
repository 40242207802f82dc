package guard

import (
	"context"
	"net/http"

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
		cs := r.CookiesNamed(g.opts.Cookie)
		if len(cs) == 0 {
			unauthorized(w)
			return
		}
		s, err := g.Check(r.Context(), cs[0].Value)
		if err != nil {
			unauthorized(w)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
	})
}

// unauthorized answers 401, not to be cached, with no body.
func unauthorized(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusUnauthorized)
}

// SessionFrom returns the session Middleware put on ctx, and whether there
// is one.
func SessionFrom(ctx context.Context) (okta.Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(okta.Session)
	return s, ok
}
