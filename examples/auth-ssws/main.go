package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	okta "github.com/oktasessions/okta-session-go"
)

func main() {
	var unset []string
	for _, name := range []string{"OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN", "OKTA_SESSION_ID"} {
		if os.Getenv(name) == "" {
			unset = append(unset, name)
		}
	}
	if unset != nil {
		log.Fatalf("set %s in the environment", strings.Join(unset, ", "))
	}

	cfg := okta.NewConfiguration()
	cfg.BasePath = os.Getenv("OKTA_CLIENT_ORGURL") // https://dev-123456.okta.com
	cfg.AuthorizationMode = "SSWS"
	cfg.APIToken = os.Getenv("OKTA_CLIENT_TOKEN") // sent as "Authorization: SSWS <token>"
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
