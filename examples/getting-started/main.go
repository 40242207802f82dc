package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	okta "github.com/oktasessions/okta-session-go"
)

func main() {
	// OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN, or ~/.okta/okta.yaml: see "Configuration".
	cfg, err := okta.LoadConfiguration()
	if err != nil {
		log.Fatal(err) // names the variable or file key at fault, and what to do
	}
	client := okta.NewAPIClient(cfg) // create once, share between goroutines

	ctx := context.Background()
	session, _, err := client.SessionApi.CreateSession(ctx, okta.CreateSessionRequest{
		SessionToken: os.Getenv("OKTA_SESSION_TOKEN"), // from the Authn or IDX API; valid once, for 5 minutes
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(session) // the session id is a secret: String() prints a prefix only

	session, _, err = client.SessionApi.GetSession(ctx, session.Id)
	switch {
	case errors.Is(err, okta.ErrNotFound):
		fmt.Println("the session has ended or expired")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("active:", session.IsActive(), "login:", session.Login)
	}
}
