package okta

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/internal/config"
)

// TestLoadConfiguration_rules gives every rule one bad value, from a variable
// or from ./.okta.yaml, over a valid ~/.okta/okta.yaml, and checks that it is
// the one *ConfigError, naming the variable or the file and key.
func TestLoadConfiguration_rules(t *testing.T) {
	const (
		env  = "env"
		file = "file"
	)
	tests := []struct {
		name  string
		from  string // env: a "NAME=value" entry; file: the lines under okta.client, or a whole file when it starts with "!"
		input string
		key   string // the variable or the YAML key at fault
		field string
		cause error
	}{
		// The org URL.
		{"org URL empty", env, "OKTA_CLIENT_ORGURL=", "OKTA_CLIENT_ORGURL", "BasePath", nil},
		{"org URL blank", file, "orgUrl: ' '", "okta.client.orgUrl", "BasePath", nil},
		{"org URL null", file, "orgUrl:", "okta.client.orgUrl", "BasePath", nil},
		{"org URL placeholder", env, "OKTA_CLIENT_ORGURL=https://{yourOktaDomain}", "OKTA_CLIENT_ORGURL", "BasePath", nil},
		{"org URL of the Admin Console", env, "OKTA_CLIENT_ORGURL=https://dev-123456-admin.okta.com", "OKTA_CLIENT_ORGURL", "BasePath", nil},
		{"org URL of a preview Admin Console", file, "orgUrl: https://acme-admin.oktapreview.com/", "okta.client.orgUrl", "BasePath", nil},
		{"org URL with .com.com", env, "OKTA_CLIENT_ORGURL=https://dev-123456.okta.com.com", "OKTA_CLIENT_ORGURL", "BasePath", nil},
		{"org URL over http", env, "OKTA_CLIENT_ORGURL=http://dev-123456.okta.com", "OKTA_CLIENT_ORGURL", "BasePath", &ValidationError{}},
		{"org URL without scheme", file, "orgUrl: dev-123456.okta.com", "okta.client.orgUrl", "BasePath", nil},
		{"org URL with user info", env, "OKTA_CLIENT_ORGURL=https://me:pw@dev-123456.okta.com", "OKTA_CLIENT_ORGURL", "BasePath", &ValidationError{}},
		{"org URL with a query", file, "orgUrl: https://dev-123456.okta.com/?a=b", "okta.client.orgUrl", "BasePath", &ValidationError{}},
		{"org URL as a list", file, "orgUrl: [" + orgURL + "]", "okta.client.orgUrl", "BasePath", nil},
		// The token.
		{"token empty", env, "OKTA_CLIENT_TOKEN=", "OKTA_CLIENT_TOKEN", "APIToken", nil},
		{"token placeholder", file, "token: '{apiToken}'", "okta.client.token", "APIToken", nil},
		{"token with the scheme", env, "OKTA_CLIENT_TOKEN=SSWS 00abc", "OKTA_CLIENT_TOKEN", "APIToken", nil},
		{"token with a control character", file, `token: "00abc\u0000"`, "okta.client.token", "APIToken", nil},
		{"token as a mapping", file, "token: {a: b}", "okta.client.token", "APIToken", nil},
		// OAuth 2.0.
		{"unknown mode", env, "OKTA_CLIENT_AUTHORIZATIONMODE=Basic", "OKTA_CLIENT_AUTHORIZATIONMODE", "AuthorizationMode", nil},
		{"client id with a control character", env, "OKTA_CLIENT_CLIENTID=0oa\n1", "OKTA_CLIENT_CLIENTID", "ClientID", nil},
		{"key id empty", file, "privateKeyId: ''", "okta.client.privateKeyId", "PrivateKeyID", nil},
		{"empty scope", env, "OKTA_CLIENT_SCOPES=okta.sessions.read,,okta.sessions.manage", "OKTA_CLIENT_SCOPES", "Scopes", nil},
		{"space-separated scopes", env, "OKTA_CLIENT_SCOPES=okta.sessions.read okta.sessions.manage", "OKTA_CLIENT_SCOPES", "Scopes", nil},
		{"a quote in a scope", env, `OKTA_CLIENT_SCOPES=okta."x"`, "OKTA_CLIENT_SCOPES", "Scopes", nil},
		{"empty scope list", file, "scopes: []", "okta.client.scopes", "Scopes", nil},
		{"scope list of lists", file, "scopes: [[a]]", "okta.client.scopes", "Scopes", nil},
		{"private key file missing", env, "OKTA_CLIENT_PRIVATEKEY=missing.pem", "OKTA_CLIENT_PRIVATEKEY", "PrivateKey", fs.ErrNotExist},
		{"private key file not a key", file, "privateKey: notakey.pem", "okta.client.privateKey", "PrivateKey", nil},
		{"private key path a directory", env, "OKTA_CLIENT_PRIVATEKEY=" + os.TempDir(), "OKTA_CLIENT_PRIVATEKEY", "PrivateKey", config.ErrNotRegular},
		{"private key inline, not a key", env, "OKTA_CLIENT_PRIVATEKEY=-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "OKTA_CLIENT_PRIVATEKEY", "PrivateKey", nil},
		{"private key encrypted", env, "OKTA_CLIENT_PRIVATEKEY=-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----", "OKTA_CLIENT_PRIVATEKEY", "PrivateKey", nil},
		{"private key a public JWK", file, `privateKey: '{"kty":"EC","crv":"P-256","x":"a","y":"b"}'`, "okta.client.privateKey", "PrivateKey", nil},
		// Numbers.
		{"timeout not a number", env, "OKTA_CLIENT_REQUEST_TIMEOUT=30s", "OKTA_CLIENT_REQUEST_TIMEOUT", "Timeout", nil},
		{"timeout fractional", file, "requestTimeout: 1.5", "okta.client.requestTimeout", "Timeout", nil},
		{"timeout negative", env, "OKTA_CLIENT_REQUEST_TIMEOUT=-1", "OKTA_CLIENT_REQUEST_TIMEOUT", "Timeout", nil},
		{"timeout overflowing", env, "OKTA_CLIENT_REQUEST_TIMEOUT=9223372036854775807", "OKTA_CLIENT_REQUEST_TIMEOUT", "Timeout", nil},
		{"max retries negative", file, "rateLimit: {maxRetries: -1}", "okta.client.rateLimit.maxRetries", "MaxRetries", nil},
		{"max retries too large", env, "OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES=99999999999", "OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES", "MaxRetries", nil},
		{"max retries a word", env, "OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES=two", "OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES", "MaxRetries", nil},
		{"max backoff negative", env, "OKTA_CLIENT_RATE_LIMIT_MAX_BACKOFF=-30", "OKTA_CLIENT_RATE_LIMIT_MAX_BACKOFF", "MaxRetryWait", nil},
		{"max backoff empty", file, "rateLimit: {maxBackoff: }", "okta.client.rateLimit.maxBackoff", "MaxRetryWait", nil},
		// Unknown names.
		{"unknown variable", env, "OKTA_CLIENT_ORG_URL=" + orgURL, "OKTA_CLIENT_ORG_URL", "", nil},
		{"unknown key", file, "orgURL: " + orgURL, "okta.client.orgURL", "", nil},
		{"unknown rate-limit key", file, "rateLimit: {maxRetry: 3}", "okta.client.rateLimit.maxRetry", "", nil},
		{"rateLimit not a mapping", file, "rateLimit: 3", "okta.client.rateLimit", "", nil},
		{"unknown section", file, "!okta:\n  clinet:\n    token: x\n", "okta.clinet", "", nil},
		{"unknown top-level key", file, "!otka: {}\n", "otka", "", nil},
		// Whole files.
		{"not YAML", file, "!okta: [\n", "", "", nil},
		{"two documents", file, "!okta: {}\n---\nokta: {}\n", "", "", nil},
		{"a list at the top", file, "!- okta\n", "", "", nil},
		{"okta.client a list", file, "!okta:\n  client: [a]\n", "okta.client", "", nil},
		{"a key set twice", file, "orgUrl: " + orgURL + "\n    orgUrl: " + orgURL, "okta.client.orgUrl", "", nil},
		{"a key that is a list", file, "[a]: b", "okta.client", "", nil},
		{"a setting nested and as a dotted key", file, "rateLimit: {maxRetries: 1}\n    rateLimit.maxRetries: 5", "okta.client.rateLimit.maxRetries", "", nil},
		{"a dotted key alone", file, "rateLimit.maxBackoff: 5", "okta.client.rateLimit.maxBackoff", "", nil},
		{"a dotted section", file, "!okta.client:\n  token: x\n", "okta.client", "", nil},
		{"rateLimit null", file, "rateLimit:", "okta.client.rateLimit", "", nil},
		{"rateLimit an empty mapping", file, "rateLimit: {}", "okta.client.rateLimit", "", nil},
		{"rateLimit a list", file, "rateLimit: [1]", "okta.client.rateLimit", "", nil},
		// YAML types.
		{"token tagged binary", file, "token: !!binary YWJj", "okta.client.token", "APIToken", nil},
		{"token with a local tag", file, "token: !secret YWJj", "okta.client.token", "APIToken", nil},
		{"timeout a float", file, "requestTimeout: !!float 3", "okta.client.requestTimeout", "Timeout", nil},
		{"scope tagged binary", file, "scopes: [!!binary YWJj]", "okta.client.scopes", "Scopes", nil},
		{"scopes a tagged list", file, "scopes: !list [a]", "okta.client.scopes", "Scopes", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDirs(t)
			writeFile(t, d.homeFile(), yamlClient("orgUrl: "+orgURL, "token: "+testToken), 0o600)
			writeFile(t, filepath.Join(d.work, "notakey.pem"), "hello", 0o600)
			var environ []string
			source, key := tt.key, ""
			switch {
			case tt.from == env:
				environ = []string{tt.input}
			case strings.HasPrefix(tt.input, "!"):
				writeFile(t, d.workFile(), tt.input[1:], 0o600)
				source, key = d.workFile(), tt.key
			default:
				writeFile(t, d.workFile(), yamlClient(tt.input), 0o600)
				source, key = d.workFile(), tt.key
			}
			var log bytes.Buffer
			cfg, err := d.load(&log, environ...)
			assert.Nil(t, cfg)
			errs := configErrors(t, err)
			require.Len(t, errs, 1, "%v", err)
			ce := errs[0]
			assert.Equal(t, source, ce.Source)
			assert.Equal(t, key, ce.Key)
			assert.Equal(t, tt.field, ce.Field)
			assert.NotEmpty(t, ce.Reason)
			var ve *ValidationError
			switch tt.cause.(type) {
			case nil:
			case *ValidationError:
				assert.ErrorAs(t, ce, &ve)
			default:
				assert.ErrorIs(t, ce, tt.cause)
			}
			assert.NotContains(t, err.Error(), testToken)
			assert.Empty(t, log.String())
		})
	}
}

