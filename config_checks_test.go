package okta

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validationErrors returns the *ValidationErrors of err: itself, or the
// parts it joins.
func validationErrors(t *testing.T, err error) []*ValidationError {
	t.Helper()
	require.Error(t, err)
	parts := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		parts = joined.Unwrap()
	}
	var out []*ValidationError
	for _, e := range parts {
		ve, ok := e.(*ValidationError)
		require.True(t, ok, "%T is not a *ValidationError: %v", e, e)
		out = append(out, ve)
	}
	return out
}

// fieldsOf returns the Field of each error.
func fieldsOf(errs []*ValidationError) []string {
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	return fields
}

// Validate and LoadConfiguration apply the same checks with the same
// reasons: a value refused by one is refused by the other, for the same
// reason, whichever way the configuration was made.
func TestValidate_sameChecksAsLoadConfiguration(t *testing.T) {
	tests := []struct {
		name  string
		field string // the Configuration field, and the variable that sets it
		env   string
		value string
	}{
		{"org URL without scheme", "BasePath", "OKTA_CLIENT_ORGURL", "dev-123.okta.com"},
		{"org URL of the Admin Console", "BasePath", "OKTA_CLIENT_ORGURL", "https://dev-123-admin.okta.com"},
		{"org URL placeholder", "BasePath", "OKTA_CLIENT_ORGURL", "https://{yourOktaDomain}"},
		{"org URL with .com.com", "BasePath", "OKTA_CLIENT_ORGURL", "https://dev-123.okta.com.com"},
		{"issuer URL", "BasePath", "OKTA_CLIENT_ORGURL", "https://dev-123.okta.com/oauth2/default"},
		{"org authorization server's issuer", "BasePath", "OKTA_CLIENT_ORGURL", "https://dev-123.okta.com/oauth2/"},
		{"custom authorization server's issuer", "BasePath", "OKTA_CLIENT_ORGURL", "https://dev-123.okta.com/oauth2/aus1a2b3c4D5e6F7g8h9"},
		{"API path", "BasePath", "OKTA_CLIENT_ORGURL", "https://dev-123.okta.com/api/v1"},
		{"token with the scheme", "APIToken", "OKTA_CLIENT_TOKEN", "SSWS " + testToken},
		{"token with the scheme in lower case", "APIToken", "OKTA_CLIENT_TOKEN", "ssws " + testToken},
		{"token placeholder", "APIToken", "OKTA_CLIENT_TOKEN", "{apiToken}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &Configuration{BasePath: orgURL, APIToken: testToken}
			switch tt.field {
			case "BasePath":
				cfg.BasePath = tt.value
			case "APIToken":
				cfg.APIToken = tt.value
			}
			ves := validationErrors(t, cfg.Validate())
			require.Len(t, ves, 1)
			assert.Equal(t, tt.field, ves[0].Field)
			assert.NotContains(t, ves[0].Error(), testToken)

			env := []string{"OKTA_CLIENT_ORGURL=" + orgURL, "OKTA_CLIENT_TOKEN=" + testToken, tt.env + "=" + tt.value}
			_, err := newDirs(t).load(&bytes.Buffer{}, env...)
			ces := configErrors(t, err)
			require.Len(t, ces, 1)
			assert.Equal(t, tt.env, ces[0].Source)
			assert.Equal(t, tt.field, ces[0].Field)
			assert.Equal(t, ves[0].Reason, ces[0].Reason, "the same reason both ways")
		})
	}
}

// An org URL that is fine is not refused by the new checks: a path prefix
// of a gateway, a host whose name holds "oauth2".
func TestValidate_orgURLsStillAccepted(t *testing.T) {
	for _, u := range []string{"https://gw.example.com/okta/", "https://oauth2.example.com", "https://dev-123.okta.com/oauth2x"} {
		assert.NoError(t, (&Configuration{BasePath: u}).Validate(), u)
	}
}

