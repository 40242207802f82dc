package main

import (
	"context"
	"fmt"
	"log"
	"os"

	okta "github.com/oktasessions/okta-session-go"
)

func main() {
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
