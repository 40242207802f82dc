package oktatest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Universal Logout, the org's side: Okta tells an app to log a user out by
// a POST to the app's endpoint, authenticated by a JWT the org signs with its
// key (private_key_jwt), whose body names the user. See
// https://developer.okta.com/docs/guides/oin-universal-logout-overview/ and
// draft-parecki-oauth-global-token-revocation.
const (
	// LogoutTokenType is the typ of the JWT header of a Universal Logout
	// request.
	LogoutTokenType = "global-token-revocation+jwt"
	// LogoutTokenLifetime is how long after its iat a Universal Logout
	// request's JWT expires.
	LogoutTokenLifetime = 5 * time.Minute
	// maxEndpointLength is the longest endpoint URL Okta takes (1,024
	// characters).
	maxEndpointLength = 1024
	// maxLogoutAnswer is what the fake reads of a receiver's answer, whose
	// body Okta ignores, before it closes the connection.
	maxLogoutAnswer = 64 << 10
	// logoutTimeout bounds a Universal Logout request sent with the default
	// client, so that a receiver that never answers cannot hang a test.
	logoutTimeout = 30 * time.Second
)

// The subject formats of a Universal Logout request (RFC 9493).
const (
	// SubjectEmail names the user by email address (Okta's default).
	SubjectEmail = "email"
	// SubjectIssSub names the user by issuer and subject: Okta sends the org
	// URL and the user's id.
	SubjectIssSub = "iss_sub"
)

// LogoutSubject is the user a Universal Logout request names: a subject
// identifier of RFC 9493 in format "email" (Email) or "iss_sub" (Iss and
// Sub).
type LogoutSubject struct {
	// Format is SubjectEmail or SubjectIssSub.
	Format string `json:"format"`
	// Email is the user's email address, for SubjectEmail.
	Email string `json:"email,omitempty"`
	// Iss is the issuer, for SubjectIssSub: Okta sends the org URL.
	Iss string `json:"iss,omitempty"`
	// Sub is the user's id at Iss, for SubjectIssSub: Okta sends the user's
	// Okta id.
	Sub string `json:"sub,omitempty"`
}

// UniversalLogout is a Universal Logout request for SendUniversalLogoutRequest.
// Its JSON form (without Client) is what the control API's POST
// /oktatest/v1/universal-logout takes.
type UniversalLogout struct {
	// Endpoint is the app's Universal Logout endpoint, an absolute http or
	// https URL of at most 1,024 characters; it is also the JWT's aud.
	Endpoint string `json:"endpoint"`
	// Subject is the user to log out.
	Subject LogoutSubject `json:"subject"`
	// SubjectField is the name of the body's member that holds Subject:
	// "subject" (the default, as Okta's guide shows) or "sub_id" (as Okta's
	// 2024 workshop and the draft's earlier versions send it).
	SubjectField string `json:"subjectField,omitempty"`
	// Issuer is the JWT's iss (and sub); empty means the server's URL, the
	// org URL Okta sends. Set it when the fake is reached at another URL,
	// such as mounted in a server of the caller's.
	Issuer string `json:"issuer,omitempty"`
	// IssuedAt is the JWT's iat and nbf (exp is LogoutTokenLifetime later);
	// zero means now by the server's clock. A receiver on the wall clock of
	// a fake on a FakeClock that has moved on needs the wall clock's time.
	IssuedAt time.Time `json:"issuedAt,omitzero"`
	// Client sends the request; nil means a client that follows no
	// redirect and gives up after 30 seconds.
	Client *http.Client `json:"-"`
}

// LogoutError is SendUniversalLogoutRequest's refusal of a request it
// cannot send as Okta would: the field (by its JSON name) and what it
// accepts.
type LogoutError struct {
	// Field is the JSON name of the field refused, such as "endpoint" or
	// "subject.email".
	Field string
	// Reason says what the field accepts.
	Reason string
}

// Error returns the field and the reason.
func (e *LogoutError) Error() string {
	return "oktatest: universal logout: " + e.Field + ": " + e.Reason
}

// SendUniversalLogout sends the app's endpoint a Universal Logout request
// for the user with the email address, as Okta does, and returns the status
// the endpoint answered; see SendUniversalLogoutRequest.
func (s *Server) SendUniversalLogout(ctx context.Context, endpoint, email string) (int, error) {
	return s.SendUniversalLogoutRequest(ctx, UniversalLogout{
		Endpoint: endpoint, Subject: LogoutSubject{Format: SubjectEmail, Email: email},
	})
}

