package okta

import "strings"

// redact shortens a bearer identifier such as a session ID to a prefix that
// is enough to tell two apart in a log, but not enough to use: the first four
// characters of IDs longer than eight, nothing of shorter ones.
func redact(id string) string {
	if len(id) <= 8 {
		return "..."
	}
	return id[:4] + "..."
}

// mask stands for a secret in String methods: it tells whether one is set.
func mask(secret string) string {
	if secret == "" {
		return `""`
	}
	return "[redacted]"
}

// scrub replaces every occurrence of each non-empty secret in s with its
// redacted form.
func scrub(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, redact(sec))
		}
	}
	return s
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
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		b := k[i]
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0 {
			continue
		}
		return false
	}
	return true
}