func TestLoadConfiguration_didYouMean(t *testing.T) {
	d := newDirs(t)
	writeFile(t, d.workFile(), yamlClient("orgURL: "+orgURL, "OKTA_CLIENT_TOKEN: x", "rateLimit: {max_retries: 1}"), 0o600)
	_, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORG_URL="+orgURL, "OKTA_CLIENT_REQUESTTIMEOUT=1", "OKTA_CLIENT_CACHE=1")
	errs := configErrors(t, err)
	// The six unknown names, then (every mistake at once) the settings that
	// are therefore missing.
	require.Len(t, errs, 8)
	for i, want := range []string{"orgUrl?", "token?", "rateLimit.maxRetries?", "OKTA_CLIENT_CACHE", "OKTA_CLIENT_ORGURL?", "OKTA_CLIENT_REQUEST_TIMEOUT?"} {
		assert.Contains(t, errs[i].Error(), want)
	}
	assert.NotContains(t, errs[3].Error(), "did you mean")
	assert.Equal(t, []string{"BasePath", "APIToken"}, []string{errs[6].Field, errs[7].Field})
}

// Every mistake comes back at once: a malformed value and a missing setting
// together, and a field whose value was refused is not also "not set".
func TestLoadConfiguration_everyMistakeAtOnce(t *testing.T) {
	d := newDirs(t)
	_, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_REQUEST_TIMEOUT=abc", "OKTA_CLIENT_TOKEN=a\nb")
	errs := configErrors(t, err)
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	assert.ElementsMatch(t, []string{"Timeout", "APIToken"}, fields)

	_, err = d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_REQUEST_TIMEOUT=abc")
	errs = configErrors(t, err)
	fields = fields[:0]
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	assert.ElementsMatch(t, []string{"Timeout", "APIToken"}, fields, "the missing token is reported with the bad timeout")
}

