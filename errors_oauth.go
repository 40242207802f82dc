package okta

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/oktasessions/okta-session-go/internal/redact"
	"github.com/oktasessions/okta-session-go/internal/retry"
)

// OAuthError is the error of a failed OAuth 2.0 token request to the org
// authorization server's token endpoint ({org}/oauth2/v1/token), in
// "PrivateKey" mode. It carries OAuth's error code and description (RFC 6749
// section 5.2), such as "invalid_client", "invalid_scope" or
// "invalid_dpop_proof"; see
// https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/tag/OrgAS/#tag/OrgAS/operation/token.
//
// A 2xx answer that is not a usable token response (no access_token, an
// unknown token_type, not JSON) is an OAuthError too, with its status and an
// empty ErrorCode. Like APIError it matches ErrUnauthorized, ErrForbidden,
// ErrNotFound and ErrRateLimited by status.
//
// The fields are bounded in length and hold only printable characters; the
// client assertion and DPoP proof of the request are shortened wherever the
// server echoed them, so that Error() is safe to log. The operation that
// needed the token wraps the error ("okta: GetSession: ...").
type OAuthError struct {
	// StatusCode is the HTTP status of the token endpoint's answer.
	StatusCode int
	// ErrorCode is OAuth's "error", such as "invalid_client".
	ErrorCode string
	// ErrorDescription is OAuth's "error_description", or what was wrong
	// with a 2xx answer.
	ErrorDescription string
	// RequestId is the X-Okta-Request-Id of the answer, for Okta's System Log.
	RequestId string

	// response is the answer, for the retry rules (its Retry-After and
	// rate-limit headers); its body has been read and closed.
	response *http.Response
}

// Error reads like "oauth2 token endpoint: 400 invalid_scope: The following
// scopes are not allowed: [okta.users.manage] (request reqVy8ws...)".
func (e *OAuthError) Error() string {
	var b strings.Builder
	b.WriteString("oauth2 token endpoint: ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.ErrorCode != "" {
		b.WriteString(" ")
		b.WriteString(e.ErrorCode)
	}
	if e.ErrorDescription != "" {
		b.WriteString(": ")
		b.WriteString(e.ErrorDescription)
	}
	writeRequestID(&b, e.RequestId)
	return b.String()
}

// Is makes errors.Is(err, ErrUnauthorized) and its siblings match by status,
// as for *APIError.
func (e *OAuthError) Is(target error) bool {
	return (&APIError{StatusCode: e.StatusCode}).Is(target)
}

// maxOAuthDescription bounds the description an OAuthError keeps; its code
// is bounded as an APIError's (maxCodeLen), its RequestId as every request
// id (retry.MaxRequestIDLen).
const maxOAuthDescription = 256

// newOAuthError builds the OAuthError of a token endpoint answer: code and
// description cut to size, stripped of control characters, with every
// secret of the request shortened.
func newOAuthError(resp *http.Response, code, description string, secrets ...string) *OAuthError {
	raw := &OAuthError{StatusCode: resp.StatusCode, ErrorCode: code, ErrorDescription: description,
		RequestId: resp.Header.Get("X-Okta-Request-Id"), response: resp}
	return raw.shortened(secrets)
}

// shortened returns a copy of e with secrets shortened in the server's words
// and each field cut to size and stripped of control characters (see
// redact.ServerText): the token request's secrets, when newOAuthError builds it,
// then those of the API call that needed the token, which the token
// endpoint may echo too.
func (e *OAuthError) shortened(secrets []string) *OAuthError {
	cp := *e
	cp.ErrorCode = redact.ServerText(e.ErrorCode, maxCodeLen, secrets...)
	cp.ErrorDescription = redact.ServerText(e.ErrorDescription, maxOAuthDescription, secrets...)
	cp.RequestId = redact.ServerText(e.RequestId, retry.MaxRequestIDLen, secrets...)
	return &cp
}
