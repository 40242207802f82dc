// Package okta is a Go client for the Okta Session API: create a session
// from a one-time session token, get, refresh and end it, read or close the
// current session by the user's cookie, and revoke every session of a user.
//
// Create one APIClient per org and share it between goroutines. The
// configuration comes from code, or from Okta's okta.yaml files and
// OKTA_CLIENT_* variables:
//
//	cfg, err := okta.LoadConfiguration()
//	if err != nil {
//		log.Fatal(err) // names the variable or file key at fault
//	}
//	client := okta.NewAPIClient(cfg)
//	s, _, err := client.SessionApi.GetSession(ctx, sessionID)
//
// Authentication: an API token (SSWS), an OAuth 2.0 TokenSource (Bearer), or
// an OAuth 2.0 service app (PrivateKey: private-key JWT, with DPoP when the
// org asks for it), each on the Configuration; a credential on a call's
// context wins for that call. See
// https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/.
//
// Errors: a non-2xx answer is an *APIError carrying Okta's error code,
// summary and id, the X-Okta-Request-Id and the rate-limit state; match it
// with errors.Is(err, okta.ErrNotFound) and friends, or errors.As. Arguments
// and configuration the client refuses before any I/O are *ValidationError;
// the token endpoint's refusals are *OAuthError.
//
// Secrets: session IDs, session tokens, cookies, access tokens, private keys
// and API tokens never appear in an error, a String, GoString or slog value
// of this package's types, or the client's log records (Configuration.Logger).
//
// Tests: package oktatest is a fake Okta org, in process or on a loopback
// port, that the client can be pointed at.
//
// Checking a session on every request of an app, without spending the org's
// rate limit, and receiving Okta's Universal Logout: package guard (and
// guard/redisstore to share what it learns between replicas).
package okta
