package okta

import (
	"crypto"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/oktasessions/okta-session-go/internal/config"
)

// contextKey is the type of the context keys this package defines.
type contextKey string

// String names the key for debugging.
func (c contextKey) String() string { return "okta context key " + string(c) }

// Context keys that carry a per-call credential. A credential on the context
// wins over the Configuration's (APIToken, TokenSource or the service app of
// "PrivateKey" mode); when several are set, ContextOAuth2 wins, then
// ContextAccessToken, then ContextAPIKey. Of these, CreateSession takes
// only ContextAPIKey (then APIToken, else it goes anonymously): no Okta
// document says it accepts an access token. They are constants so that looking them up costs no
// allocation.
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
func (k APIKey) String() string {
	return "APIKey{Prefix: " + strconv.Quote(k.Prefix) + ", Key: " + strconv.Quote(hidden(k.Key)) + "}"
}

// GoString is String, so that %#v does not print the key either.
func (k APIKey) GoString() string { return k.String() }

// LogValue describes the key to log/slog without revealing it.
func (k APIKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("Prefix", k.Prefix), slog.String("Key", hidden(k.Key)))
}

// defaultBasePath is the org URL template of the Okta Management API.
const defaultBasePath = config.DefaultBasePath

// defaultDomain fills {domain} when Configuration.Domain is empty.
const defaultDomain = config.DefaultDomain

// Configuration holds what an APIClient needs. NewAPIClient copies it, so a
// caller may change or reuse it afterwards without racing with requests.
//
// The org URL is BasePath with {subdomain} and {domain} filled from Subdomain
// and Domain; or set BasePath to the org URL itself, such as
// "https://dev-123456.okta.com" (a trailing slash and a port are fine). Scheme
// and Host, when set, replace those parts of the resulting URL. Only https is
// accepted, except http for loopback hosts (127.0.0.0/8, ::1, localhost).
//
// String, GoString, LogValue and MarshalJSON show the values in force (a
// zero field's default, the implied AuthorizationMode) and never show APIToken,
// PrivateKey, header values or a password in BasePath or Host, so a
// Configuration is safe to log with fmt's verbs and log/slog, and to marshal
// to JSON.
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
	// NewAPIClient), as NewHTTPClient returns one to wrap. A client given here
	// is used as it is, but for the redirect rule NewAPIClient adds.
	HTTPClient *http.Client
	// APIToken is the Okta API token sent as "Authorization: SSWS <token>" when
	// the context carries no credential. It is an admin credential.
	APIToken string
	// TokenSource, when set, supplies OAuth 2.0 access tokens sent as
	// "Authorization: Bearer <token>" when the context carries no credential.
	// Its Token is called once per call (the call's retries share the
	// token), so it should cache, as oauth2.ReuseTokenSource does.
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
	// (PKCS#1, PKCS#8 or SEC1; RSA or EC P-256; on one line, its line
	// breaks may be written as \n or spaces) or a private JWK as JSON, or
	// the path of a file holding it (relative to the working directory),
	// which Validate and NewAPIClient read. It is a secret.
	PrivateKey string
	// PrivateKeyID is the key's id (the JWT "kid"), when the app has several.
	PrivateKeyID string
	// DPoPKey binds the access tokens of "PrivateKey" mode to this client
	// (DPoP, RFC 9449): an EC P-256 or RSA (2048 to 4096 bits)
	// crypto.Signer, such as a key held in a KMS. nil means a P-256 key the
	// client generates, which suits most uses.
	DPoPKey crypto.Signer

	// MaxRetries is how many times a failed call may be retried; 0 means
	// DefaultMaxRetries and NoRetries means never. Which failures are retried
	// is in the documentation of SessionApiService.
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
	// last requests of the window and earning 429s; one wait lasts at most a
	// minute, plus up to 0.5 s of jitter. 0 means off.
	RateLimitFloor int
	// Clock is the time source of retry waits, throttling and the RetryAt of
	// errors; nil means the real clock. Tests set oktatest.FakeClock here so
	// that waits take no time.
	Clock Clock
	// Logger receives the client's log records (one made by slog.New); nil
	// is silent and costs nothing. Debug: one record per attempt sent ("okta: attempt": op,
	// method, path with the session id shortened, attempt, status, outcome,
	// duration, request_id, rate_limit_remaining, error) and per OAuth 2.0
	// token fetch that worked or was the DPoP nonce exchange. Warn: every
	// wait ("okta: retrying" before a retry, "okta: waiting" in the throttle:
	// op, reason, wait, attempt, status), a failed token fetch, and one
	// "okta: call failed" (op, reason, attempts, status, outcome, error) when
	// a call fails after a failure worth a retry (its retries spent, or a
	// retry it could not make). No record holds a credential, cookie, session
	// token or whole session id. The call's context is passed to the
	// handler. LoadConfiguration sets it to the logger given with WithLogger.
	Logger *slog.Logger
	// Observer receives an event for every call, attempt and wait, for
	// metrics (see Observer); nil observes nothing and costs nothing.
	Observer Observer
}

// Clock tells the time and waits; see Configuration.Clock.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// Defaults of the resilience settings: what their zero values stand for.
const (
	// DefaultMaxRetries is the retries of a call when MaxRetries is 0.
	DefaultMaxRetries = 2
	// DefaultMaxRetryWait is the longest wait before a retry when
	// MaxRetryWait is 0.
	DefaultMaxRetryWait = 30 * time.Second
	// DefaultAttemptTimeout bounds one attempt when AttemptTimeout is 0.
	DefaultAttemptTimeout = 15 * time.Second
	// DefaultTimeout bounds a whole call when Timeout is 0.
	DefaultTimeout = 60 * time.Second
)

