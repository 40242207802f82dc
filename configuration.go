package okta

import (
	"crypto"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// contextKey is the type of the context keys this package defines.
type contextKey string

// String names the key for debugging.
func (c contextKey) String() string { return "okta context key " + string(c) }

// Context keys that carry a per-call credential. A credential on the context
// wins over Configuration.APIToken; when several are set, ContextOAuth2 wins,
// then ContextAccessToken, then ContextAPIKey. They are constants so that
// looking them up costs no allocation.
const (
	// ContextOAuth2 takes an oauth2.TokenSource; its access token is sent as
	// "Authorization: Bearer <token>".
	ContextOAuth2 = contextKey("token")
	// ContextAccessToken takes an access token string, sent as
	// "Authorization: Bearer <token>".
	ContextAccessToken = contextKey("accesstoken")
	// ContextAPIKey takes an APIKey, sent as "Authorization: <Prefix> <Key>".
	ContextAPIKey = contextKey("apikey")
)

// APIKey is an API key credential for ContextAPIKey. An empty Prefix means
// "SSWS", the scheme Okta API tokens use.
type APIKey struct {
	// Key is the API token (an admin credential).
	Key string
	// Prefix is the Authorization scheme; empty means "SSWS".
	Prefix string
}

// String describes the key without revealing it.
func (k APIKey) String() string { return "APIKey{Prefix: " + k.Prefix + ", Key: " + mask(k.Key) + "}" }

// GoString is String, so that %#v does not print the key either.
func (k APIKey) GoString() string { return k.String() }

// defaultBasePath is the org URL template of the Okta Management API.
const defaultBasePath = "https://{subdomain}.{domain}"

// defaultDomain fills {domain} when Configuration.Domain is empty.
const defaultDomain = "okta.com"

// Configuration holds what an APIClient needs. NewAPIClient copies it, so a
// caller may change or reuse it afterwards without racing with requests.
//
// The org URL is BasePath with {subdomain} and {domain} filled from Subdomain
// and Domain; or set BasePath to the org URL itself, such as
// "https://dev-123456.okta.com" (a trailing slash and a port are fine). Scheme
// and Host, when set, replace those parts of the resulting URL. Only https is
// accepted, except http for loopback hosts (127.0.0.0/8, ::1, localhost).
//
// String and GoString never print APIToken or header values, so a
// Configuration is safe to log with %v, %+v and %#v.
type Configuration struct {
	// BasePath is the org URL or a template of it; NewConfiguration sets
	// "https://{subdomain}.{domain}".
	BasePath string
	// Subdomain fills {subdomain} in BasePath, such as "dev-123456".
	Subdomain string
	// Domain fills {domain} in BasePath; empty means "okta.com".
	Domain string
	// Host, when set, replaces the host (and port) of the org URL.
	Host string
	// Scheme, when set, replaces the scheme of the org URL.
	Scheme string
	// DefaultHeader holds headers set on every request. Authorization and Host
	// may not be set here; the client's own Accept, Content-Type and User-Agent
	// take precedence.
	DefaultHeader map[string]string
	// UserAgent is appended to the client's own User-Agent,
	// "okta-session-go/<version> go/<go version> <os>/<arch>".
	UserAgent string
	// HTTPClient sends the requests; nil means a client tuned for this API (see
	// NewAPIClient). A client given here is used as it is.
	HTTPClient *http.Client
	// APIToken is the Okta API token sent as "Authorization: SSWS <token>" when
	// the context carries no credential. It is an admin credential.
	APIToken string
	// TokenSource, when set, supplies OAuth 2.0 access tokens sent as
	// "Authorization: Bearer <token>" when the context carries no credential.
	TokenSource oauth2.TokenSource
	// AuthorizationMode is "SSWS", "Bearer" or "PrivateKey", as Okta's SDKs
	// spell it; empty means the mode the other credential fields imply.
	AuthorizationMode string
	// ClientID is the OAuth 2.0 service app's client id ("PrivateKey" mode).
	ClientID string
	// Scopes are the OAuth 2.0 scopes requested ("PrivateKey" mode), such as
	// "okta.sessions.read" and "okta.sessions.manage".
	Scopes []string
	// PrivateKey is the service app's private key ("PrivateKey" mode): PEM
	// (PKCS#1, PKCS#8 or SEC1; RSA or EC P-256) or a private JWK as JSON. It
	// is a secret.
	PrivateKey string
	// PrivateKeyID is the key's id (the JWT "kid"), when the app has several.
	PrivateKeyID string
	// DPoPKey binds the access tokens of "PrivateKey" mode to this client
	// (DPoP, RFC 9449): an EC P-256 or RSA (2048 bits or more) crypto.Signer,
	// such as a key held in a KMS. nil means a P-256 key the client
	// generates, which suits most uses.
	DPoPKey crypto.Signer

	// MaxRetries is how many times a failed call may be retried (see the
	// README's "Rate limits and retries"); NewConfiguration sets 2, and 0
	// means never.
	MaxRetries int
	// MaxRetryWait is the longest wait before one retry; a 429 whose reset is
	// further away is returned at once. 0 means 30 s.
	MaxRetryWait time.Duration
	// AttemptTimeout bounds one attempt: connecting, sending and reading the
	// whole answer. 0 means 15 s.
	AttemptTimeout time.Duration
	// Timeout bounds a whole call, retries and waits included; the context's
	// deadline, when earlier, wins. 0 means 60 s.
	Timeout time.Duration
	// MaxConcurrency caps the calls of one APIClient in flight at once, to
	// stay under Okta's concurrency limit (75 by default) when several clients
	// share an org. 0 means no cap.
	MaxConcurrency int
	// RateLimitFloor makes calls wait for the rate-limit window to reset once
	// X-Rate-Limit-Remaining has fallen to this many, instead of spending the
	// last requests of the window and earning 429s. 0 means off.
	RateLimitFloor int
	// Clock is the time source of retry waits and throttling; nil means the
	// real clock. Tests set oktatest.FakeClock here so that waits take no time.
	Clock Clock
}

// Clock tells the time and waits; see Configuration.Clock.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// Defaults of the resilience settings.
const (
	DefaultMaxRetries     = 2
	DefaultMaxRetryWait   = 30 * time.Second
	DefaultAttemptTimeout = 15 * time.Second
	DefaultTimeout        = 60 * time.Second
)

// NewConfiguration returns a Configuration with the documented defaults:
// BasePath "https://{subdomain}.{domain}", Domain "okta.com" and MaxRetries 2
// (the other zero values stand for their defaults). Set Subdomain (or
// BasePath) and APIToken before use.
func NewConfiguration() *Configuration {
	return &Configuration{
		BasePath:      defaultBasePath,
		Domain:        defaultDomain,
		DefaultHeader: make(map[string]string),
		MaxRetries:    DefaultMaxRetries,
	}
}

// AddDefaultHeader sets a header sent on every request, replacing any earlier
// value for the same key.
func (c *Configuration) AddDefaultHeader(key, value string) {
	if c.DefaultHeader == nil {
		c.DefaultHeader = make(map[string]string)
	}
	c.DefaultHeader[key] = value
}

// Validate reports the first problem that would make every request fail, as a
// *ValidationError, so that a service can fail fast at start-up. It checks the
// org URL, the API token's form and the default headers. It does not require
// APIToken, since a credential may come with each call's context.
func (c *Configuration) Validate() error {
	_, err := c.validated()
	return err
}

// validated checks c and returns the org URL without a trailing slash.
func (c *Configuration) validated() (string, error) {
	if c == nil {
		return "", &ValidationError{Field: "Configuration", Reason: "is nil"}
	}
	base, err := c.baseURL()
	if err != nil {
		return "", err
	}
	if c.APIToken != "" {
		if err := checkCredential("APIToken", c.APIToken); err != nil {
			return "", err
		}
	}
	for _, v := range []struct {
		field string
		bad   bool
	}{
		{"MaxRetries", c.MaxRetries < 0},
		{"MaxRetryWait", c.MaxRetryWait < 0},
		{"AttemptTimeout", c.AttemptTimeout < 0},
		{"Timeout", c.Timeout < 0},
		{"MaxConcurrency", c.MaxConcurrency < 0},
		{"RateLimitFloor", c.RateLimitFloor < 0},
	} {
		if v.bad {
			return "", &ValidationError{Field: v.field, Reason: "is negative"}
		}
	}
	if !validHeaderValue(c.UserAgent) {
		return "", &ValidationError{Field: "UserAgent", Reason: "contains a control character"}
	}
	for k, v := range c.DefaultHeader {
		switch {
		case !validHeaderName(k):
			return "", &ValidationError{Field: "DefaultHeader", Reason: fmt.Sprintf("%q is not a valid header name", k)}
		case strings.EqualFold(k, "Authorization"), strings.EqualFold(k, "Host"):
			return "", &ValidationError{Field: "DefaultHeader", Reason: k + " may not be set here; use APIToken or a context credential"}
		case !validHeaderValue(v):
			return "", &ValidationError{Field: "DefaultHeader", Reason: "the value of " + k + " contains a control character"}
		}
	}
	return base, nil
}

// baseURL resolves the org URL from BasePath, Subdomain, Domain, Scheme and Host.
func (c *Configuration) baseURL() (string, error) {
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
	if p := u.Port(); p != "" && !isDecimal(p) {
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

// String describes the configuration without its secrets: the API token and
// the default header values are masked.
func (c Configuration) String() string {
	return fmt.Sprintf("Configuration{BasePath: %q, Subdomain: %q, Domain: %q, Host: %q, Scheme: %q, DefaultHeader: %v, UserAgent: %q, HTTPClient: %t, APIToken: %s, MaxRetries: %d, MaxRetryWait: %v, AttemptTimeout: %v, Timeout: %v, MaxConcurrency: %d, RateLimitFloor: %d}",
		c.BasePath, c.Subdomain, c.Domain, c.Host, c.Scheme, slices.Sorted(maps.Keys(c.DefaultHeader)), c.UserAgent, c.HTTPClient != nil, mask(c.APIToken),
		c.MaxRetries, c.MaxRetryWait, c.AttemptTimeout, c.Timeout, c.MaxConcurrency, c.RateLimitFloor)
}

// GoString is String, so that %#v does not print secrets either.
func (c Configuration) GoString() string { return c.String() }

// clone returns a deep enough copy of c for NewAPIClient.
func (c *Configuration) clone() *Configuration {
	cp := *c
	cp.DefaultHeader = maps.Clone(c.DefaultHeader)
	cp.Scopes = slices.Clone(c.Scopes)
	return &cp
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

// validDNSName reports whether s is a plausible host name.
func validDNSName(s string) bool {
	if s == "" || len(s) > 253 || s[0] == '.' || s[0] == '-' || s[len(s)-1] == '.' {
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

// isDecimal reports whether s is a non-empty run of ASCII digits.
func isDecimal(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
