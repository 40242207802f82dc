package okta

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/internal/config"
)

// dirs are the home and working directories of one LoadConfiguration run.
type dirs struct{ home, work string }

// newDirs returns empty temporary home and working directories.
func newDirs(t *testing.T) dirs {
	t.Helper()
	return dirs{home: t.TempDir(), work: t.TempDir()}
}

// homeFile and workFile are the okta.yaml paths LoadConfiguration reads.
func (d dirs) homeFile() string { return filepath.Join(d.home, ".okta", "okta.yaml") }
func (d dirs) workFile() string { return filepath.Join(d.work, ".okta.yaml") }

// writeFile writes text to path with perm, making its directory.
func writeFile(t *testing.T, path, text string, perm fs.FileMode) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(text), perm))
	require.NoError(t, os.Chmod(path, perm)) // past the umask
}

// load runs LoadConfiguration on d and env alone, logging to log.
func (d dirs) load(log *bytes.Buffer, env ...string) (*Configuration, error) {
	return LoadConfiguration(WithHomeDir(d.home), WithWorkDir(d.work), WithEnviron(env),
		WithLogger(slog.New(slog.NewJSONHandler(log, nil))))
}

// configErrors returns the *ConfigErrors LoadConfiguration joined into err.
func configErrors(t *testing.T, err error) []*ConfigError {
	t.Helper()
	require.Error(t, err)
	joined, ok := err.(interface{ Unwrap() []error })
	require.True(t, ok, "not an errors.Join: %T", err)
	var out []*ConfigError
	for _, e := range joined.Unwrap() {
		var ce *ConfigError
		require.ErrorAs(t, e, &ce)
		out = append(out, ce)
	}
	return out
}

// yamlClient is an okta.yaml with the given lines under okta.client.
func yamlClient(lines ...string) string {
	return "okta:\n  client:\n    " + strings.Join(lines, "\n    ") + "\n"
}

// testKeyPEM returns a new EC P-256 private key as PKCS#8 PEM.
func testKeyPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

const orgURL = "https://dev-123456.okta.com"

