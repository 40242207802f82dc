package okta

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/oktasessions/okta-session-go/internal/httpx"
)

// Three different things are done to secrets, each by its own function:
//
//   - shortID turns a bearer identifier (a session ID, a session token, a
//     credential) into a prefix that tells two apart in a log but is no use
//     to an attacker;
//   - hidden stands for a secret in String, LogValue and MarshalJSON: it tells
//     only whether one is set;
//   - shortenSecrets finds known secrets inside text that came from elsewhere
//     (a server's error message) and replaces each with its shortID.
//
// serverText applies shortenSecrets to any string a server sent and bounds it,
// before the string may reach Error().

// shortIDPrefix is how many characters of an identifier shortID keeps, and
// shortIDMin the length below which it keeps none.
const (
	shortIDPrefix = 4
	shortIDMin    = 9
)

// shortID shortens a bearer identifier to its first four characters and
// "...": enough to tell two apart in a log, not enough to use. Identifiers of
// eight characters or fewer keep nothing.
func shortID(id string) string {
	if len(id) < shortIDMin {
		return "..."
	}
	return id[:shortIDPrefix] + "..."
}

// hidden stands for a secret when a value is printed: empty when it is not
// set, "[redacted]" when it is.
func hidden(secret string) string {
	if secret == "" {
		return ""
	}
	return "[redacted]"
}

// shortenSecrets replaces every occurrence of each non-empty secret in s, as
// it is or path-escaped, with its shortID.
func shortenSecrets(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		s = strings.ReplaceAll(s, sec, shortID(sec))
		if esc := url.PathEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, shortID(sec))
		}
	}
	return s
}

// Bounds on the strings of an error answer that reach APIError's fields and
// Error(). Okta's are far shorter: an error code is 8 characters, an error or
// request id about 25, a summary rarely a line.
const (
	maxCodeLen    = 64   // ErrorCode, ErrorLink, ErrorId, a challenge's error (a RequestId: retry.MaxRequestIDLen)
	maxSummaryLen = 1024 // ErrorSummary and each cause's
	maxCauses     = 32   // causes kept from one answer
)

// serverText makes a string a server sent fit for an error message: known
// secrets shortened, control characters and invalid UTF-8 replaced by spaces, and at most
// limit bytes, cut on a character boundary and marked with "..." when cut.
func serverText(s string, limit int, secrets ...string) string {
	s = shortenSecrets(s, secrets...)
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

// safeError returns err, or, when err's text quotes a server's bytes unsafely
// (one of secrets, a control character, more than maxSummaryLen bytes), an
// error whose text is made safe by serverText. The safe error does not wrap
// err, whose own text would still print the secret; Go's errors for a
// malformed answer (a bad status line, header or Location) quote what the
// server sent, and a hostile server can echo a request's credential, session
// ID, token, client assertion or DPoP proof there. A *url.Error stays one,
// a copy with secrets shortened in its URL and its Err made safe, so that a
// transport failure is still recognised and retried as one. err itself is
// never changed: a caller's transport may keep it, and a failed token fetch
// hands one error to every call that waited for it.
func safeError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		cp := *ue
		cp.URL = shortenSecrets(ue.URL, secrets...)
		cp.Err = safeError(ue.Err, secrets...)
		return &cp
	}
	msg := err.Error()
	if safe := serverText(msg, maxSummaryLen, secrets...); safe != msg {
		return errors.New(safe)
	}
	return err
}

// hideUserinfo returns a URL (or URL template) with any user information
// (https://user:password@host) replaced by "[redacted]", so that a password
// put into BasePath or Host is never printed. It works on text, not on a
// parsed URL, so that it hides what url.Parse would refuse too.
func hideUserinfo(u string) string {
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

// validHeaderValue reports whether v holds no control characters other than tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < ' ' && b != '\t' || b == 0x7f {
			return false
		}
	}
	return true
}

// validHeaderName reports whether k is an RFC 9110 token.
func validHeaderName(k string) bool { return httpx.IsToken(k) }
