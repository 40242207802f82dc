package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/oktasessions/okta-session-go/oktatest"
)

// appFlags are the flags that register an OAuth 2.0 service app with the
// fake's authorization server.
type appFlags struct {
	clientID, publicKey, keyID, scopes *string
	dpop                               *bool
}

// newAppFlags defines the service app's flags on fs.
func newAppFlags(fs *flag.FlagSet) appFlags {
	return appFlags{
		clientID:  fs.String("app-client-id", "", "register an OAuth 2.0 service app with this client id (needs -app-public-key)"),
		publicKey: fs.String("app-public-key", "", "the service app's public key file: PEM (PUBLIC KEY or RSA PUBLIC KEY), a public JWK or a JWKS"),
		keyID:     fs.String("app-key-id", "", "the kid of a PEM -app-public-key, when the client sends one"),
		scopes:    fs.String("app-scopes", "okta.sessions.read,okta.sessions.manage", "the scopes granted to the service app, comma-separated"),
		dpop:      fs.Bool("app-dpop", true, "the service app requires DPoP (Okta's default for new apps)"),
	}
}

// options returns the option that registers the app, or none when
// -app-client-id is not set.
func (f appFlags) options() ([]oktatest.Option, error) {
	if *f.clientID == "" {
		if *f.publicKey != "" {
			return nil, errors.New("-app-public-key needs -app-client-id")
		}
		return nil, nil
	}
	if *f.publicKey == "" {
		return nil, errors.New("-app-client-id needs -app-public-key")
	}
	data, err := os.ReadFile(*f.publicKey)
	if err != nil {
		return nil, err
	}
	app := oktatest.ServiceApp{ClientID: *f.clientID, KeyID: *f.keyID, RequireDPoP: *f.dpop}
	for _, s := range strings.Split(*f.scopes, ",") {
		if s = strings.TrimSpace(s); s != "" {
			app.Scopes = append(app.Scopes, s)
		}
	}
	text := strings.TrimSpace(string(data))
	switch {
	case strings.HasPrefix(text, "{") && strings.Contains(text, `"keys"`):
		app.JWKS = text
	case strings.HasPrefix(text, "{"):
		app.JWKS = `{"keys":[` + text + `]}`
	default:
		if app.PublicKey, err = parsePublicKeyPEM(data); err != nil {
			return nil, fmt.Errorf("-app-public-key %s: %w", *f.publicKey, err)
		}
	}
	return []oktatest.Option{oktatest.WithServiceApp(app)}, nil
}

// parsePublicKeyPEM reads a PEM public key: PKIX ("PUBLIC KEY") or PKCS#1
// ("RSA PUBLIC KEY").
func parsePublicKeyPEM(data []byte) (any, error) {
	block, _ := pem.Decode(data)
	switch {
	case block == nil:
		return nil, errors.New("neither PEM nor JSON")
	case block.Type == "PUBLIC KEY":
		return x509.ParsePKIXPublicKey(block.Bytes)
	case block.Type == "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	}
	return nil, fmt.Errorf("a PEM %q, not a public key", block.Type)
}
