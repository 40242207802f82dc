package okta

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/oktasessions/okta-session-go/internal/pipeline"
)

// UserSessionsApi is the set of UserSessions operations.
// *UserSessionsApiService implements it; depend on this interface to replace
// the client with a stub in unit tests.
type UserSessionsApi interface {
	// RevokeUserSessions ends every session of a user.
	RevokeUserSessions(ctx context.Context, userId string, opts *RevokeUserSessionsOpts) (*http.Response, error)
}

var _ UserSessionsApi = (*UserSessionsApiService)(nil)

// UserSessionsApiService implements the UserSessions operations of the Okta
// Management API. Get it from APIClient.UserSessionsApi. Its operations
// return the *http.Response and errors as SessionApiService's do.
type UserSessionsApiService struct {
	client *APIClient
}

// RevokeUserSessionsOpts holds the optional query parameters of
// RevokeUserSessions. A nil field is not sent, so that Okta's default
// applies; a nil *RevokeUserSessionsOpts sends neither. PtrBool makes the
// pointers.
type RevokeUserSessionsOpts struct {
	// OauthTokens, when true, also revokes the OpenID Connect and OAuth
	// refresh and access tokens issued to the user (query oauthTokens).
	// Okta's default is false: tokens are kept.
	OauthTokens *bool
	// ForgetDevices, when true, also clears the user's remembered factors on
	// all devices (query forgetDevices). Okta's default is true, or false in
	// Classic Engine orgs.
	ForgetDevices *bool
}

// PtrBool returns a pointer to v, for the optional fields of
// RevokeUserSessionsOpts.
func PtrBool(v bool) *bool { return &v }

// query returns the query string for o ("?forgetDevices=...&oauthTokens=..."
// with what is set), or "" when nothing is set.
func (o *RevokeUserSessionsOpts) query() string {
	if o == nil {
		return ""
	}
	q := url.Values{}
	if o.OauthTokens != nil {
		q.Set("oauthTokens", strconv.FormatBool(*o.OauthTokens))
	}
	if o.ForgetDevices != nil {
		q.Set("forgetDevices", strconv.FormatBool(*o.ForgetDevices))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// RevokeUserSessions ends every identity provider session of the user with
// the given ID, which forces the user to sign in again
// (DELETE /api/v1/users/{userId}/sessions); Okta answers 204 with no body. It
// does not end the sessions of web or native apps. opts may be nil:
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserSessions/#tag/UserSessions/operation/revokeUserSessions
//
// The user ID is always one escaped path segment; "", "." and ".." are
// refused before any I/O. An unknown user is a 404 *APIError
// (errors.Is(err, ErrNotFound)). OAuth 2.0 callers need the okta.users.manage
// scope. The call is idempotent and retried like EndSession.
func (a *UserSessionsApiService) RevokeUserSessions(ctx context.Context, userId string, opts *RevokeUserSessionsOpts) (*http.Response, error) {
	return a.client.do(ctx, &pipeline.Call{
		Op:         "RevokeUserSessions",
		Method:     http.MethodDelete,
		URL:        a.client.base + "/api/v1/users/" + url.PathEscape(userId) + "/sessions" + opts.query(),
		Idempotent: true,
		Invalid:    checkUserID(userId),
	})
}

// checkUserID refuses a user ID that would address another user than the one
// named: those checkPathSegment refuses, and "me", which Okta's Users API
// reads as the caller's own user (for an API token, the admin who made it).
func checkUserID(id string) error {
	if id == currentUserSegment {
		return &ValidationError{Field: "userId", Reason: `is "me", which Okta reads as the caller's own user; give the user's id`}
	}
	return checkPathSegment("userId", id)
}

// currentUserSegment is the path segment that names the caller's own user.
const currentUserSegment = "me"
