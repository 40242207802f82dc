package okta

// isDecimal reports whether s is a non-empty run of ASCII digits. (The org
// URL's checks moved to internal/config; this helper serves the Retry-After
// parsing of retry.go, where it belongs.)
func isDecimal(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
