package okta

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfiguration_baseURL(t *testing.T) {
	tests := []struct {
		name string
		cfg  Configuration
		want string
	}{
		{"subdomain and default domain", Configuration{BasePath: defaultBasePath, Subdomain: "dev-123456"}, "https://dev-123456.okta.com"},
		{"subdomain and domain", Configuration{BasePath: defaultBasePath, Subdomain: "acme", Domain: "oktapreview.com"}, "https://acme.oktapreview.com"},
		{"empty BasePath is the template", Configuration{Subdomain: "acme"}, "https://acme.okta.com"},
		{"org URL", Configuration{BasePath: "https://dev-123456.okta.com"}, "https://dev-123456.okta.com"},
		{"org URL with slash", Configuration{BasePath: "https://dev-123456.okta.com/"}, "https://dev-123456.okta.com"},
		{"port kept", Configuration{BasePath: "https://okta.internal:8443/"}, "https://okta.internal:8443"},
		{"path prefix kept", Configuration{BasePath: "https://gw.example.com/okta/"}, "https://gw.example.com/okta"},
		{"Host overrides", Configuration{BasePath: defaultBasePath, Subdomain: "acme", Host: "proxy.example.com:444"}, "https://proxy.example.com:444"},
		{"Scheme overrides for loopback", Configuration{BasePath: "https://127.0.0.1:8080", Scheme: "http"}, "http://127.0.0.1:8080"},
		{"http localhost", Configuration{BasePath: "http://localhost:9000"}, "http://localhost:9000"},
		{"http ::1", Configuration{BasePath: "http://[::1]:9000"}, "http://[::1]:9000"},
		{"upper-case scheme", Configuration{BasePath: "HTTPS://acme.okta.com"}, "https://acme.okta.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.orgURL()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestConfiguration_Validate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Configuration)
		field string
	}{
		{"unfilled subdomain", func(c *Configuration) { c.Subdomain = "" }, "BasePath"},
		{"stray placeholder", func(c *Configuration) { c.BasePath = "https://{org}.okta.com" }, "BasePath"},
		{"hostile subdomain", func(c *Configuration) { c.Subdomain = "evil.com/x?" }, "Subdomain"},
		{"hostile domain", func(c *Configuration) { c.Domain = "okta.com@evil.com" }, "Domain"},
		{"http to a remote host", func(c *Configuration) { c.BasePath = "http://acme.okta.com" }, "Scheme"},
		{"http via Scheme", func(c *Configuration) { c.Scheme = "http" }, "Scheme"},
		{"ftp", func(c *Configuration) { c.BasePath = "ftp://acme.okta.com" }, "Scheme"},
		{"no scheme", func(c *Configuration) { c.BasePath = "acme.okta.com" }, "BasePath"},
		{"user info", func(c *Configuration) { c.BasePath = "https://admin:pw@acme.okta.com" }, "BasePath"},
		{"query", func(c *Configuration) { c.BasePath = "https://acme.okta.com/?x=1" }, "BasePath"},
		{"fragment", func(c *Configuration) { c.BasePath = "https://acme.okta.com/#x" }, "BasePath"},
		{"not a URL", func(c *Configuration) { c.BasePath = "https://acme.okta.com:port/%zz" }, "BasePath"},
		{"bad Host", func(c *Configuration) { c.Host = "evil.com/path" }, "Host"},
		{"bad port", func(c *Configuration) { c.Host = "acme.okta.com:x" }, "Host"},
		{"port out of range", func(c *Configuration) { c.Host = "127.0.0.1:70000" }, "Host"},
		{"port past int64", func(c *Configuration) { c.Host = "127.0.0.1:99999999999999999999" }, "Host"},
		{"port 0", func(c *Configuration) { c.Host = "127.0.0.1:0" }, "Host"},
		{"typed nil Clock", func(c *Configuration) { var clk *testClock; c.Clock = clk }, "Clock"},
		{"typed nil Observer", func(c *Configuration) { var obs *recordingObserver; c.Observer = obs }, "Observer"},
		{"zero slog.Logger", func(c *Configuration) { c.Logger = &slog.Logger{} }, "Logger"},
		{"slog.Logger of a nil handler", func(c *Configuration) { c.Logger = slog.New((*slog.JSONHandler)(nil)) }, "Logger"},
		{"nil pointer Transport", func(c *Configuration) { c.HTTPClient = &http.Client{Transport: (*http.Transport)(nil)} }, "HTTPClient"},
		{"CRLF token", func(c *Configuration) { c.APIToken = "tok\r\nX-Evil: 1" }, "APIToken"},
		{"CRLF user agent", func(c *Configuration) { c.UserAgent = "me\r\nX-Evil: 1" }, "UserAgent"},
		{"Authorization default header", func(c *Configuration) { c.AddDefaultHeader("authorization", "SSWS x") }, "DefaultHeader"},
		{"Host default header", func(c *Configuration) { c.AddDefaultHeader("Host", "evil.com") }, "DefaultHeader"},
		{"bad header name", func(c *Configuration) { c.AddDefaultHeader("X Bad", "v") }, "DefaultHeader"},
		{"CRLF header value", func(c *Configuration) { c.AddDefaultHeader("X-Team", "a\nb") }, "DefaultHeader"},
		{"MaxRetries below NoRetries", func(c *Configuration) { c.MaxRetries = -2 }, "MaxRetries"},
		{"negative MaxRetryWait", func(c *Configuration) { c.MaxRetryWait = -time.Second }, "MaxRetryWait"},
		{"negative AttemptTimeout", func(c *Configuration) { c.AttemptTimeout = -time.Second }, "AttemptTimeout"},
		{"negative Timeout", func(c *Configuration) { c.Timeout = -time.Second }, "Timeout"},
		{"negative MaxConcurrency", func(c *Configuration) { c.MaxConcurrency = -1 }, "MaxConcurrency"},
		{"negative RateLimitFloor", func(c *Configuration) { c.RateLimitFloor = -1 }, "RateLimitFloor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := NewConfiguration()
			cfg.Subdomain = "acme"
			cfg.APIToken = testToken
			tt.edit(cfg)
			err := cfg.Validate()
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Empty(t, ve.Op)
			assert.NotContains(t, err.Error(), "X-Evil")
			assert.NotContains(t, err.Error(), "pw@")
		})
	}

	var nilCfg *Configuration
	var ve *ValidationError
	require.ErrorAs(t, nilCfg.Validate(), &ve)
	assert.Equal(t, "Configuration", ve.Field)
}

