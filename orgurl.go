package okta

import (
	"net"
	"net/url"
	"strconv"
	"strings"
)

// buildOrgURL resolves the org URL from BasePath, Subdomain, Domain, Scheme
// and Host, and checks it.
func (c *Configuration) buildOrgURL() (string, error) {
	raw, err := c.fillBasePath()
	if err != nil {
		return "", err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", &ValidationError{Field: "BasePath", Reason: "is not a valid URL"}
	}
	if c.Scheme != "" {
		u.Scheme = c.Scheme
	}
	if c.Host != "" {
		u.Host = c.Host
	}
	switch {
	case u.User != nil:
		return "", &ValidationError{Field: "BasePath", Reason: "must not hold user information"}
	case u.Host == "" || u.Hostname() == "":
		return "", &ValidationError{Field: "BasePath", Reason: "has no host; want an org URL such as https://dev-123456.okta.com"}
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", &ValidationError{Field: "BasePath", Reason: "must not have a query or fragment"}
	case u.Opaque != "":
		return "", &ValidationError{Field: "BasePath", Reason: "is not a valid URL"}
	}
	if h := u.Hostname(); !validDNSName(h) && net.ParseIP(h) == nil {
		return "", &ValidationError{Field: "Host", Reason: "is not a valid host name"}
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return "", &ValidationError{Field: "Host", Reason: "has an invalid port"}
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", &ValidationError{Field: "Scheme", Reason: "http is allowed only for loopback hosts; use https"}
		}
	default:
		return "", &ValidationError{Field: "Scheme", Reason: "must be https (or http for loopback hosts)"}
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// fillBasePath returns BasePath (or its default) with {subdomain} and
// {domain} filled in.
func (c *Configuration) fillBasePath() (string, error) {
	raw := c.BasePath
	if raw == "" {
		raw = defaultBasePath
	}
	domain := c.Domain
	if domain == "" {
		domain = defaultDomain
	}
	for _, v := range []struct{ field, placeholder, value string }{
		{"Subdomain", "{subdomain}", c.Subdomain},
		{"Domain", "{domain}", domain},
	} {
		if v.value == "" || !strings.Contains(raw, v.placeholder) {
			continue
		}
		if !validDNSName(v.value) {
			return "", &ValidationError{Field: v.field, Reason: "is not a DNS name (letters, digits, '-' and '.')"}
		}
		raw = strings.ReplaceAll(raw, v.placeholder, v.value)
	}
	if strings.ContainsAny(raw, "{}") {
		return "", &ValidationError{Field: "BasePath", Reason: "has an unfilled {placeholder}: set Subdomain, or set BasePath to the org URL"}
	}
	return raw, nil
}

// isLoopback reports whether host names this machine: localhost,
// 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// maxDNSNameLen is the longest DNS name (RFC 1035).
const maxDNSNameLen = 253

// validDNSName reports whether s is a plausible host name.
func validDNSName(s string) bool {
	if s == "" || len(s) > maxDNSNameLen || s[0] == '.' || s[0] == '-' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.') {
			return false
		}
	}
	return !strings.Contains(s, "..")
}

// validPort reports whether p is a TCP port number, 1 to 65535.
func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return isDecimal(p) && err == nil && n >= 1 && n <= 65535
}

// isDecimal reports whether s is a non-empty run of ASCII digits.
func isDecimal(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
