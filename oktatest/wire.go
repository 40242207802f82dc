package oktatest

import (
	"net/http"
	"net/url"
	"time"
)

// wireSession is a session as Okta sends it; see
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/.
type wireSession struct {
	ID                       string    `json:"id"`
	Login                    string    `json:"login"`
	UserID                   string    `json:"userId"`
	CreatedAt                string    `json:"createdAt"`
	ExpiresAt                string    `json:"expiresAt"`
	Status                   string    `json:"status"`
	LastPasswordVerification string    `json:"lastPasswordVerification"`
	LastFactorVerification   *string   `json:"lastFactorVerification"`
	AMR                      []string  `json:"amr"`
	IDP                      wireIDP   `json:"idp"`
	MFAActive                bool      `json:"mfaActive"`
	Links                    wireLinks `json:"_links"`
}

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

// wire renders sess as Okta would, its links on the org URL r addressed. It
// is called with ss.mu held.
func (ss *sessions) wire(sess *session, r *http.Request) wireSession {
	org := orgURL(r)
	self := org + "/api/v1/sessions/" + url.PathEscape(sess.id)
	return wireSession{
		ID:                       sess.id,
		Login:                    sess.user.Login,
		UserID:                   sess.user.ID,
		CreatedAt:                jsonTime(sess.createdAt),
		ExpiresAt:                jsonTime(sess.expiresAt),
		Status:                   "ACTIVE",
		LastPasswordVerification: jsonTime(sess.authAt),
		AMR:                      []string{"pwd"},
		IDP:                      wireIDP{ID: ss.orgID, Type: "OKTA"},
		Links: wireLinks{
			Self:    wireLink{Href: self, Hints: wireHints{Allow: []string{http.MethodGet, http.MethodDelete}}},
			Refresh: wireLink{Href: self + "/lifecycle/refresh", Hints: wireHints{Allow: []string{http.MethodPost}}},
			User: wireLink{
				Name: sess.user.DisplayName, Href: org + "/api/v1/users/" + url.PathEscape(sess.user.ID),
				Hints: wireHints{Allow: []string{http.MethodGet}},
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
