package config

import (
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// orgURLExample ends the org URL messages.
const orgURLExample = "; want your org URL, such as https://dev-123456.okta.com"

// OrgURL resolves the org URL from BasePath, Subdomain, Domain, Scheme and
// Host, and checks it: the mistakes Okta's users make most first, each
// with a message that says what to do, then the URL's form.
func (f *Fields) OrgURL() (string, *Problem) {
	if strings.Contains(f.BasePath, "{yourOktaDomain}") {
		return "", basePathError("still holds the placeholder {yourOktaDomain}: replace it with your Okta domain" + orgURLExample)
	}
	raw, ve := f.fillBasePath()
	switch {
	case ve != nil:
		return "", ve
	case !strings.Contains(raw, "://"):
		return "", basePathError("has no scheme: start it with https://" + orgURLExample)
	case strings.Contains(strings.ToLower(raw), ".com.com"):
		return "", basePathError("contains .com.com: remove the repeated .com" + orgURLExample)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", basePathError("is not a valid URL")
	}
	if f.Scheme != "" {
		u.Scheme = f.Scheme
	}
	if f.Host != "" {
		u.Host = f.Host
	}
	if ve := checkURLForm(u); ve != nil {
		return "", ve
	}
	if reason := notOrgURL(u); reason != "" {
		return "", basePathError(reason + orgURLExample)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// DefaultBasePath is the org URL template of the Management API, the
// default of BasePath.
const DefaultBasePath = "https://{subdomain}.{domain}"

// DefaultDomain fills {domain} when Domain is empty.
const DefaultDomain = "okta.com"

// basePathError is a *Problem of BasePath.
func basePathError(reason string) *Problem {
	return &Problem{Field: "BasePath", Reason: reason}
}

// checkURLForm checks what the org URL u is made of: a host without user
// information, no query or fragment, a port in range, and https (http for
// loopback hosts only).
func checkURLForm(u *url.URL) *Problem {
	switch {
	case u.User != nil:
		return basePathError("must not hold user information")
	case u.Host == "" || u.Hostname() == "":
		return basePathError("has no host" + orgURLExample)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return basePathError("must not have a query or fragment")
	case u.Opaque != "":
		return basePathError("is not a valid URL")
	}
	if h := u.Hostname(); !validDNSName(h) && net.ParseIP(h) == nil {
		return &Problem{Field: "Host", Reason: "is not a valid host name"}
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return &Problem{Field: "Host", Reason: "has an invalid port"}
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return &Problem{Field: "Scheme", Reason: "http is allowed only for loopback hosts; use https"}
		}
	default:
		return &Problem{Field: "Scheme", Reason: "must be https (or http for loopback hosts)"}
	}
	return nil
}

// oktaDomains are the domains of Okta's orgs, whose Admin Console is at
// <org>-admin.<domain>.
var oktaDomains = []string{"okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com"}

// notOrgURL says why u, a well-formed URL, is another Okta URL than the
// org's: the Admin Console's, an authorization server's issuer, or an API
// path; "" when it is none of these. Calls to such a URL answer 404.
func notOrgURL(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	for _, d := range oktaDomains {
		if strings.HasSuffix(host, "-admin."+d) {
			return "is the Admin Console's URL: remove -admin from the host"
		}
	}
	path := strings.ToLower(strings.TrimRight(u.Path, "/"))
	switch {
	case slices.Contains(strings.Split(path, "/"), "oauth2"):
		return "is an authorization server's issuer URL (/oauth2/...), not the org URL: remove the path"
	case strings.HasSuffix(path, "/api/v1"):
		return "ends in /api/v1: give the org URL alone; the client adds the API's path"
	}
	return ""
}

// fillBasePath returns BasePath (or its default) with {subdomain} and
// {domain} filled in.
func (f *Fields) fillBasePath() (string, *Problem) {
	raw := f.BasePath
	if raw == "" {
		raw = DefaultBasePath
	}
	if raw == DefaultBasePath && f.Subdomain == "" {
		return "", basePathError("is not set: set it to your org URL, such as https://dev-123456.okta.com, or set Subdomain")
	}
	domain := f.Domain
	if domain == "" {
		domain = DefaultDomain
	}
	for _, v := range []struct{ field, placeholder, value string }{
		{"Subdomain", "{subdomain}", f.Subdomain},
		{"Domain", "{domain}", domain},
	} {
		if v.value == "" || !strings.Contains(raw, v.placeholder) {
			continue
		}
		if !validDNSName(v.value) {
			return "", &Problem{Field: v.field, Reason: "is not a DNS name (letters, digits, '-' and '.')"}
		}
		raw = strings.ReplaceAll(raw, v.placeholder, v.value)
	}
	if strings.ContainsAny(raw, "{}") {
		return "", basePathError("has an unfilled {placeholder}: set Subdomain, or set BasePath to the org URL")
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
	n, err := strconv.ParseUint(p, 10, 16) // digits only: no sign
	return err == nil && n >= 1
}