// TestLoadConfiguration_knownKeyNotUnknown checks that a key this client
// reads, written in a form it refuses, stays an error under
// WithUnknownAsWarning: it is no other tool's setting to be warned of.
func TestLoadConfiguration_knownKeyNotUnknown(t *testing.T) {
	for line, key := range map[string]string{
		"rateLimit:":              "okta.client.rateLimit",
		"rateLimit: [1]":          "okta.client.rateLimit",
		"rateLimit: 3":            "okta.client.rateLimit",
		"rateLimit.maxRetries: 5": "okta.client.rateLimit.maxRetries",
		"rateLimit: {maxRetries: 1}\n    rateLimit.maxRetries: 5": "okta.client.rateLimit.maxRetries",
		"token: !!binary YWJj": "okta.client.token",
	} {
		t.Run(line, func(t *testing.T) {
			d := newDirs(t)
			writeFile(t, d.workFile(), yamlClient(line), 0o600)
			var log bytes.Buffer
			_, err := LoadConfiguration(WithHomeDir(d.home), WithWorkDir(d.work), WithUnknownAsWarning(),
				WithEnviron([]string{"OKTA_CLIENT_ORGURL=" + orgURL, "OKTA_CLIENT_TOKEN=" + testToken}),
				WithLogger(slog.New(slog.NewJSONHandler(&log, nil))))
			errs := configErrors(t, err)
			require.Len(t, errs, 1, "%v", err)
			assert.Equal(t, key, errs[0].Key)
			assert.Empty(t, log.String())
		})
	}
}
