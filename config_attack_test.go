package okta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A secret typed into a DefaultHeader name ("X-Api-Key: <secret>" as the
// name) is shown shortened by String, %#v, slog and JSON, as Validate's
// error shows it; a valid name is shown whole.
func TestConfiguration_headerNameWithSecretHidden(t *testing.T) {
	const secret = "00HEADERsecretVALUEthatMUSTnotSHOW"
	cfg := Configuration{BasePath: orgURL, DefaultHeader: map[string]string{"X-Api-Key: " + secret: "v", "X-Trace": "1"}}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("cfg", "cfg", cfg)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("cfg", "cfg", cfg)
	marshalled, err := json.Marshal(cfg)
	require.NoError(t, err)
	for _, out := range []string{cfg.String(), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", &cfg), text.String(), js.String(), string(marshalled), cfg.Validate().Error()} {
		assert.NotContains(t, out, secret)
	}
	assert.Contains(t, cfg.String(), "X-Trace")
}

// A secret written into the org URL's query or fragment, or its user
// information (which Validate refuses), is never printed either.
func TestConfiguration_urlWithSecretHidden(t *testing.T) {
	const secret = "00URLsecretVALUEthatMUSTnotSHOW"
	for _, cfg := range []Configuration{
		{BasePath: orgURL + "?apiKey=" + secret},
		{BasePath: orgURL + "/#" + secret},
		{BasePath: "https://admin:" + secret + "@acme.okta.com"},
		{Host: "acme.okta.com?token=" + secret, Scheme: "https"},
	} {
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("cfg", "cfg", cfg)
		slog.New(slog.NewJSONHandler(&js, nil)).Info("cfg", "cfg", cfg)
		marshalled, err := json.Marshal(cfg)
		require.NoError(t, err)
		for _, out := range []string{cfg.String(), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", &cfg), text.String(), js.String(), string(marshalled), fmt.Sprint(cfg.Validate())} {
			assert.NotContains(t, out, secret)
		}
	}
}

// A secret file as editors and secret stores write it works: a final
// newline, CRLF line ends, a UTF-8 byte-order mark (Windows' Notepad); and
// a token that still holds a character no API token has (a BOM, a
// non-ASCII character) is refused by Validate and LoadConfiguration alike
// instead of failing every call with 401.
func TestLoadConfiguration_secretFilesAsEditorsWriteThem(t *testing.T) {
	d := newDirs(t)
	key := testECKeyPEM()
	for name, text := range map[string]string{
		"lf": testToken + "\n", "crlf": testToken + "\r\n", "bom": "\ufeff" + testToken + "\r\n",
		"key.pem": "\ufeff" + string(bytes.ReplaceAll([]byte(key), []byte("\n"), []byte("\r\n"))),
	} {
		writeFile(t, filepath.Join(d.work, name), text, 0o600)
	}
	for _, name := range []string{"lf", "crlf", "bom"} {
		c, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_TOKEN_FILE="+name)
		require.NoError(t, err, name)
		assert.Equal(t, testToken, c.APIToken, name)
	}
	c, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_PRIVATEKEY_FILE=key.pem",
		"OKTA_CLIENT_CLIENTID=0oa1", "OKTA_CLIENT_SCOPES=okta.sessions.read")
	require.NoError(t, err)
	require.NoError(t, (&Configuration{BasePath: orgURL, ClientID: "0oa1", Scopes: []string{"x"},
		PrivateKey: filepath.Join(d.work, "key.pem")}).Validate())
	assert.NotContains(t, c.PrivateKey, "\ufeff")

	for _, bad := range []string{"\ufeff" + testToken, testToken + "é"} {
		ves := validationErrors(t, (&Configuration{BasePath: orgURL, APIToken: bad}).Validate())
		require.Len(t, ves, 1)
		assert.Equal(t, "APIToken", ves[0].Field)
		_, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_TOKEN="+bad)
		ces := configErrors(t, err)
		require.Len(t, ces, 1)
		assert.Equal(t, ves[0].Reason, ces[0].Reason)
		assert.NotContains(t, err.Error(), testToken)
	}
}

