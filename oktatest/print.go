package oktatest

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// The Server and the AuthServer hold what a test must not print: the API
// token, the access tokens issued, the jtis seen. Their String, GoString
// and LogValue (and the Server's MarshalJSON) say what they are without any
// of it, so that t.Log(srv), %#v, slog and JSON show no secret, even a fake
// one that a careless test copies into a real configuration. They are on
// the pointers, which are what the package hands out; a copied Server value
// prints its fields.

// String describes the server by its URL and org id.
func (s *Server) String() string {
	return fmt.Sprintf("oktatest.Server{URL: %q, OrgID: %q}", s.URL, s.OrgID)
}

// GoString is String, for %#v.
func (s *Server) GoString() string { return s.String() }

// LogValue is the server's URL and org id.
func (s *Server) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", s.URL), slog.String("orgId", s.OrgID))
}

// MarshalJSON writes the server's URL and org id, as LogValue.
func (s *Server) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		URL   string `json:"url"`
		OrgID string `json:"orgId"`
	}{s.URL, s.OrgID})
}

// String describes the authorization server by how many apps it has
// registered and how many tokens it has issued.
func (a *AuthServer) String() string {
	apps, tokens := a.counts()
	return fmt.Sprintf("oktatest.AuthServer{apps: %d, tokens: %d}", apps, tokens)
}

// GoString is String, for %#v.
func (a *AuthServer) GoString() string { return a.String() }

// LogValue is the number of apps registered and of tokens issued.
func (a *AuthServer) LogValue() slog.Value {
	apps, tokens := a.counts()
	return slog.GroupValue(slog.Int("apps", apps), slog.Int("tokens", tokens))
}

// counts returns the number of apps registered and of tokens issued.
func (a *AuthServer) counts() (apps, tokens int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.apps), len(a.tokens)
}
