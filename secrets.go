package okta

import (
	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/redact"
)

// The shortening of secrets lives in internal/redact. These names stay for
// the configuration's files, which print with them.

// shortID shortens a bearer identifier (see redact.ShortID).
func shortID(id string) string { return redact.ShortID(id) }

// hidden stands for a secret when a value is printed (see redact.Hidden).
func hidden(secret string) string { return redact.Hidden(secret) }

// hideUserinfo hides the user information of a URL (see redact.HideUserinfo).
func hideUserinfo(u string) string { return redact.HideUserinfo(u) }

// Bounds on the strings of an error answer that reach APIError's fields and
// Error(). Okta's are far shorter: an error code is 8 characters, an error or
// request id about 25, a summary rarely a line.
const (
	maxCodeLen    = 64                  // ErrorCode, ErrorLink, ErrorId, a challenge's error (a RequestId: retry.MaxRequestIDLen)
	maxSummaryLen = redact.MaxErrorText // ErrorSummary and each cause's
	maxCauses     = 32                  // causes kept from one answer
)

// checkCredential rejects a credential that could not be sent in a header
// without changing the request (CR, LF and other control characters), or
// that is empty. The message never includes the credential.
func checkCredential(field, v string) error {
	if v == "" {
		return &ValidationError{Field: field, Reason: "is empty"}
	}
	if !validHeaderValue(v) {
		return &ValidationError{Field: field, Reason: "contains a control character such as CR or LF"}
	}
	return nil
}

// validHeaderValue reports whether v holds no control characters other than
// tab (see httpx.ValidHeaderValue).
func validHeaderValue(v string) bool { return httpx.ValidHeaderValue(v) }

// validHeaderName reports whether k is an RFC 9110 token.
func validHeaderName(k string) bool { return httpx.IsToken(k) }