// A private key given inline is never taken for a path: PEM after other
// text (openssl pkcs12 writes "Bag Attributes" before it), or any text of
// several lines, which no path has. Such a key works, and text that is no
// key is called no key, not a file that does not exist.
func TestValidate_inlineKeyNotTakenForAPath(t *testing.T) {
	d := newDirs(t)
	key := "Bag Attributes\n    localKeyID: 01 00\nsubject=/CN=svc\n" + testECKeyPEM()
	cfg := func(pk string) *Configuration {
		return &Configuration{BasePath: orgURL, ClientID: "0oa1", Scopes: []string{"okta.sessions.read"}, PrivateKey: pk}
	}
	require.NoError(t, cfg(key).Validate())
	_, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_CLIENTID=0oa1",
		"OKTA_CLIENT_SCOPES=okta.sessions.read", "OKTA_CLIENT_PRIVATEKEY="+key)
	require.NoError(t, err)
	writeFile(t, filepath.Join(d.work, "bag.pem"), key, 0o600)
	c, err := d.load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_CLIENTID=0oa1",
		"OKTA_CLIENT_SCOPES=okta.sessions.read", "OKTA_CLIENT_PRIVATEKEY_FILE=bag.pem")
	require.NoError(t, err, "the key read from the file is not taken for a path either")
	require.NoError(t, NewAPIClient(c).cfgErr)

	notAKey := "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\nU2VjcmV0S2V5TWF0ZXJpYWw="
	ves := validationErrors(t, cfg(notAKey).Validate())
	require.Len(t, ves, 1)
	assert.NotContains(t, ves[0].Reason, "does not exist")
	assert.NotContains(t, ves[0].Error(), "MIGH")
}

