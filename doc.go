// Package okta is a Go client for the Okta Session API: create a session
// from a one-time session token, get it, refresh it and end it.
//
// Create one APIClient per org and share it between goroutines:
//
//	cfg := okta.NewConfiguration()
//	cfg.Subdomain = "dev-123456" // https://dev-123456.okta.com
//	cfg.APIToken = os.Getenv("OKTA_CLIENT_TOKEN")
//	if err := cfg.Validate(); err != nil {
//		log.Fatal(err)
//	}
//	client := okta.NewAPIClient(cfg)
//	s, _, err := client.SessionApi.GetSession(ctx, sessionID)
//
// Errors: a non-2xx answer is an *APIError carrying Okta's error code,
// summary and id, the X-Okta-Request-Id and the rate-limit state; match it
// with errors.Is(err, okta.ErrNotFound) and friends, or errors.As. Arguments
// and configuration the client refuses before any I/O are *ValidationError.
//
// Secrets: session IDs, session tokens and credentials never appear in the
// text of an error or in the String of a Session, CreateSessionRequest,
// APIKey or Configuration.
package okta