// Validate reports every mistake at once, each a *ValidationError naming
// its field, and errors.As still finds the first.
func TestValidate_everyMistakeAtOnce(t *testing.T) {
	cfg := NewConfiguration()
	cfg.BasePath = "dev-123.okta.com"
	cfg.APIToken = "SSWS " + testToken
	cfg.Timeout = -1
	cfg.AddDefaultHeader("Authorization", "x")
	err := cfg.Validate()
	ves := validationErrors(t, err)
	assert.Equal(t, []string{"BasePath", "APIToken", "Timeout", "DefaultHeader"}, fieldsOf(ves))
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "BasePath", ve.Field)
	assert.NotContains(t, err.Error(), testToken)

	// A call of a client made from it returns the same error, before any I/O.
	_, _, callErr := NewAPIClient(cfg).SessionApi.GetSession(t.Context(), "102abc")
	var joined interface{ Unwrap() []error }
	require.ErrorAs(t, callErr, &joined)
	assert.Equal(t, fieldsOf(ves), fieldsOf(validationErrors(t, joined.(error))))

	// PrivateKey mode: each missing field, and the field of another mode.
	cfg = &Configuration{BasePath: orgURL, AuthorizationMode: "PrivateKey", APIToken: testToken}
	assert.Equal(t, []string{"APIToken", "ClientID", "PrivateKey", "Scopes"}, fieldsOf(validationErrors(t, cfg.Validate())))
}

// With nothing set, the org URL is "not set", not "an unfilled
// {placeholder}" that the user never wrote.
func TestValidate_nothingSet(t *testing.T) {
	for _, cfg := range []*Configuration{NewConfiguration(), {}} {
		ves := validationErrors(t, cfg.Validate())
		require.Len(t, ves, 1)
		assert.Equal(t, "BasePath", ves[0].Field)
		assert.NotContains(t, ves[0].Reason, "placeholder")
	}
	cfg := &Configuration{BasePath: "https://{org}.okta.com"}
	assert.Contains(t, validationErrors(t, cfg.Validate())[0].Reason, "placeholder", "one the user wrote")
}

// PrivateKey may be the path of a file holding the key, as the README
// says: Validate and NewAPIClient read it, and no error holds the key or
// the path.
func TestValidate_privateKeyPath(t *testing.T) {
	dir := t.TempDir()
	key := testECKeyPEM()
	path := filepath.Join(dir, "key.pem")
	writeFile(t, path, key, 0o600)
	writeFile(t, filepath.Join(dir, "notakey.pem"), "s3cr3tNOTaKEYatALL", 0o600)
	cfg := func(pk string) *Configuration {
		return &Configuration{BasePath: orgURL, ClientID: "0oa1", Scopes: []string{"okta.sessions.read"}, PrivateKey: pk}
	}
	require.NoError(t, cfg(path).Validate())
	client := NewAPIClient(cfg(path))
	require.NoError(t, client.cfgErr)
	require.NotNil(t, client.tokens)

	for _, pk := range []string{filepath.Join(dir, "missing.pem"), filepath.Join(dir, "notakey.pem"), dir} {
		ves := validationErrors(t, cfg(pk).Validate())
		require.Len(t, ves, 1, pk)
		assert.Equal(t, "PrivateKey", ves[0].Field)
		assert.NotContains(t, ves[0].Error(), dir)
		assert.NotContains(t, ves[0].Error(), "s3cr3t")
	}
}

// rsa1024PEM returns a new RSA key of 1024 bits, too short for Okta, as
// PKCS#1 PEM.
func rsa1024PEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

