package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	okta "github.com/oktasessions/okta-session-go"
)

func main() {
	var unset []string
	for _, name := range []string{"OKTA_CLIENT_ORGURL", "OKTA_CLIENT_CLIENTID", "OKTA_CLIENT_PRIVATEKEY_FILE", "OKTA_SESSION_ID"} {
		if os.Getenv(name) == "" {
			unset = append(unset, name)
		}
	}
	if unset != nil {
		log.Fatalf("set %s in the environment", strings.Join(unset, ", "))
	}

	cfg := okta.NewConfiguration()
	cfg.BasePath = os.Getenv("OKTA_CLIENT_ORGURL") // https://dev-123456.okta.com
	cfg.AuthorizationMode = "PrivateKey"
	cfg.ClientID = os.Getenv("OKTA_CLIENT_CLIENTID") // the service app's client id, 0oa...
	cfg.Scopes = []string{"okta.sessions.read", "okta.sessions.manage"}
	cfg.PrivateKey = os.Getenv("OKTA_CLIENT_PRIVATEKEY_FILE") // the key's file (PEM or private JWK), or the key itself
	cfg.PrivateKeyID = os.Getenv("OKTA_CLIENT_PRIVATEKEYID")  // the key's kid; may be empty if the app has one key
	// DPoP needs nothing more: the client makes a P-256 key of its own and
	// sends a proof with every token request; set cfg.DPoPKey to use a
	// crypto.Signer of yours (a KMS key) instead.
	if err := cfg.Validate(); err != nil { // reads and parses the key: a bad one fails here, with every other mistake
		log.Fatal(err)
	}
	client := okta.NewAPIClient(cfg) // one per org: it caches the access token for all its goroutines

	session, _, err := client.SessionApi.GetSession(context.Background(), os.Getenv("OKTA_SESSION_ID"))
	var oauthErr *okta.OAuthError
	var apiErr *okta.APIError
	switch {
	case errors.As(err, &oauthErr): // the token endpoint refused: invalid_client, invalid_scope, ...
		log.Fatalf("no access token: %s: %s", oauthErr.ErrorCode, oauthErr.ErrorDescription)
	case errors.As(err, &apiErr) && apiErr.Challenge != nil && apiErr.Challenge.Scope != "":
		log.Fatalf("the app needs the scope %s", apiErr.Challenge.Scope)
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println("active:", session.IsActive())
}