func TestLoadConfiguration_precedence(t *testing.T) {
	tests := []struct {
		name       string
		home, work string
		env        []string
		check      func(t *testing.T, c *Configuration)
	}{
		{
			name: "environment alone",
			env:  []string{"OKTA_CLIENT_ORGURL=" + orgURL, "OKTA_CLIENT_TOKEN=" + testToken, "PATH=/bin", "OKTA_SESSION_TOKEN=x"},
			check: func(t *testing.T, c *Configuration) {
				assert.Equal(t, orgURL, c.BasePath)
				assert.Equal(t, testToken, c.APIToken)
				assert.Equal(t, DefaultMaxRetries, c.MaxRetries, "NewConfiguration's default kept")
				assert.Equal(t, defaultDomain, c.Domain)
			},
		},
		{
			name: "home file alone",
			home: yamlClient("orgUrl: "+orgURL, "token: "+testToken, "requestTimeout: 90", "rateLimit:", "  maxRetries: 5", "  maxBackoff: 10"),
			check: func(t *testing.T, c *Configuration) {
				assert.Equal(t, orgURL, c.BasePath)
				assert.Equal(t, testToken, c.APIToken)
				assert.Equal(t, 90*time.Second, c.Timeout)
				assert.Equal(t, 5, c.MaxRetries)
				assert.Equal(t, 10*time.Second, c.MaxRetryWait)
			},
		},
		{
			name: "working directory file over home file",
			home: yamlClient("orgUrl: https://home.okta.com", "token: home-token", "requestTimeout: 90"),
			work: yamlClient("orgUrl: https://work.okta.com"),
			check: func(t *testing.T, c *Configuration) {
				assert.Equal(t, "https://work.okta.com", c.BasePath)
				assert.Equal(t, "home-token", c.APIToken, "a key the later file lacks keeps the earlier value")
				assert.Equal(t, 90*time.Second, c.Timeout)
			},
		},
		{
			name: "environment over both files",
			home: yamlClient("orgUrl: https://home.okta.com", "token: home-token", "rateLimit: {maxRetries: 5}"),
			work: yamlClient("orgUrl: https://work.okta.com", "token: work-token"),
			env:  []string{"OKTA_CLIENT_TOKEN=env-token", "OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES=0"},
			check: func(t *testing.T, c *Configuration) {
				assert.Equal(t, "https://work.okta.com", c.BasePath)
				assert.Equal(t, "env-token", c.APIToken)
				assert.Equal(t, NoRetries, c.MaxRetries, "Okta's 0 means never retry")
			},
		},
		{
			name: "a repeated variable: the last wins",
			env:  []string{"OKTA_CLIENT_ORGURL=https://first.okta.com", "OKTA_CLIENT_TOKEN=" + testToken, "OKTA_CLIENT_ORGURL=" + orgURL},
			check: func(t *testing.T, c *Configuration) {
				assert.Equal(t, orgURL, c.BasePath)
			},
		},
		{
			name: "scopes: a YAML list, then a comma-separated variable",
			home: yamlClient("orgUrl: "+orgURL, "authorizationMode: PrivateKey", "clientId: 0oa1", "privateKey: key.pem",
				"scopes:", "  - okta.sessions.read"),
			env: []string{"OKTA_CLIENT_SCOPES= okta.sessions.read , okta.sessions.manage"},
			check: func(t *testing.T, c *Configuration) {
				assert.Equal(t, []string{"okta.sessions.read", "okta.sessions.manage"}, c.Scopes)
				assert.Equal(t, "PrivateKey", c.AuthorizationMode)
				assert.Equal(t, "0oa1", c.ClientID)
				assert.True(t, strings.HasPrefix(c.PrivateKey, "-----BEGIN PRIVATE KEY-----"), "the key file's text, not its path")
			},
		},
		{
			name: "every variable",
			env: []string{"OKTA_CLIENT_ORGURL=" + orgURL, "OKTA_CLIENT_TOKEN=" + testToken, "OKTA_CLIENT_AUTHORIZATIONMODE=bearer",
				"OKTA_CLIENT_REQUEST_TIMEOUT=0", "OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES=7", "OKTA_CLIENT_RATE_LIMIT_MAX_BACKOFF=45"},
			check: func(t *testing.T, c *Configuration) {
				assert.Equal(t, "Bearer", c.AuthorizationMode, "the mode's case is Okta's")
				assert.Empty(t, c.APIToken, "Bearer mode's token is an access token, not an API token")
				require.NotNil(t, c.TokenSource)
				tok, err := c.TokenSource.Token()
				require.NoError(t, err)
				assert.Equal(t, testToken, tok.AccessToken)
				assert.Zero(t, c.Timeout, "0 is the default")
				assert.Equal(t, 7, c.MaxRetries)
				assert.Equal(t, 45*time.Second, c.MaxRetryWait)
			},
		},
	}
	key := testKeyPEM(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDirs(t)
			writeFile(t, filepath.Join(d.work, "key.pem"), key, 0o600)
			if tt.home != "" {
				writeFile(t, d.homeFile(), tt.home, 0o600)
			}
			if tt.work != "" {
				writeFile(t, d.workFile(), tt.work, 0o600)
			}
			var log bytes.Buffer
			c, err := d.load(&log, tt.env...)
			require.NoError(t, err)
			tt.check(t, c)
			assert.Empty(t, log.String())
		})
	}
}

func TestLoadConfiguration_sourcesAndOptions(t *testing.T) {
	d := newDirs(t)
	writeFile(t, d.homeFile(), yamlClient("orgUrl: https://home.okta.com", "token: home-token"), 0o600)
	writeFile(t, d.workFile(), yamlClient("orgUrl: https://work.okta.com"), 0o600)
	env := []string{"OKTA_CLIENT_TOKEN=env-token"}
	logger := slog.New(slog.DiscardHandler)

	c, err := LoadConfiguration(WithHomeDir(d.home), WithWorkDir(d.work), WithEnviron(env), WithLogger(logger),
		WithoutSource(SourceWorkDirFile, SourceEnvironment))
	require.NoError(t, err)
	assert.Equal(t, "https://home.okta.com", c.BasePath)
	assert.Equal(t, "home-token", c.APIToken)
	assert.Same(t, logger, c.Logger, "the loaded configuration logs where the loader did")

	c, err = LoadConfiguration(WithHomeDir(d.home), WithWorkDir(d.work), WithEnviron(env), WithoutSource(SourceHomeFile))
	require.NoError(t, err)
	assert.Equal(t, "https://work.okta.com", c.BasePath)
	assert.Equal(t, "env-token", c.APIToken)
	assert.Nil(t, c.Logger, "no logger given: the client stays silent")

	assert.Equal(t, NewConfiguration(), NewConfiguration(), "NewConfiguration reads nothing")
}