func TestNewAPIClient_copiesConfiguration(t *testing.T) {
	cfg := NewConfiguration()
	cfg.Subdomain = "acme"
	cfg.APIToken = testToken
	cfg.AddDefaultHeader("X-Team", "a")
	client := NewAPIClient(cfg)

	cfg.Subdomain = "other"
	cfg.APIToken = "changed"
	cfg.AddDefaultHeader("X-Team", "b")
	assert.Equal(t, "https://acme.okta.com", client.base)
	assert.Equal(t, auth.Authorization("SSWS "+testToken), client.apiToken)
	assert.Equal(t, "a", client.cfg.DefaultHeader["X-Team"])
}

// Zero means the default for every field: a Configuration literal and
// NewConfiguration() make the same client. NoRetries turns retries off.
func TestConfiguration_zeroMeansDefault(t *testing.T) {
	literal := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com"}).cfg
	made := NewConfiguration()
	made.BasePath = "https://acme.okta.com"
	fromNew := NewAPIClient(made).cfg
	for _, c := range []*Configuration{literal, fromNew} {
		assert.Equal(t, DefaultMaxRetries, c.MaxRetries)
		assert.Equal(t, DefaultMaxRetryWait, c.MaxRetryWait)
		assert.Equal(t, DefaultAttemptTimeout, c.AttemptTimeout)
		assert.Equal(t, DefaultTimeout, c.Timeout)
		assert.Equal(t, realClock{}, c.Clock)
	}
	none := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", MaxRetries: NoRetries})
	assert.Zero(t, none.cfg.MaxRetries)
	assert.NoError(t, (&Configuration{BasePath: "https://acme.okta.com", MaxRetries: NoRetries}).Validate())
	assert.Nil(t, NewAPIClient(&Configuration{BasePath: "https://acme.okta.com"}).pipe.Throttle, "throttling is off by default")
}

func TestNewAPIClient_httpClient(t *testing.T) {
	client := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com"})
	assert.NotSame(t, http.DefaultClient, client.pipe.HTTPClient)
	tr, ok := client.pipe.HTTPClient.Transport.(*http.Transport)
	require.True(t, ok)
	assert.GreaterOrEqual(t, tr.MaxIdleConnsPerHost, 64, "too few idle connections per host for concurrent callers")
	assert.NotNil(t, tr.Proxy)
	assert.NotZero(t, tr.TLSHandshakeTimeout)

	mine := &http.Client{Timeout: time.Minute}
	client = NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", HTTPClient: mine})
	assert.NotSame(t, mine, client.pipe.HTTPClient, "the caller's client is used through a copy")
	assert.Equal(t, time.Minute, client.pipe.HTTPClient.Timeout)
	assert.Nil(t, mine.Transport, "the caller's client was changed")
	assert.Nil(t, mine.CheckRedirect, "the caller's client was changed")

	assert.NotNil(t, NewAPIClient(nil).SessionApi, "nil configuration")
}
