package oktatest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"slices"

	okta "github.com/oktasessions/okta-session-go"
)

// AuthServer returns the server's org authorization server, which serves
// TokenPath and checks the access tokens of the session routes, for its
// settings: RequireTokenNonce, RequireAPINonce, RotateNonces,
// SetTokenLifetime, Register.
func (s *Server) AuthServer() *AuthServer { return s.auth.oauth }

// serveToken is the handler of RouteToken.
func (s *Server) serveToken(w http.ResponseWriter, c *call) { s.auth.oauth.ServeHTTP(w, c.req) }

// NewServiceApp returns a service app with a new EC P-256 key pair, the
// client id, the scopes granted and whether it requires DPoP, for
// WithServiceApp or AuthServer().Register; and its private key as PKCS#8
// PEM, for okta.Configuration.PrivateKey (see ServiceAppConfig).
func NewServiceApp(clientID string, requireDPoP bool, scopes ...string) (app ServiceApp, privateKeyPEM string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic("oktatest: generate a P-256 key: " + err.Error()) // crypto/rand does not fail
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic("oktatest: encode a P-256 key: " + err.Error()) // a valid P-256 key always encodes
	}
	app = ServiceApp{ClientID: clientID, PublicKey: &key.PublicKey, Scopes: slices.Clone(scopes), RequireDPoP: requireDPoP}
	return app, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// ServiceAppConfig returns Config in "PrivateKey" mode for app, registered
// with the server: no API token; app's ClientID and Scopes (every scope
// granted); privateKey, app's private key as PEM or a JWK, such as
// NewServiceApp returns.
//
//	app, key := oktatest.NewServiceApp("0oaSessions", true, "okta.sessions.read")
//	srv := oktatest.NewServer(t, oktatest.WithServiceApp(app))
//	client := okta.NewAPIClient(srv.ServiceAppConfig(app, key))
func (s *Server) ServiceAppConfig(app ServiceApp, privateKey string) *okta.Configuration {
	cfg := s.Config()
	cfg.APIToken = ""
	cfg.AuthorizationMode = "PrivateKey"
	cfg.ClientID = app.ClientID
	cfg.PrivateKeyID = app.KeyID
	cfg.Scopes = slices.Clone(app.Scopes)
	cfg.PrivateKey = privateKey
	return cfg
}