func TestLoadConfiguration_missing(t *testing.T) {
	tests := []struct {
		name   string
		env    []string
		fields []string
	}{
		{"nothing at all", nil, []string{"BasePath", "APIToken"}},
		{"no token", []string{"OKTA_CLIENT_ORGURL=" + orgURL}, []string{"APIToken"}},
		{"no token in Bearer mode", []string{"OKTA_CLIENT_ORGURL=" + orgURL, "OKTA_CLIENT_AUTHORIZATIONMODE=Bearer"}, []string{"APIToken"}},
		{"PrivateKey mode needs its three", []string{"OKTA_CLIENT_ORGURL=" + orgURL, "OKTA_CLIENT_AUTHORIZATIONMODE=PrivateKey"},
			[]string{"ClientID", "PrivateKey", "Scopes"}},
		{"a client id implies PrivateKey mode", []string{"OKTA_CLIENT_ORGURL=" + orgURL, "OKTA_CLIENT_CLIENTID=0oa1"}, []string{"PrivateKey", "Scopes"}},
		{"scopes imply PrivateKey mode", []string{"OKTA_CLIENT_ORGURL=" + orgURL, "OKTA_CLIENT_SCOPES=okta.sessions.read"}, []string{"ClientID", "PrivateKey"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newDirs(t).load(&bytes.Buffer{}, tt.env...)
			var got []string
			for _, ce := range configErrors(t, err) {
				assert.Empty(t, ce.Source)
				assert.Empty(t, ce.Key)
				got = append(got, ce.Field)
			}
			assert.Equal(t, tt.fields, got)
		})
	}
}

func TestLoadConfiguration_fileErrors(t *testing.T) {
	d := newDirs(t)
	require.NoError(t, os.Mkdir(d.workFile(), 0o700))
	writeFile(t, d.homeFile(), strings.Repeat("#", config.MaxConfigFileSize+1), 0o600)
	_, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_TOKEN="+testToken)
	errs := configErrors(t, err)
	require.Len(t, errs, 2)
	assert.Equal(t, d.homeFile(), errs[0].Source)
	assert.ErrorIs(t, errs[0], config.ErrTooLarge)
	assert.Equal(t, d.workFile(), errs[1].Source)
	assert.ErrorIs(t, errs[1], config.ErrNotRegular)
}

func TestLoadConfiguration_unknownAsWarning(t *testing.T) {
	d := newDirs(t)
	writeFile(t, d.workFile(), yamlClient("orgUrl: "+orgURL, "token: "+testToken, "connectionTimeout: 30")+"okta_extra: 1\n", 0o600)
	var log bytes.Buffer
	c, err := LoadConfiguration(WithHomeDir(d.home), WithWorkDir(d.work), WithEnviron([]string{"OKTA_CLIENT_CACHE_ENABLED=true"}),
		WithLogger(slog.New(slog.NewJSONHandler(&log, nil))), WithUnknownAsWarning())
	require.NoError(t, err)
	assert.Equal(t, orgURL, c.BasePath)
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	require.Len(t, lines, 3)
	for i, name := range []string{"okta.client.connectionTimeout", "okta_extra", "OKTA_CLIENT_CACHE_ENABLED"} {
		assert.Contains(t, lines[i], `"level":"WARN"`)
		assert.Contains(t, lines[i], name)
	}
}

// A logger without a handler given to WithLogger is refused like the
// Configuration's Logger, with a *ValidationError; the warnings of the load
// that came before go to slog.Default() instead of panicking.
func TestLoadConfiguration_unusableLogger(t *testing.T) {
	var fallback bytes.Buffer
	def := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&fallback, nil)))
	t.Cleanup(func() { slog.SetDefault(def) })
	d := newDirs(t)
	for _, logger := range []*slog.Logger{{}, slog.New((*slog.TextHandler)(nil))} {
		_, err := LoadConfiguration(WithHomeDir(d.home), WithWorkDir(d.work), WithLogger(logger), WithUnknownAsWarning(),
			WithEnviron([]string{"OKTA_CLIENT_ORGURL=" + orgURL, "OKTA_CLIENT_TOKEN=" + testToken, "OKTA_CLIENT_CACHE_ENABLED=true"}))
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "Logger", ve.Field)
	}
	assert.Contains(t, fallback.String(), "OKTA_CLIENT_CACHE_ENABLED")
}

