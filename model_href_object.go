package okta

import (
	"fmt"
	"log/slog"
	"strings"
)

// HrefObject is a HAL link.
type HrefObject struct {
	// Href is the link's URI.
	Href string `json:"href"`
	// Name is the link's name, such as a user's display name.
	Name string `json:"name,omitempty"`
	// Type is the media type of the link target; empty means application/json.
	Type string `json:"type,omitempty"`
	// Templated tells whether Href is a URI template.
	Templated bool `json:"templated,omitempty"`
	// Hints describes what may be done with the link.
	Hints *HrefHints `json:"hints,omitempty"`
}

// String prints the link with every path segment that follows /sessions/ in
// its Href shortened (to its first four characters, nothing of a short one):
// a session's self and refresh links hold its ID, which is a bearer secret.
func (o HrefObject) String() string {
	return fmt.Sprintf("HrefObject{Href: %s, Name: %s}", hrefWithoutSessionID(o.Href), o.Name)
}

// GoString is String, so that %#v does not print a session ID either.
func (o HrefObject) GoString() string { return o.String() }

// LogValue describes the link to log/slog as String does.
func (o HrefObject) LogValue() slog.Value {
	return slog.GroupValue(slog.String("Href", hrefWithoutSessionID(o.Href)), slog.String("Name", o.Name))
}

// hrefWithoutSessionID returns href with the first non-empty path segment
// after each "/sessions/" (in any case) shortened by shortID.
func hrefWithoutSessionID(href string) string {
	const marker = "/sessions/"
	var b strings.Builder
	for {
		i := indexFold(href, marker)
		if i < 0 {
			b.WriteString(href)
			return b.String()
		}
		start := i + len(marker)
		for start < len(href) && href[start] == '/' {
			start++
		}
		b.WriteString(href[:start])
		href = href[start:]
		end := strings.IndexAny(href, "/?#")
		if end < 0 {
			end = len(href)
		}
		b.WriteString(shortID(href[:end]))
		href = href[end:]
	}
}

// indexFold returns the index of the first instance of sub in s, matched
// without regard to case, or -1. It compares byte windows of s, so the
// index is always one of s's own (strings.ToLower may change lengths).
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