// Every mistake a variable can carry is refused by Validate and by
// LoadConfiguration with the same Field and the same Reason, and a mistake
// of PrivateKeyID is reported with the other mistakes, whatever the key.
func TestValidate_sameReasonsAsLoadConfigurationForEveryField(t *testing.T) {
	key := testECKeyPEM()
	sa := func(c *Configuration) {
		c.APIToken, c.ClientID, c.Scopes, c.PrivateKey = "", "0oa1", []string{"okta.sessions.read"}, key
	}
	saEnv := []string{"OKTA_CLIENT_CLIENTID=0oa1", "OKTA_CLIENT_SCOPES=okta.sessions.read", "OKTA_CLIENT_PRIVATEKEY=" + key}
	tests := []struct {
		name   string
		set    func(*Configuration)
		env    []string // replacing the service app's variable of the same name
		fields []string
	}{
		{"token with a control character", func(c *Configuration) { c.APIToken = testToken + "\x01" }, []string{"OKTA_CLIENT_TOKEN=" + testToken + "\x01"}, []string{"APIToken"}},
		{"token not ASCII", func(c *Configuration) { c.APIToken = testToken + "é" }, []string{"OKTA_CLIENT_TOKEN=" + testToken + "é"}, []string{"APIToken"}},
		{"unknown mode", func(c *Configuration) { c.AuthorizationMode = "OAuth" }, []string{"OKTA_CLIENT_TOKEN=" + testToken, "OKTA_CLIENT_AUTHORIZATIONMODE=OAuth"}, []string{"AuthorizationMode"}},
		{"client id with a control character", func(c *Configuration) { sa(c); c.ClientID = "0oa\x7f1" }, append(saEnv, "OKTA_CLIENT_CLIENTID=0oa\x7f1"), []string{"ClientID"}},
		{"scope with a space", func(c *Configuration) { sa(c); c.Scopes = []string{"okta.sessions.read okta.sessions.manage"} },
			append(saEnv, "OKTA_CLIENT_SCOPES=okta.sessions.read okta.sessions.manage"), []string{"Scopes"}},
		{"scope with a quote", func(c *Configuration) { sa(c); c.Scopes = []string{`okta.sessions.read"`} }, append(saEnv, `OKTA_CLIENT_SCOPES=okta.sessions.read"`), []string{"Scopes"}},
		{"an empty scope", func(c *Configuration) { sa(c); c.Scopes = []string{"okta.sessions.read", ""} }, append(saEnv, "OKTA_CLIENT_SCOPES=okta.sessions.read,,"), []string{"Scopes"}},
		{"key id with a control character", func(c *Configuration) { sa(c); c.PrivateKeyID = "k\x01" }, append(saEnv, "OKTA_CLIENT_PRIVATEKEYID=k\x01"), []string{"PrivateKeyID"}},
		{"key id with a control character and no key", func(c *Configuration) { sa(c); c.PrivateKeyID, c.PrivateKey = "k\x01", "{}" },
			append(saEnv, "OKTA_CLIENT_PRIVATEKEYID=k\x01", "OKTA_CLIENT_PRIVATEKEY={}"), []string{"PrivateKey", "PrivateKeyID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &Configuration{BasePath: orgURL, APIToken: testToken}
			tt.set(cfg)
			ves := validationErrors(t, cfg.Validate())
			env := map[string]string{"OKTA_CLIENT_ORGURL": orgURL}
			for _, e := range tt.env {
				k, v, _ := strings.Cut(e, "=")
				env[k] = v
			}
			var list []string
			for k, v := range env {
				list = append(list, k+"="+v)
			}
			_, err := newDirs(t).load(&bytes.Buffer{}, list...)
			ces := configErrors(t, err)
			slices.SortFunc(ves, func(a, b *ValidationError) int { return strings.Compare(a.Field, b.Field) })
			require.Equal(t, tt.fields, fieldsOf(ves))
			require.Len(t, ces, len(ves), "%v", err)
			slices.SortFunc(ces, func(a, b *ConfigError) int { return strings.Compare(a.Field, b.Field) })
			for i, ve := range ves {
				assert.Equal(t, ve.Field, ces[i].Field)
				assert.Equal(t, ve.Reason, ces[i].Reason, ve.Field)
				var cause *ValidationError // the error Validate returns, within the ConfigError
				require.ErrorAs(t, ces[i], &cause)
				assert.Equal(t, *ve, *cause)
			}
		})
	}
}