func TestLoadConfiguration_worldReadable(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits on Windows")
	}
	key := testKeyPEM(t)
	tests := []struct {
		name     string
		file     string
		perm     fs.FileMode
		keyPerm  fs.FileMode
		wantFile []string // the files warned of
	}{
		{"token in a private file", yamlClient("orgUrl: "+orgURL, "token: "+testToken), 0o600, 0o600, nil},
		{"token in a world-readable file", yamlClient("orgUrl: "+orgURL, "token: "+testToken), 0o644, 0o600, []string{".okta.yaml"}},
		{"no secret in a world-readable file", yamlClient("orgUrl: " + orgURL), 0o644, 0o600, nil},
		{"inline key in a world-readable file", yamlClient("orgUrl: "+orgURL, "clientId: 0oa1", "scopes: okta.sessions.read",
			"privateKey: |", "  "+strings.ReplaceAll(strings.TrimSpace(key), "\n", "\n      ")), 0o604, 0o600, []string{".okta.yaml"}},
		{"key path in a world-readable file, key file private", yamlClient("orgUrl: "+orgURL, "clientId: 0oa1", "scopes: okta.sessions.read",
			"privateKey: key.pem"), 0o644, 0o600, nil},
		{"world-readable key file", yamlClient("orgUrl: "+orgURL, "clientId: 0oa1", "scopes: okta.sessions.read",
			"privateKey: key.pem"), 0o600, 0o644, []string{"key.pem"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDirs(t)
			writeFile(t, d.workFile(), tt.file, tt.perm)
			writeFile(t, filepath.Join(d.work, "key.pem"), key, tt.keyPerm)
			var log bytes.Buffer
			env := []string{"OKTA_CLIENT_TOKEN=from-env"} // the credential of the files without a key
			if strings.Contains(tt.file, "clientId") {
				env = nil
			}
			_, err := d.load(&log, env...)
			require.NoError(t, err)
			var warned []string
			for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
				if line != "" {
					assert.Contains(t, line, `"level":"WARN"`)
					assert.NotContains(t, line, testToken)
					assert.NotContains(t, line, "PRIVATE KEY")
					warned = append(warned, line)
				}
			}
			require.Len(t, warned, len(tt.wantFile))
			for i, f := range tt.wantFile {
				assert.Contains(t, warned[i], filepath.Join(d.work, f))
			}
		})
	}

	t.Run("slog.Default without WithLogger", func(t *testing.T) {
		d := newDirs(t)
		writeFile(t, d.workFile(), yamlClient("orgUrl: "+orgURL, "token: "+testToken), 0o644)
		var log bytes.Buffer
		defer slog.SetDefault(slog.Default())
		slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
		c, err := LoadConfiguration(WithHomeDir(d.home), WithWorkDir(d.work), WithEnviron(nil))
		require.NoError(t, err)
		assert.Nil(t, c.Logger)
		assert.Contains(t, log.String(), "level=WARN")
	})
}

func TestLoadConfiguration_secretsNeverInErrors(t *testing.T) {
	const secret = "s3cr3tK3yMaterialXYZ"
	bogusPEM := "-----BEGIN PRIVATE KEY-----\n" + secret + "\n-----END PRIVATE KEY-----"
	tests := []struct {
		name string
		env  []string
		work string
	}{
		{"token with CRLF", []string{"OKTA_CLIENT_TOKEN=" + secret + "\r\nX-Evil: 1"}, ""},
		{"token with the scheme", []string{"OKTA_CLIENT_TOKEN=SSWS " + secret}, ""},
		{"inline PEM that is no key", []string{"OKTA_CLIENT_PRIVATEKEY=" + bogusPEM}, ""},
		{"key without armour, taken for a path", []string{"OKTA_CLIENT_PRIVATEKEY=" + secret}, ""},
		{"key JSON that is no JWK", []string{`OKTA_CLIENT_PRIVATEKEY={"kty":"EC","x":"` + secret + `"}`}, ""},
		{"YAML syntax error beside the token", nil, "okta:\n  client:\n    token: " + secret + "\n  bad: [\n"},
		{"YAML token as a mapping", nil, yamlClient("token: {value: " + secret + "}")},
		{"YAML token twice", nil, yamlClient("token: "+secret, "token: "+secret)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDirs(t)
			if tt.work != "" {
				writeFile(t, d.workFile(), tt.work, 0o600)
			}
			var log bytes.Buffer
			_, err := d.load(&log, append(tt.env, "OKTA_CLIENT_ORGURL="+orgURL)...)
			require.Error(t, err)
			for e := range errorTree(err) {
				for _, verb := range []string{"%v", "%+v", "%#v"} {
					assert.NotContains(t, fmt.Sprintf(verb, e), secret, verb)
				}
			}
			assert.NotContains(t, log.String(), secret)
		})
	}
}

