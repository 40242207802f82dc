package httpx

import "strings"

// IsToken reports whether k is an RFC 9110 token, as a header name is.
func IsToken(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !tokenChar(k[i]) {
			return false
		}
	}
	return true
}

// tokenChar reports whether b may be part of an RFC 9110 token.
func tokenChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// ValidHeaderValue reports whether v holds no control characters other than tab.
func ValidHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < ' ' && b != '\t' || b == 0x7f {
			return false
		}
	}
	return true
}
