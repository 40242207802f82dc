package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"golang.org/x/oauth2"

	okta "github.com/oktasessions/okta-session-go"
)

func main() {
	var unset []string
	for _, name := range []string{"OKTA_CLIENT_ORGURL", "OKTA_ACCESS_TOKEN", "OKTA_SESSION_ID"} {
		if os.Getenv(name) == "" {
			unset = append(unset, name)
		}
	}
	if unset != nil {
		log.Fatalf("set %s in the environment", strings.Join(unset, ", "))
	}

	// Any oauth2.TokenSource: here a fixed access token; in a service, one
	// that fetches and caches tokens (oauth2.ReuseTokenSource).
	tokens := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: os.Getenv("OKTA_ACCESS_TOKEN")})

	cfg := okta.NewConfiguration()
	cfg.BasePath = os.Getenv("OKTA_CLIENT_ORGURL") // https://dev-123456.okta.com
	cfg.AuthorizationMode = "Bearer"
	cfg.TokenSource = tokens // sent as "Authorization: Bearer <token>"
	if err := cfg.Validate(); err != nil {
		log.Fatal(err)
	}
	client := okta.NewAPIClient(cfg)

	session, _, err := client.SessionApi.GetSession(context.Background(), os.Getenv("OKTA_SESSION_ID"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("active:", session.IsActive())
}