// An unusable private key, given inline, by path or by _FILE, is reported
// with its Source and together with the other mistakes.
func TestLoadConfiguration_unusableKeyWithTheOthers(t *testing.T) {
	key := rsa1024PEM(t)
	for _, tt := range []struct{ name, env string }{
		{"inline", "OKTA_CLIENT_PRIVATEKEY=" + key},
		{"a path", "OKTA_CLIENT_PRIVATEKEY=short.pem"},
		{"a _FILE", "OKTA_CLIENT_PRIVATEKEY_FILE=short.pem"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := newDirs(t)
			writeFile(t, filepath.Join(d.work, "short.pem"), key, 0o600)
			_, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_CLIENTID=0oa1",
				"OKTA_CLIENT_SCOPES=okta.sessions.read", "OKTA_CLIENT_REQUEST_TIMEOUT=abc", tt.env)
			errs := configErrors(t, err)
			require.Len(t, errs, 2, "%v", err)
			src, _, _ := bytes.Cut([]byte(tt.env), []byte("="))
			assert.Equal(t, "PrivateKey", errs[0].Field)
			assert.Equal(t, string(src), errs[0].Source)
			var ve *ValidationError
			assert.ErrorAs(t, errs[0], &ve)
			assert.Equal(t, "Timeout", errs[1].Field)
			assertNoKeyMaterial(t, err.Error(), key)
		})
	}
}

// A mistake only Validate sees, such as the fields of two modes, is
// reported with the source that set the field, together with the rest.
func TestLoadConfiguration_validationWithSource(t *testing.T) {
	d := newDirs(t)
	writeFile(t, d.workFile(), yamlClient("orgUrl: "+orgURL, "token: "+testToken), 0o600)
	_, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_AUTHORIZATIONMODE=PrivateKey", "OKTA_CLIENT_REQUEST_TIMEOUT=-1")
	errs := configErrors(t, err)
	var got []string
	for _, e := range errs {
		got = append(got, e.Field)
		if e.Field == "APIToken" {
			assert.Equal(t, d.workFile(), e.Source)
			assert.Equal(t, "okta.client.token", e.Key)
		}
	}
	assert.ElementsMatch(t, []string{"Timeout", "ClientID", "PrivateKey", "Scopes", "APIToken"}, got)
	assert.NotContains(t, err.Error(), testToken)
}

