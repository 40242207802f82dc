// Package redact keeps secrets out of what the client prints: errors, log
// records, String and %#v. Package okta applies it to every string a server
// sends and to the values it prints.
package redact

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxErrorText bounds the text of an error SafeError makes; it is the bound
// of an APIError's ErrorSummary too (okta.maxSummaryLen).
const MaxErrorText = 1024

// Three different things are done to secrets, each by its own function:
//
//   - ShortID turns a bearer identifier (a session ID, a session token, a
//     credential) into a prefix that tells two apart in a log but is no use
//     to an attacker;
//   - Hidden stands for a secret in String, LogValue and MarshalJSON: it tells
//     only whether one is set;
//   - Shorten finds known secrets inside text that came from elsewhere
//     (a server's error message) and replaces each with its ShortID.
//
// ServerText applies Shorten to any string a server sent and bounds it,
// before the string may reach Error().

// ShortIDPrefix is how many characters of an identifier ShortID keeps, and
// ShortIDMin the length below which it keeps none.
const (
	ShortIDPrefix = 4
	ShortIDMin    = 9
)

// ShortID shortens a bearer identifier to its first four characters and
// "...": enough to tell two apart in a log, not enough to use. Identifiers of
// eight characters or fewer keep nothing.
func ShortID(id string) string {
	if len(id) < ShortIDMin {
		return "..."
	}
	return id[:ShortIDPrefix] + "..."
}

// Hidden stands for a secret when a value is printed: empty when it is not
// set, "[redacted]" when it is.
func Hidden(secret string) string {
	if secret == "" {
		return ""
	}
	return "[redacted]"
}

// Shorten replaces every occurrence of each non-empty secret in s, as
// it is or path-escaped, with its ShortID.
func Shorten(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		s = strings.ReplaceAll(s, sec, ShortID(sec))
		if esc := url.PathEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, ShortID(sec))
		}
	}
	return s
}

// ServerText makes a string a server sent fit for an error message: known
// secrets shortened, control characters and invalid UTF-8 replaced by spaces, and at most
// limit bytes, cut on a character boundary and marked with "..." when cut.
func ServerText(s string, limit int, secrets ...string) string {
	s = Shorten(s, secrets...)
	s = strings.Map(func(r rune) rune {
		// C0 and C1 control characters, DEL, and invalid UTF-8 (which
		// comes here as utf8.RuneError) become spaces.
		if r < ' ' || r >= 0x7f && r < 0xa0 || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	if len(s) <= limit {
		return s
	}
	cut := limit - len("...")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// SafeError returns err, or, when err's text quotes a server's bytes unsafely
// (one of secrets, a control character, more than MaxErrorText bytes), an
// error whose text is made safe by ServerText. The safe error does not wrap
// err, whose own text would still print the secret; Go's errors for a
// malformed answer (a bad status line, header or Location) quote what the
// server sent, and a hostile server can echo a request's credential, session
// ID, token, client assertion or DPoP proof there. A *url.Error stays one,
// a copy with secrets shortened in its URL and its Err made safe, so that a
// transport failure is still recognised and retried as one. err itself is
// never changed: a caller's transport may keep it, and a failed token fetch
// hands one error to every call that waited for it.
func SafeError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		cp := *ue
		cp.URL = Shorten(ue.URL, secrets...)
		cp.Err = SafeError(ue.Err, secrets...)
		return &cp
	}
	msg := err.Error()
	if safe := ServerText(msg, MaxErrorText, secrets...); safe != msg {
		return errors.New(safe)
	}
	return err
}

// HideUserinfo returns a URL (or URL template) with any user information
// (https://user:password@host) replaced by "[redacted]", so that a password
// put into BasePath or Host is never printed. It works on text, not on a
// parsed URL, so that it hides what url.Parse would refuse too.
func HideUserinfo(u string) string {
	rest := u
	prefix := ""
	if i := strings.Index(u, "://"); i >= 0 {
		prefix, rest = u[:i+3], u[i+3:]
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 {
		return u
	}
	return prefix + "[redacted]@" + rest[at+1:]
}
