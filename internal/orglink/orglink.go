// Package orglink gives this module's own packages (guard) what they use of
// an *okta.APIClient that its users do not need.
package orglink

import (
	"context"
	"log/slog"
	"time"
)

// Link is one client's machinery, as the module's own packages use it.
type Link struct {
	// OrgURL is the client's org URL, without a trailing slash.
	OrgURL string
	// Now tells the time by the client's Configuration.Clock.
	Now func() time.Time
	// Logger is the client's Configuration.Logger, or nil.
	Logger *slog.Logger
	// Fetch sends an anonymous GET of url (a URL on the org) through the
	// client's request pipeline (deadlines, retries of a GET, throttle,
	// Observer, logs) and returns the 2xx body, read up to limit bytes. A
	// non-2xx answer is an *okta.APIError; a body over limit is an
	// *okta.ResponseError. op names the call in errors and logs.
	Fetch func(ctx context.Context, op, url string, limit int64) ([]byte, error)
}

// Of returns the Link of client, which must be a non-nil *okta.APIClient
// whose configuration is valid (else the error says why). Package okta sets
// Of in its init.
var Of func(client any) (Link, error)
