package okta

import (
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/pipeline"
)

// Version is the version of this package, sent in the User-Agent.
const Version = "0.1.0"

// userAgent is the client's own User-Agent:
// okta-session-go/<version> go/<go version> <os>/<arch>.
var userAgent = "okta-session-go/" + Version + " go/" + strings.TrimPrefix(runtime.Version(), "go") + " " + runtime.GOOS + "/" + runtime.GOARCH

// APIClient talks to the Okta Session API. It is safe for concurrent use by
// many goroutines; create one per org and share it.
type APIClient struct {
	// SessionApi holds the Session operations.
	SessionApi *SessionApiService
	// UserSessionsApi holds the UserSessions operations.
	UserSessionsApi *UserSessionsApiService

	cfg      *Configuration     // private copy with defaults filled in, never changed after NewAPIClient
	cfgErr   error              // why the configuration is unusable; returned by every call
	base     string             // org URL without a trailing slash
	apiToken auth.Credential    // from Configuration.APIToken, or nil
	tokens   *auth.Provider     // the service app's tokens in "PrivateKey" mode, or nil
	pipe     *pipeline.Pipeline // sends every request
}

// NewAPIClient returns a client for cfg (nil means NewConfiguration()). It
// copies cfg, so later changes by the caller do not affect it.
//
// An invalid configuration does not panic: every call then returns what
// cfg.Validate would have (a *ValidationError, or several joined), before
// any I/O. Call Validate first to fail fast at start-up.
//
// When cfg.HTTPClient is nil the client gets its own http.Client, not
// http.DefaultClient: proxy from the environment, dial and TLS handshake
// timeouts, up to 100 idle connections kept per host (so many
// goroutines reuse connections instead of opening new ones), and no
// redirects followed, since no Session operation redirects and a redirect
// must never carry a credential elsewhere. A cfg.HTTPClient is used through
// a shallow copy whose CheckRedirect ends the call at a redirect off the
// org's origin (scheme and host), returning the 3xx as an *APIError, so that
// no request body (a session token), Authorization or default header ever
// reaches another host; redirects within the org go to the caller's own
// CheckRedirect. Configuration.AttemptTimeout and Timeout bound every call,
// whichever HTTP client sends it.
func NewAPIClient(cfg *Configuration) *APIClient {
	if cfg == nil {
		cfg = NewConfiguration()
	}
	cfg = cfg.clone()
	c := &APIClient{cfg: cfg}
	var keys *serviceAppKeys
	c.base, keys, c.cfgErr = cfg.validated()
	cfg.fillDefaults()
	var hc *http.Client
	if cfg.HTTPClient == nil {
		hc = NewHTTPClient()
	} else {
		hc = httpx.SameOriginOnly(cfg.HTTPClient, c.base)
	}
	if cfg.APIToken != "" {
		c.apiToken = auth.Authorization("SSWS " + cfg.APIToken)
	}
	if keys != nil && c.cfgErr == nil {
		c.tokens, c.cfgErr = c.newTokenProvider(keys)
	}
	c.pipe = c.newPipeline(hc)
	c.SessionApi = &SessionApiService{client: c}
	c.UserSessionsApi = &UserSessionsApiService{client: c}
	return c
}

// fullUserAgent is the User-Agent of every request of a client for cfg,
// token requests included: the client's own, then cfg.UserAgent.
func fullUserAgent(cfg *Configuration) string {
	if cfg.UserAgent == "" {
		return userAgent
	}
	return userAgent + " " + cfg.UserAgent
}

// String describes the client by its org URL only: the client holds the
// configuration's credentials, which fmt would otherwise print from its
// unexported fields.
func (c APIClient) String() string { return "APIClient{" + strconv.Quote(hideUserinfo(c.base)) + "}" }

// GoString is String, so that %#v does not print the credentials either.
func (c APIClient) GoString() string { return c.String() }

// LogValue describes the client to log/slog as String does.
func (c APIClient) LogValue() slog.Value {
	return slog.GroupValue(slog.String("BasePath", hideUserinfo(c.base)))
}
