package okta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
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

	notAKey := "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\nU2VjcmV0S2V5TWF0ZXJpYWw="
	ves := validationErrors(t, cfg(notAKey).Validate())
	require.Len(t, ves, 1)
	assert.NotContains(t, ves[0].Reason, "does not exist")
	assert.NotContains(t, ves[0].Error(), "MIGH")
}
