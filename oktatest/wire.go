package oktatest

import (
	"net/http"
	"net/url"
	"time"

	okta "github.com/oktasessions/okta-session-go"
)

// wireSession is a session as Okta sends it; see
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/.
type wireSession struct {
	ID                       string                             `json:"id"`
	Login                    string                             `json:"login"`
	UserID                   string                             `json:"userId"`
	CreatedAt                string                             `json:"createdAt"`
	ExpiresAt                string                             `json:"expiresAt"`
	Status                   okta.SessionStatus                 `json:"status"`
	LastPasswordVerification *string                            `json:"lastPasswordVerification"`
	LastFactorVerification   *string                            `json:"lastFactorVerification"`
	AMR                      []okta.SessionAuthenticationMethod `json:"amr"`
	IDP                      wireIDP                            `json:"idp"`
	MFAActive                bool                               `json:"mfaActive"`
	Links                    wireLinks                          `json:"_links"`
}

// wireIDP is a session's identity provider.
type wireIDP struct {
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

// view is how a session is addressed, which its links follow.
type view int

const (
	byID    view = iota // /api/v1/sessions/{sessionId}
	current             // /api/v1/sessions/me: links to .../sessions/me and .../users/me
)

// wire renders sess as Okta would, its user as stored now (SeedUser may
// have changed it since), its links on the org URL r addressed. It is called
// with ss.mu held.
func (ss *sessions) wire(sess *session, r *http.Request, v view) wireSession {
	u := ss.user(sess.userID)
	org := orgURL(r)
	self := org + "/api/v1/sessions/" + url.PathEscape(sess.id)
	user := org + "/api/v1/users/" + url.PathEscape(u.ID)
	if v == current {
		self, user = org+"/api/v1/sessions/me", org+"/api/v1/users/me"
	}
	return wireSession{
		ID:                       sess.id,
		Login:                    u.Login,
		UserID:                   u.ID,
		CreatedAt:                jsonTime(sess.createdAt),
		ExpiresAt:                jsonTime(sess.expiresAt),
		Status:                   sess.status,
		LastPasswordVerification: nullTime(sess.passwordAt),
		LastFactorVerification:   nullTime(sess.factorAt),
		AMR:                      sess.amr, // never changed once set
		IDP:                      sess.idp,
		MFAActive:                sess.mfaActive,
		Links: wireLinks{
			Self:    wireLink{Href: self, Hints: wireHints{Allow: []string{http.MethodGet, http.MethodDelete}}},
			Refresh: wireLink{Href: self + "/lifecycle/refresh", Hints: wireHints{Allow: []string{http.MethodPost}}},
			User: wireLink{
				Name: u.DisplayName, Href: user, Hints: wireHints{Allow: []string{http.MethodGet}},
			},
		},
	}
}

// orgURL is the org URL as r addressed it (scheme and host), so that the
// links of an answer point where the caller reached the fake, whether on its
// own listener, mounted in a server of the caller's, or called in-process.
func orgURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return scheme + "://" + host
}

// jsonTime formats t as Okta does: UTC with milliseconds.
func jsonTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// nullTime is jsonTime, or null for the zero time.
func nullTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := jsonTime(t)
	return &s
}
