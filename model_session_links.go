package okta

import (
	"log/slog"
)

// SessionLinks are the HAL links of a session.
type SessionLinks struct {
	// Self is the session itself (GET, DELETE).
	Self *HrefObject `json:"self,omitempty"`
	// Refresh is the session's refresh operation (POST).
	Refresh *HrefObject `json:"refresh,omitempty"`
	// User is the session's user (GET); its Name is the user's display name.
	User *HrefObject `json:"user,omitempty"`
}

// LogValue describes the links to log/slog, each as HrefObject.LogValue
// does, without the session ID their hrefs hold. (fmt prints each link with
// HrefObject.String.)
func (l SessionLinks) LogValue() slog.Value {
	var attrs []slog.Attr
	for _, link := range []struct {
		name string
		o    *HrefObject
	}{{"Self", l.Self}, {"Refresh", l.Refresh}, {"User", l.User}} {
		if link.o != nil {
			attrs = append(attrs, slog.Any(link.name, *link.o))
		}
	}
	return slog.GroupValue(attrs...)
}