// The _FILE form of a secret: the variable names a file whose content is
// the value.
func TestLoadConfiguration_fileForm(t *testing.T) {
	key := testKeyPEM(t)
	tests := []struct {
		name   string
		env    []string
		source string // the variable of the one error; "" for none
		cause  error
	}{
		{"token", []string{"OKTA_CLIENT_TOKEN_FILE=token"}, "", nil},
		{"token by absolute path", []string{"OKTA_CLIENT_TOKEN_FILE=<work>/token"}, "", nil},
		{"private key", []string{"OKTA_CLIENT_PRIVATEKEY_FILE=key.pem", "OKTA_CLIENT_CLIENTID=0oa1", "OKTA_CLIENT_SCOPES=okta.sessions.read"}, "", nil},
		{"both forms of the token", []string{"OKTA_CLIENT_TOKEN_FILE=token", "OKTA_CLIENT_TOKEN=" + testToken}, "OKTA_CLIENT_TOKEN_FILE", nil},
		{"both forms of the key", []string{"OKTA_CLIENT_PRIVATEKEY_FILE=key.pem", "OKTA_CLIENT_PRIVATEKEY=key.pem", "OKTA_CLIENT_TOKEN=" + testToken},
			"OKTA_CLIENT_PRIVATEKEY_FILE", nil},
		{"a missing file", []string{"OKTA_CLIENT_TOKEN_FILE=missing"}, "OKTA_CLIENT_TOKEN_FILE", fs.ErrNotExist},
		{"an empty file", []string{"OKTA_CLIENT_TOKEN_FILE=empty"}, "OKTA_CLIENT_TOKEN_FILE", nil},
		{"an empty variable", []string{"OKTA_CLIENT_TOKEN_FILE="}, "OKTA_CLIENT_TOKEN_FILE", nil},
		{"a token with its scheme", []string{"OKTA_CLIENT_TOKEN_FILE=ssws"}, "OKTA_CLIENT_TOKEN_FILE", nil},
		{"a file holding no key", []string{"OKTA_CLIENT_PRIVATEKEY_FILE=token", "OKTA_CLIENT_CLIENTID=0oa1", "OKTA_CLIENT_SCOPES=okta.sessions.read"},
			"OKTA_CLIENT_PRIVATEKEY_FILE", nil},
		{"a setting without a file form", []string{"OKTA_CLIENT_ORGURL_FILE=token", "OKTA_CLIENT_TOKEN=" + testToken}, "OKTA_CLIENT_ORGURL_FILE", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDirs(t)
			writeFile(t, filepath.Join(d.work, "token"), testToken+"\n", 0o600)
			writeFile(t, filepath.Join(d.work, "ssws"), "SSWS "+testToken, 0o600)
			writeFile(t, filepath.Join(d.work, "empty"), "\n", 0o600)
			writeFile(t, filepath.Join(d.work, "key.pem"), key, 0o600)
			env := []string{"OKTA_CLIENT_ORGURL=" + orgURL}
			for _, e := range tt.env {
				env = append(env, string(bytes.ReplaceAll([]byte(e), []byte("<work>"), []byte(d.work))))
			}
			var log bytes.Buffer
			c, err := d.load(&log, env...)
			assert.Empty(t, log.String())
			if tt.source == "" {
				require.NoError(t, err)
				assert.True(t, c.APIToken == testToken || c.PrivateKey == string(bytes.TrimSpace([]byte(key))))
				return
			}
			errs := configErrors(t, err)
			require.Len(t, errs, 1, "%v", err)
			assert.Equal(t, tt.source, errs[0].Source)
			if tt.cause != nil {
				assert.ErrorIs(t, errs[0], tt.cause)
			}
			assert.NotContains(t, err.Error(), testToken)
			assertNoKeyMaterial(t, err.Error(), key)
		})
	}
}

// A world-readable file named by a _FILE variable is warned of, as a
// private key file is.
func TestLoadConfiguration_fileFormWorldReadable(t *testing.T) {
	if os.Getenv("GOOS") == "windows" || filepath.Separator == '\\' {
		t.Skip("no permission bits on Windows")
	}
	d := newDirs(t)
	writeFile(t, filepath.Join(d.work, "token"), testToken, 0o644)
	var log bytes.Buffer
	_, err := d.load(&log, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_TOKEN_FILE=token")
	require.NoError(t, err)
	assert.Contains(t, log.String(), filepath.Join(d.work, "token"))
	assert.NotContains(t, log.String(), testToken)
}

// A private key is refused in the same words by Validate and by
// LoadConfiguration, given inline or as the path of a file.
func TestValidate_privateKeySameReasons(t *testing.T) {
	d := newDirs(t)
	short := rsa1024PEM(t)
	writeFile(t, filepath.Join(d.work, "short.pem"), short, 0o600)
	writeFile(t, filepath.Join(d.work, "notakey.pem"), "hello", 0o600)
	for _, key := range []string{short, filepath.Join(d.work, "short.pem"), filepath.Join(d.work, "notakey.pem"), filepath.Join(d.work, "missing.pem")} {
		cfg := &Configuration{BasePath: orgURL, ClientID: "0oa1", Scopes: []string{"okta.sessions.read"}, PrivateKey: key}
		ves := validationErrors(t, cfg.Validate())
		require.Len(t, ves, 1)
		_, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_CLIENTID=0oa1",
			"OKTA_CLIENT_SCOPES=okta.sessions.read", "OKTA_CLIENT_PRIVATEKEY="+key)
		ces := configErrors(t, err)
		require.Len(t, ces, 1)
		assert.Equal(t, "PrivateKey", ves[0].Field)
		assert.Equal(t, ces[0].Reason, ves[0].Reason)
		assertNoKeyMaterial(t, ves[0].Error(), short)
	}
}
