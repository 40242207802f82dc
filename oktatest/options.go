package oktatest

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	clock       Clock
	idle        time.Duration
	maxLifetime time.Duration
	rateLimit   int
	concurrency int
	apiToken    string
	accessToken string
	addr        string
	apps        []ServiceApp
	authServer  *AuthServer // built by newOptions, with apps registered
}

// apiTokenLength is the length of a random API token after its "00" prefix,
// as Okta's are 42 characters long.
const apiTokenLength = 40

// newOptions applies opts over the defaults and checks the result.
func newOptions(opts []Option) (options, error) {
	o := options{
		clock:       realClock{},
		idle:        DefaultIdleTimeout,
		rateLimit:   DefaultRateLimit,
		concurrency: DefaultConcurrencyLimit,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.apiToken == "" {
		o.apiToken = newID("00", apiTokenLength)
	}
	o.authServer = NewAuthServer(o.clock)
	for _, app := range o.apps {
		if err := o.authServer.Register(app); err != nil {
			return o, err
		}
	}
	switch {
	case o.idle <= 0:
		return o, errors.New("idle timeout must be positive")
	case o.rateLimit <= 0 || o.concurrency <= 0:
		return o, errors.New("rate and concurrency limits must be positive")
	case o.maxLifetime < 0:
		return o, errors.New("the maximum lifetime must not be negative (0 is no cap)")
	}
	if err := checkToken("API token", o.apiToken, "SSWS"); err != nil {
		return o, err
	}
	if o.accessToken != "" {
		return o, checkToken("access token", o.accessToken, "Bearer")
	}
	return o, nil
}

// checkToken refuses a token that a client cannot send as the credential of
// an Authorization header: one that starts with its scheme (clients add
// it), or is not printable ASCII without spaces. The message never includes
// the token.
func checkToken(name, token, scheme string) error {
	switch {
	case len(token) > len(scheme) && strings.EqualFold(token[:len(scheme)+1], scheme+" "):
		return fmt.Errorf("the %s starts with %q: give the token alone; clients add the scheme", name, scheme+" ")
	case !usableToken(token):
		return fmt.Errorf("the %s must be printable ASCII with no space or control character (such as a newline)", name)
	}
	return nil
}

// WithClock makes the server tell time by c (see FakeClock).
func WithClock(c Clock) Option { return func(o *options) { o.clock = c } }

// WithIdleTimeout sets how long a session lives past its creation or last
// refresh (Okta's maxSessionIdleMinutes; default 120 minutes).
func WithIdleTimeout(d time.Duration) Option { return func(o *options) { o.idle = d } }

// WithMaxLifetime caps a session's life from its creation, whatever its
// refreshes (Okta's maxSessionLifetimeMinutes; default 0, no cap).
func WithMaxLifetime(d time.Duration) Option { return func(o *options) { o.maxLifetime = d } }

// WithRateLimit sets the per-minute limit of the /api/v1/sessions bucket
// (default 750).
func WithRateLimit(perMinute int) Option { return func(o *options) { o.rateLimit = perMinute } }

// WithConcurrencyLimit sets how many requests may be in flight at once
// (default 75).
func WithConcurrencyLimit(n int) Option { return func(o *options) { o.concurrency = n } }

// WithAPIToken sets the API token the server accepts (default: a random one).
func WithAPIToken(token string) Option { return func(o *options) { o.apiToken = token } }

// WithAccessToken makes the server also accept "Authorization: Bearer <token>"
// on Okta's routes; the control API under ControlPrefix takes the API token
// only.
func WithAccessToken(token string) Option { return func(o *options) { o.accessToken = token } }

// WithServiceApp registers an OAuth 2.0 service app with the server's
// authorization server (see AuthServer and NewServiceApp), so that it can
// get access tokens at TokenPath and call the session routes with them.
func WithServiceApp(app ServiceApp) Option {
	return func(o *options) { o.apps = append(o.apps, app) }
}

// WithAddr sets the address to listen on, such as "127.0.0.1:8089" or
// "localhost:8089" (which listens on 127.0.0.1); it must be a loopback
// address. The default is a free port on 127.0.0.1. NewInProcess refuses it.
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// usableToken reports whether a client can send t as the credential of an
// Authorization header: printable ASCII without spaces, so no scheme.
func usableToken(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] >= 0x7f {
			return false
		}
	}
	return t != ""
}
