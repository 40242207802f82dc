// Package oktatest is a fake Okta org for tests: the Session API, the org
// authorization server and the org's side of Universal Logout, on loopback
// (or in process), answering as Okta documents, with a controllable clock,
// fault injection and request recording.
//
//	srv := oktatest.NewServer(t) // closed when the test ends
//	tok := srv.IssueSessionToken(oktatest.User{Login: "ann@example.com"})
//	s, _, err := srv.Client().SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
//
// NewServer starts a fake for a test and closes it when the test ends;
// Start and Close do the same outside tests; NewInProcess makes one with no
// listener. Config and Client give an okta.Configuration and a client for
// it (its URL, its API token, and its clock when that is a FakeClock).
//
// # What it answers
//
// A session token works once and for 5 minutes (SessionTokenLifetime);
// CreateSession takes it with the API token or with no credential at all,
// as Okta documents ("can be performed anonymously"); it also takes an
// access token with okta.sessions.manage there, though no Okta document
// says that Okta does. Sessions expire after
// the idle timeout (WithIdleTimeout, default 120 minutes) and the maximum
// lifetime (WithMaxLifetime); refresh moves expiresAt. An ended or expired
// session is 404 E0000007, a wrong API token 401 E0000011, an unknown path
// 404 E0000008, and a method the path does not allow 405 E0000022 with an
// Allow header. Every answer carries X-Okta-Request-Id and Date, and every
// answer under /api/ (errors included) the rate-limit headers of a
// per-minute window (WithRateLimit, default 750) and a concurrency limit
// (WithConcurrencyLimit, default 75). It listens on loopback only
// (WithAddr("localhost:8089") listens on 127.0.0.1). The Server is also an
// http.Handler to mount at the root of a server of your own; the links in
// its answers follow the request's host.
//
// # Users and the current session
//
// The fake keeps users (id, login, display name): SeedUser, and every
// IssueSessionToken or SeedSession seeds its user; sessions (and tokens not
// yet used) answer with their user as last seeded. DELETE
// /api/v1/users/{userId}/sessions ends all of that user's sessions (204);
// an unknown user is 404 E0000007. Its oauthTokens and forgetDevices must
// be true or false when present (otherwise 400 E0000001, the fake's choice:
// Okta documents no answer); they are recorded and change nothing else.
//
// GET and DELETE /api/v1/sessions/me and POST
// /api/v1/sessions/me/lifecycle/refresh find the session by the idx or sid
// cookie, whose value in the fake is the session id; they share the
// sessions and their expiry with the routes by id, and link to
// .../sessions/me and .../users/me. No cookie, or the cookie of no live
// session, is Okta's documented 404 E0000007 "Not found: Resource not found:
// me (Session)" (the cookie is never echoed), whatever else the request
// carries, an Authorization header included. A live session's cookie with
// an Authorization header (even a valid API token) is 403 E0000005 "Invalid
// session", and the session is left alone: Okta says "an API token isn't
// allowed" there without documenting the answer, so that one is the fake's
// choice.
//
// SeedSession puts a session straight into the org in any state Okta
// documents (status ACTIVE, MFA_REQUIRED or MFA_ENROLL, amr, identity
// provider, mfaActive, verification, creation and expiry times, user) and
// returns its id; zero fields get what a session created from a token has,
// but a zero LastPasswordVerification is null. An undocumented value, an
// expiry not after creation or an id in use is a *SeedError.
//
// # Time
//
// WithClock(oktatest.NewFakeClock(t0)) makes session and token expiry, the
// Date header and the rate windows move only when the test says so
// (FakeClock.Advance). Config hands the clock to the client, whose retry
// waits then move it instead of sleeping.
//
// # Faults and recorded requests
//
// InjectFault adds latency, an error status with Okta's JSON error body
// (E0000009 for 502, 503 and 504), extra headers, a malformed, truncated,
// oversized, mis-typed or trickled body, or a dropped connection, for the
// next N requests or all of them, optionally after the operation took
// effect (Processed), on one Route, on RouteAny (every request) or on
// RouteUnknown (the requests no route serves); a fault with a Count and
// nothing else lets that many requests through first. A spoilt answer carries
// FaultHeader. Requests returns what the fake received (query included),
// with Authorization and Proxy-Authorization keeping only their scheme,
// cookies only their names and DPoP proofs their header and claims but no
// signature. Reset forgets users, tokens, sessions, faults and records.
//
// # Service apps: the org authorization server
//
// The fake is also the org authorization server (AuthServer) at TokenPath.
// A service app registered with WithServiceApp (NewServiceApp makes one
// with a new key; ServiceAppConfig gives the client's configuration for it)
// gets access tokens there by the client-credentials grant with a
// private_key_jwt assertion, Bearer or DPoP-bound (with the nonce dance, as
// Okta does), which the session routes take when they carry the route's
// scope; a 401 or 403 names the problem in WWW-Authenticate.
// WithAccessToken makes the fake take one static Bearer token as well. A
// client's
// time claims (an assertion's iat, nbf and exp, a DPoP proof's iat) may be
// a minute off the fake's clock or off the wall clock: a client on the real
// clock, as one configured from the environment, keeps authenticating with
// a fake whose clock a test has advanced. Access tokens expire by the
// fake's clock; a client that fetches a new token on invalid_token (as
// okta-session-go does) carries on.
//
// # Universal Logout: the fake as the org
//
// The org publishes its signing keys at KeysPath (GET /oauth2/v1/keys, no
// credential): a JSON Web Key Set of RSA keys for RS256, each with a kid.
// RotateSigningKey replaces the key that signs; the set keeps the one it
// replaced, so that what it signed still verifies. SendUniversalLogout
// sends an app's Universal Logout endpoint the request Okta sends:
//
//	status, err := srv.SendUniversalLogout(ctx, "http://127.0.0.1:8080/okta/logout", "ann@example.com")
//
// a POST with the body {"subject":{"format":"email","email":...}} and
// "Authorization: Bearer <JWT>", the JWT signed RS256 by the org's key
// (typ global-token-revocation+jwt) with iss and sub the org URL, aud the
// endpoint, iat, nbf, exp (LogoutTokenLifetime) and a jti; it follows no
// redirect and returns the endpoint's status. SendUniversalLogoutRequest
// also sends an iss_sub subject (the org URL and the user's id, as Okta
// does for apps it provisions), the older sub_id member, another issuer, or
// another issue time (a receiver on the wall clock, a fake on a FakeClock
// that has moved on, or a JWT already expired). Only the request is sent:
// the user's sessions in the fake stay as they are, where Okta would clear
// the user's Okta sessions at the same time (end them with DELETE
// /api/v1/users/{userId}/sessions to do the same), so that a test can show
// a receiver refusing sessions that Okta still answers ACTIVE.
//
// # Without a listener
//
// NewInProcess makes a fake whose URL is InProcessURL (in the reserved
// .invalid domain, so that a request that misses it fails) and that is
// reached through RoundTripper, which Config sets as its HTTPClient's
// transport. Answers stream as on a socket (slow and oversized bodies
// included), a dropped connection is ErrDropped, and a cancelled context
// ends the wait. For suites that mock with httpmock,
// httpmock.RegisterNoResponder(srv.Responder()) hands the fake every
// request without a responder of its own.
//
// # Other languages: okta-fake and the control API
//
// go run ./cmd/okta-fake -addr localhost:8089 -fake-clock serves the same
// fake, prints its URL and API token, and offers the control API under
// ControlPrefix (/oktatest/v1/), described in api/oktatest-control.yaml
// (OpenAPI 3.0): POST session-tokens (mint a token), POST users and POST
// sessions (seed), POST and DELETE faults, GET clock and POST clock/advance
// (on a fake clock), GET requests, POST reset, POST keys/rotate and POST
// universal-logout (send a Universal Logout request to a receiver under
// test). It is part of every Server, in-process ones included, and takes
// the API token alone (an access token the fake takes on Okta's routes is
// refused there). Its requests, a mistyped path or method under
// /oktatest/v1/ included, are never recorded, rate-limited or faulted, so
// a suite can always clear what it injected. A body must be one JSON value
// with no unknown field and nothing after it; a refusal is 400 and names
// the field and what it accepts.
//
// # How it works
//
// A request goes through a chain of stages, each with its own
// state: route, stamp, record, admit (concurrency, then the per-minute
// window), fault, authenticate, and the route's handler. The control API's
// requests skip record, admit and fault.
//
// To unit-test code that calls the API without any server, depend on the
// okta.SessionApi interface, which *okta.SessionApiService implements, and
// pass a stub.
package oktatest