// SendUniversalLogoutRequest sends a Universal Logout request as Okta does:
// POST to req.Endpoint, Content-Type application/json, the body
// {"subject": {...}} (or {"sub_id": {...}}), and "Authorization: Bearer
// <JWT>", a JWT signed RS256 by the org's current signing key (its kid in
// the header, typ LogoutTokenType) with iss and sub the org URL, aud the
// endpoint, iat, nbf, exp and a new jti. It follows no redirect (a 3xx is
// the status returned), reads at most 64 KiB of the answer, and returns its
// status. It returns a *LogoutError for a request it would not send, and the
// client's error when the endpoint cannot be reached.
func (s *Server) SendUniversalLogoutRequest(ctx context.Context, req UniversalLogout) (int, error) {
	body, err := req.body()
	if err != nil {
		return 0, err
	}
	token, err := s.logoutToken(req)
	if err != nil {
		return 0, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, req.Endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, &LogoutError{Field: "endpoint", Reason: "is not a URL"}
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	client := req.Client
	if client == nil {
		client = &http.Client{Timeout: logoutTimeout, CheckRedirect: noRedirect}
	}
	resp, err := client.Do(r)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxLogoutAnswer))
	return resp.StatusCode, nil
}

// noRedirect makes a client return a redirect as the answer.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// body checks the request and returns its JSON body.
func (req UniversalLogout) body() ([]byte, error) {
	if err := checkEndpoint(req.Endpoint); err != nil {
		return nil, err
	}
	if err := req.Subject.check(); err != nil {
		return nil, err
	}
	field := req.SubjectField
	switch field {
	case "":
		field = "subject"
	case "subject", "sub_id":
	default:
		return nil, &LogoutError{Field: "subjectField", Reason: `is "subject" (the default) or "sub_id"`}
	}
	return json.Marshal(map[string]LogoutSubject{field: req.Subject})
}

// checkEndpoint refuses an endpoint Okta would not call: not an absolute
// http or https URL with a host, with user information or a fragment, or
// longer than 1,024 characters.
func checkEndpoint(endpoint string) error {
	const accepts = "is an absolute http or https URL with a host, no user information or fragment, of at most 1024 characters"
	u, err := url.Parse(endpoint)
	if err != nil || len(endpoint) > maxEndpointLength || u.Scheme != "http" && u.Scheme != "https" ||
		u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return &LogoutError{Field: "endpoint", Reason: accepts}
	}
	return nil
}

// check refuses a subject Okta would not send.
func (sub LogoutSubject) check() error {
	switch {
	case sub.Format == SubjectEmail && sub.Email == "":
		return &LogoutError{Field: "subject.email", Reason: "is the user's email address, not empty"}
	case sub.Format == SubjectEmail && (sub.Iss != "" || sub.Sub != ""):
		return &LogoutError{Field: "subject", Reason: `of format "email" has email only`}
	case sub.Format == SubjectIssSub && (sub.Iss == "" || sub.Sub == ""):
		return &LogoutError{Field: "subject.iss", Reason: `and subject.sub are both set for format "iss_sub"`}
	case sub.Format == SubjectIssSub && sub.Email != "":
		return &LogoutError{Field: "subject", Reason: `of format "iss_sub" has iss and sub only`}
	case sub.Format != SubjectEmail && sub.Format != SubjectIssSub:
		return &LogoutError{Field: "subject.format", Reason: fmt.Sprintf("is %q or %q", SubjectEmail, SubjectIssSub)}
	}
	return nil
}

// logoutToken signs the JWT of a Universal Logout request.
func (s *Server) logoutToken(req UniversalLogout) (string, error) {
	key := s.keys.current()
	opts := (&jose.SignerOptions{}).WithType(LogoutTokenType)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, opts)
	if err != nil {
		return "", fmt.Errorf("oktatest: universal logout: %w", err) // an RSA key always signs RS256
	}
	iss := req.Issuer
	if iss == "" {
		iss = s.URL
	}
	iat := req.IssuedAt
	if iat.IsZero() {
		iat = s.clock.Now()
	}
	return jwt.Signed(signer).Claims(jwt.Claims{
		Issuer: iss, Subject: iss, Audience: jwt.Audience{req.Endpoint}, ID: newID("", 32),
		IssuedAt: jwt.NewNumericDate(iat), NotBefore: jwt.NewNumericDate(iat),
		Expiry: jwt.NewNumericDate(iat.Add(LogoutTokenLifetime)),
	}).Serialize()
}
