package okta

import (
	"net/http"
	"strings"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/redact"
)

// Challenge is the WWW-Authenticate challenge of a 401 or 403 answer to an
// OAuth 2.0 access token (RFC 6750 section 3, RFC 9449 section 7.1), which
// often says more than the body: a token without the operation's scope gets
// a 403 whose challenge has error "insufficient_scope" and the scope needed.
// See https://developer.okta.com/docs/guides/implement-oauth-for-okta/main/#scopes-and-supported-endpoints.
// Its fields are bounded in length and hold only printable characters.
type Challenge struct {
	// Scheme is the challenge's scheme, "Bearer" or "DPoP".
	Scheme string
	// Error is OAuth's error code, such as "invalid_token",
	// "insufficient_scope" or "use_dpop_nonce".
	Error string
	// ErrorDescription is the human-readable description.
	ErrorDescription string
	// Scope is the scope the operation needs, such as "okta.sessions.read",
	// when Error is "insufficient_scope".
	Scope string
}

// newChallenge returns the Challenge of a 401 or 403 answer: the first
// Bearer or DPoP challenge of its WWW-Authenticate headers, with the call's
// secrets shortened in its fields (see redact.ServerText), or nil when there is
// none.
func newChallenge(resp *http.Response, secrets []string) *Challenge {
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		return nil
	}
	for _, ch := range httpx.ParseChallenges(resp.Header.Values("WWW-Authenticate")) {
		if strings.EqualFold(ch.Scheme, "Bearer") || strings.EqualFold(ch.Scheme, "DPoP") {
			return &Challenge{
				Scheme:           redact.ServerText(ch.Scheme, maxCodeLen, secrets...),
				Error:            redact.ServerText(ch.Params["error"], maxCodeLen, secrets...),
				ErrorDescription: redact.ServerText(ch.Params["error_description"], maxSummaryLen, secrets...),
				Scope:            redact.ServerText(ch.Params["scope"], maxSummaryLen, secrets...),
			}
		}
	}
	return nil
}