// The settings of Okta's management SDKs that this client does not use are
// not typos: an okta.yaml shared with okta-sdk-golang (its README's sample,
// with cache, connectionTimeout and a null proxy) and their variables load,
// with a Warn record naming each. A proxy that is set is an error, since
// the client would not go through it; WithUnknownAsWarning makes it a
// warning, as for an unknown name.
func TestLoadConfiguration_settingsOfOktasSDKs(t *testing.T) {
	d := newDirs(t)
	writeFile(t, d.workFile(), `okta:
  client:
    cache:
      enabled: true
      defaultTtl: 300
      defaultTti: 300
      caches: { }
    connectionTimeout: 30
    orgUrl: "https://dev-123.oktapreview.com/"
    proxy:
      port: null
      host: null
      username: null
      password: null
    token: `+testToken+"\n", 0o600)
	var log bytes.Buffer
	c, err := d.load(&log, "OKTA_CLIENT_CACHE_ENABLED=false", "OKTA_CLIENT_CACHE_DEFAULT_TTL=5", "OKTA_CLIENT_CACHE_DEFAULTTTI=5",
		"OKTA_CLIENT_CONNECTION_TIMEOUT=5", "OKTA_CLIENT_CONNECTIONTIMEOUT=5")
	require.NoError(t, err)
	assert.Equal(t, testToken, c.APIToken)
	for _, name := range []string{"okta.client.cache", "okta.client.connectionTimeout", "OKTA_CLIENT_CACHE_ENABLED", "OKTA_CLIENT_CONNECTIONTIMEOUT"} {
		assert.Contains(t, log.String(), name)
	}
	assert.Contains(t, log.String(), `"level":"WARN"`)
	assert.NotContains(t, log.String(), "okta.client.proxy", "a proxy left null is no setting")

	const password = "pr0xyPASSWORDsecret"
	_, err = d.load(&bytes.Buffer{}, "OKTA_CLIENT_PROXY_HOST=proxy.example.com", "OKTA_CLIENT_PROXY_PASSWORD="+password)
	errs := configErrors(t, err)
	require.Len(t, errs, 2, "%v", err)
	assert.Equal(t, "OKTA_CLIENT_PROXY_HOST", errs[0].Source)
	assert.Contains(t, errs[0].Reason, "HTTPS_PROXY")
	assert.NotContains(t, err.Error(), password)

	writeFile(t, d.workFile(), yamlClient("orgUrl: "+orgURL, "token: "+testToken, "proxy:", "  host: proxy.example.com"), 0o600)
	_, err = d.load(&bytes.Buffer{})
	errs = configErrors(t, err)
	require.Len(t, errs, 1, "%v", err)
	assert.Equal(t, "okta.client.proxy.host", errs[0].Key)
	log.Reset()
	_, err = LoadConfiguration(WithHomeDir(d.home), WithWorkDir(d.work), WithEnviron(nil), WithUnknownAsWarning(),
		WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	require.NoError(t, err)
	assert.Contains(t, log.String(), "okta.client.proxy.host")

	for _, proxy := range []string{"proxy: http://proxy.example.com:8080", "proxy:\n      port: 8080\n      host: ''"} {
		writeFile(t, d.workFile(), yamlClient("orgUrl: "+orgURL, "token: "+testToken, proxy), 0o600)
		_, err = d.load(&bytes.Buffer{})
		errs = configErrors(t, err)
		require.Len(t, errs, 1, "%v", err)
		assert.Contains(t, errs[0].Reason, "HTTPS_PROXY", proxy)
	}
}

// A key file that changes between Validate and NewAPIClient: the client
// uses what it read and checked itself, so a file that went bad makes every
// call fail with the key's *ValidationError before any I/O, and one that
// was fixed works.
func TestNewAPIClient_keyFileChangedAfterValidate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.pem")
	cfg := &Configuration{BasePath: orgURL, ClientID: "0oa1", Scopes: []string{"okta.sessions.read"}, PrivateKey: path}
	writeFile(t, path, testECKeyPEM(), 0o600)
	require.NoError(t, cfg.Validate())
	writeFile(t, path, "not a key any more", 0o600)
	_, _, err := NewAPIClient(cfg).SessionApi.GetSession(t.Context(), "102abc")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "PrivateKey", ve.Field)
	assert.NotContains(t, err.Error(), "not a key")

	writeFile(t, path, testECKeyPEM(), 0o600)
	require.NoError(t, NewAPIClient(cfg).cfgErr)
}

// Space around a value, as os.Getenv or a file read into a field brings it,
// is taken as LoadConfiguration takes it: a private key path is trimmed,
// and an API token with a space in it (around it, or "Bearer <token>") is
// refused by both, since no token has one and every call would fail with 401.
func TestValidate_spaceAroundValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.pem")
	writeFile(t, path, testECKeyPEM(), 0o600)
	cfg := &Configuration{BasePath: orgURL, ClientID: "0oa1", Scopes: []string{"okta.sessions.read"}, PrivateKey: path + "\n"}
	require.NoError(t, cfg.Validate())
	require.NoError(t, NewAPIClient(cfg).cfgErr)

	for _, token := range []string{" " + testToken, testToken + " ", "Bearer " + testToken, "00abc\tdef"} {
		ves := validationErrors(t, (&Configuration{BasePath: orgURL, APIToken: token}).Validate())
		require.Len(t, ves, 1, "%q", token)
		assert.Equal(t, "APIToken", ves[0].Field)
		assert.NotContains(t, ves[0].Error(), testToken)
	}
	_, err := newDirs(t).load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_TOKEN=Bearer "+testToken)
	ces := configErrors(t, err)
	require.Len(t, ces, 1)
	assert.Equal(t, "APIToken", ces[0].Field)
}