// errorTree yields err and every error it wraps.
func errorTree(err error) func(func(error) bool) {
	return func(yield func(error) bool) {
		var walk func(error) bool
		walk = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() []error }:
				for _, c := range u.Unwrap() {
					if !walk(c) {
						return false
					}
				}
			case interface{ Unwrap() error }:
				return walk(u.Unwrap())
			}
			return true
		}
		walk(err)
	}
}

func TestConfigError_wording(t *testing.T) {
	// The wording is the contract of ExampleLoadConfiguration; here, the shape.
	for _, tt := range []struct {
		err  ConfigError
		want string
	}{
		{ConfigError{Source: "OKTA_CLIENT_TOKEN", Field: "APIToken", Reason: "is empty"}, "okta: OKTA_CLIENT_TOKEN is empty"},
		{ConfigError{Source: "/h/.okta/okta.yaml", Key: "okta.client.token", Field: "APIToken", Reason: "is empty"}, "okta: /h/.okta/okta.yaml: okta.client.token is empty"},
		{ConfigError{Field: "APIToken", Reason: "is not set"}, "okta: APIToken is not set"},
	} {
		assert.Equal(t, tt.want, tt.err.Error())
	}
	cause := errors.New("cause")
	assert.ErrorIs(t, &ConfigError{Err: cause}, cause)
}

func TestLoadConfiguration_boundedReads(t *testing.T) {
	d := newDirs(t)
	writeFile(t, filepath.Join(d.work, "big.pem"), testKeyPEM(t)+strings.Repeat("\n", config.MaxKeyFileSize), 0o600)
	paths := map[string]error{"big.pem": config.ErrTooLarge}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths["/dev/zero"] = config.ErrNotRegular
	}
	for path, cause := range paths {
		_, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_TOKEN="+testToken, "OKTA_CLIENT_PRIVATEKEY="+path)
		errs := configErrors(t, err)
		require.Len(t, errs, 1)
		assert.Equal(t, "OKTA_CLIENT_PRIVATEKEY", errs[0].Source)
		assert.ErrorIs(t, errs[0], cause, path)
	}
}

func TestLoadConfiguration_sharedFile(t *testing.T) {
	d := newDirs(t)
	writeFile(t, d.homeFile(), "okta:\n"+
		"  idx:\n    issuer: https://dev-123456.okta.com/oauth2/default\n    clientSecret: x\n"+
		"  testing:\n    disableHttpsCheck: true\n"+
		"  client:\n    orgUrl: http://127.0.0.1:8080\n    token: "+testToken+"\n", 0o600)
	c, err := d.load(&bytes.Buffer{})
	require.NoError(t, err, "the sections of Okta's other SDKs are left alone")
	assert.Equal(t, "http://127.0.0.1:8080", c.BasePath, "http is fine for loopback")
}

func TestLoadConfiguration_privateKeyForms(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	sec1, err := x509.MarshalECPrivateKey(ec)
	require.NoError(t, err)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	jwk, err := jose.JSONWebKey{Key: ec, KeyID: "k1"}.MarshalJSON()
	require.NoError(t, err)
	forms := map[string]string{
		"PKCS#8":      testKeyPEM(t),
		"SEC1":        string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})),
		"PKCS#1":      string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})),
		"private JWK": string(jwk),
	}
	for name, key := range forms {
		t.Run(name, func(t *testing.T) {
			d := newDirs(t)
			writeFile(t, filepath.Join(d.work, "key"), key, 0o600)
			for _, v := range []string{key, "key", filepath.Join(d.work, "key")} {
				c, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_CLIENTID=0oa1",
					"OKTA_CLIENT_SCOPES=okta.sessions.read", "OKTA_CLIENT_PRIVATEKEY="+v)
				require.NoError(t, err)
				assert.Equal(t, strings.TrimSpace(key), c.PrivateKey)
			}
		})
	}
}