// NoRetries is the MaxRetries that turns retries off: every call makes one
// attempt. (MaxRetries 0 means DefaultMaxRetries, as every zero field of a
// Configuration means its default.)
const NoRetries = -1

// NewConfiguration returns a Configuration with the documented defaults
// spelled out: BasePath "https://{subdomain}.{domain}", Domain "okta.com" and
// MaxRetries 2. A Configuration literal behaves the same, since every zero
// field stands for its default. Set Subdomain (or BasePath) and APIToken
// before use.
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

// Validate reports every problem that would make every request fail, so
// that a service can fail fast at start-up: a *ValidationError for one, or
// an error joining them (errors.Join) for several, each a *ValidationError
// naming its Field; errors.As finds the first. It checks the org URL (the
// mistakes of LoadConfiguration's rules too: no https://, the Admin
// Console's or an issuer's URL), the settings, the default headers and the
// credential fields against AuthorizationMode: each mode's fields present
// and well formed (an APIToken without "SSWS ", in "PrivateKey" mode the key
// read and parsed), no fields of two modes at once. It does not require a
// credential, since one may come with each call's context.
func (c *Configuration) Validate() error {
	_, err := c.orgURL()
	return err
}

// orgURL checks every field of c, as Validate does, and returns the org URL
// without a trailing slash.
func (c *Configuration) orgURL() (string, error) {
	base, _, err := c.validated()
	return base, err
}

// validated is orgURL, also returning the keys of "PrivateKey" mode that the
// checks built (see validateAuthorization), so that NewAPIClient parses
// them once.
func (c *Configuration) validated() (string, *serviceAppKeys, error) {
	if c == nil {
		return "", nil, &ValidationError{Field: "Configuration", Reason: "is nil"}
	}
	var p problems
	f := c.fields()
	base, fp := f.OrgURL()
	if fp != nil {
		p.add(fp)
	}
	keys, err := c.validateAuthorization()
	p.addErr(err)
	p.add(f.CheckSettings()...)
	c.validateObjects(&p)
	c.validateHeaders(&p)
	if err := p.err(); err != nil {
		return "", nil, err
	}
	return base, keys, nil
}

// validateObjects checks the hooks and the HTTP client.
func (c *Configuration) validateObjects(p *problems) {
	// A typed nil, or a slog.Logger without a handler, would panic on the
	// first use, in every call.
	if c.Clock != nil && isNil(c.Clock) {
		p.addField("Clock", "is a nil pointer; leave it nil for the real clock")
	}
	if c.Observer != nil && isNil(c.Observer) {
		p.addField("Observer", "is a nil pointer; leave it nil for none")
	}
	if !usableLogger(c.Logger) {
		p.addField("Logger", "has no handler; make it with slog.New, or leave it nil")
	}
	if c.HTTPClient != nil && c.HTTPClient.Transport != nil && isNil(c.HTTPClient.Transport) {
		p.addField("HTTPClient", "has a nil pointer as its Transport; leave Transport nil for Go's default")
	}
}

// validateHeaders checks UserAgent and DefaultHeader, in name order.
func (c *Configuration) validateHeaders(p *problems) {
	if !validHeaderValue(c.UserAgent) {
		p.addField("UserAgent", "contains a control character")
	}
	for _, k := range slices.Sorted(maps.Keys(c.DefaultHeader)) {
		switch {
		case !validHeaderName(k):
			// The name is not shown whole: a caller who wrote
			// "X-Api-Key: <secret>" as the name put a secret in it.
			p.addField("DefaultHeader", "a header name is not a valid token: "+shortID(k))
		case strings.EqualFold(k, "Authorization"), strings.EqualFold(k, "Host"):
			p.addField("DefaultHeader", http.CanonicalHeaderKey(k)+" may not be set here; use APIToken or a context credential")
		case !validHeaderValue(c.DefaultHeader[k]):
			p.addField("DefaultHeader", "the value of "+shortID(k)+" contains a control character")
		}
	}
}

// clone returns a deep enough copy of c for NewAPIClient.
func (c *Configuration) clone() *Configuration {
	cp := *c
	cp.DefaultHeader = maps.Clone(c.DefaultHeader)
	cp.Scopes = slices.Clone(c.Scopes)
	return &cp
}

// fillDefaults replaces the zero values of the resilience settings and the
// clock with their defaults, for NewAPIClient's private copy.
func (c *Configuration) fillDefaults() {
	c.fillResilience()
	if c.Clock == nil {
		c.Clock = realClock{}
	}
}

// fillResilience replaces the zero values of the resilience settings with
// their defaults. MaxRetries becomes the number of retries: NoRetries turns
// into 0.
func (c *Configuration) fillResilience() {
	switch c.MaxRetries {
	case 0:
		c.MaxRetries = DefaultMaxRetries
	case NoRetries:
		c.MaxRetries = 0
	}
	for _, d := range []struct {
		field *time.Duration
		def   time.Duration
	}{
		{&c.MaxRetryWait, DefaultMaxRetryWait},
		{&c.AttemptTimeout, DefaultAttemptTimeout},
		{&c.Timeout, DefaultTimeout},
	} {
		if *d.field == 0 {
			*d.field = d.def
		}
	}
}