// A PEM key whose line breaks were written as the two characters \n, as a
// one-line variable holds it (.env files, CI settings), or turned into
// spaces, works in Configuration.PrivateKey and LoadConfiguration alike.
func TestValidate_pemWithEscapedLineBreaks(t *testing.T) {
	key := strings.ReplaceAll(strings.TrimSpace(testECKeyPEM()), "\n", `\n`)
	cfg := &Configuration{BasePath: orgURL, ClientID: "0oa1", Scopes: []string{"okta.sessions.read"}, PrivateKey: key}
	require.NoError(t, cfg.Validate())
	require.NoError(t, NewAPIClient(cfg).cfgErr)
	c, err := newDirs(t).load(&bytes.Buffer{}, "OKTA_CLIENT_ORGURL="+orgURL, "OKTA_CLIENT_CLIENTID=0oa1",
		"OKTA_CLIENT_SCOPES=okta.sessions.read", "OKTA_CLIENT_PRIVATEKEY="+key)
	require.NoError(t, err)
	require.NoError(t, NewAPIClient(c).cfgErr)

	// Its line breaks turned into spaces, as a one-line field or YAML's
	// folded scalar (privateKey: >) makes them.
	oneLine := strings.Join(strings.Fields(testECKeyPEM()), " ")
	cfg.PrivateKey = oneLine
	require.NoError(t, cfg.Validate())
	d := newDirs(t)
	writeFile(t, d.workFile(), "okta:\n  client:\n    orgUrl: "+orgURL+"\n    clientId: 0oa1\n    scopes: [okta.sessions.read]\n    privateKey: >\n      "+
		strings.ReplaceAll(strings.TrimSpace(testECKeyPEM()), "\n", "\n      ")+"\n", 0o600)
	c, err = d.load(&bytes.Buffer{})
	require.NoError(t, err)
	require.NoError(t, NewAPIClient(c).cfgErr)
}

// The mistakes of one configuration come in the same order on every run:
// no map order shows through, whichever source they come from.
func TestLoadConfiguration_stableOrder(t *testing.T) {
	d := newDirs(t)
	writeFile(t, d.workFile(), yamlClient("orgUrl: dev-123.okta.com", "tokn: x", "proxy:", "  host: p", "  port: 1", "scopes: [a b]"), 0o600)
	env := []string{"OKTA_CLIENT_TOKEN=SSWS x", "OKTA_CLIENT_PROXY_HOST=p", "OKTA_CLIENT_PROXY_PORT=1", "OKTA_CLIENT_ORG_URL=x",
		"OKTA_CLIENT_REQUEST_TIMEOUT=-1", "OKTA_CLIENT_CLIENTID=0oa\x01", "OKTA_CLIENT_PRIVATEKEYID=k\x01", "OKTA_CLIENT_FOO=1"}
	_, first := d.load(&bytes.Buffer{}, env...)
	require.Error(t, first)
	cfg := &Configuration{BasePath: "x", APIToken: "SSWS x", ClientID: "\x01", Scopes: []string{""}, PrivateKeyID: "\x01",
		Timeout: -1, DefaultHeader: map[string]string{"A b": "", "Host": "", "C\x01": "", "Authorization": ""}}
	firstV := cfg.Validate()
	for range 20 {
		slices.Reverse(env)
		_, err := d.load(&bytes.Buffer{}, env...)
		assert.Equal(t, first.Error(), err.Error())
		assert.Equal(t, firstV.Error(), cfg.Validate().Error())
	}
}
