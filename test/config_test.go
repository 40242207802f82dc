package test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// Every authorization mode LoadConfiguration accepts is one the client then
// uses: a configuration loaded from OKTA_CLIENT_* variables authenticates to
// the fake org in each mode.
func TestLoadConfiguration_everyModeWorks(t *testing.T) {
	app, key := oktatest.NewServiceApp("0oaloaded", true, "okta.sessions.read", "okta.sessions.manage")
	dir := t.TempDir()
	keyFile, tokenFile := filepath.Join(dir, "key.pem"), filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(keyFile, []byte(key), 0o600))
	require.NoError(t, os.WriteFile(tokenFile, []byte("00an-api-token-of-the-org\n"), 0o600))
	for mode, environ := range map[string][]string{
		"SSWS":              {"OKTA_CLIENT_TOKEN=00an-api-token-of-the-org"},
		"SSWS, token file":  {"OKTA_CLIENT_TOKEN_FILE=" + tokenFile},
		"Bearer":            {"OKTA_CLIENT_AUTHORIZATIONMODE=Bearer", "OKTA_CLIENT_TOKEN=an-access-token-of-the-org"},
		"PrivateKey":        {"OKTA_CLIENT_AUTHORIZATIONMODE=PrivateKey", "OKTA_CLIENT_CLIENTID=0oaloaded", "OKTA_CLIENT_PRIVATEKEY=" + key, "OKTA_CLIENT_SCOPES=okta.sessions.read,okta.sessions.manage"},
		"PrivateKey, _FILE": {"OKTA_CLIENT_CLIENTID=0oaloaded", "OKTA_CLIENT_PRIVATEKEY_FILE=" + keyFile, "OKTA_CLIENT_SCOPES=okta.sessions.read,okta.sessions.manage"},
	} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, nil, oktatest.WithAPIToken("00an-api-token-of-the-org"),
				oktatest.WithAccessToken("an-access-token-of-the-org"), oktatest.WithServiceApp(app))
			cfg, err := okta.LoadConfiguration(okta.WithoutSource(okta.SourceHomeFile, okta.SourceWorkDirFile),
				okta.WithEnviron(append([]string{"OKTA_CLIENT_ORGURL=" + e.srv.URL}, environ...)))
			require.NoError(t, err)
			cfg.Clock = e.clock // the fake checks DPoP proofs' iat on its own clock
			api := e.clientFor(cfg).SessionApi
			s, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: e.srv.IssueSessionToken(oktatest.User{})})
			require.NoError(t, err)
			_, _, err = api.GetSession(ctx, s.Id)
			require.NoError(t, err)
		})
	}
}

// Configuration.PrivateKey may be the path of a file holding the key, as the
// README's settings table says: the client reads it and authenticates.
func TestConfiguration_privateKeyPath(t *testing.T) {
	app, key := oktatest.NewServiceApp("0oapath", true, "okta.sessions.read", "okta.sessions.manage")
	path := filepath.Join(t.TempDir(), "key.pem")
	require.NoError(t, os.WriteFile(path, []byte(key), 0o600))
	e := newEnv(t, nil, oktatest.WithServiceApp(app))
	cfg := e.srv.ServiceAppConfig(app, path)
	cfg.Clock = e.clock
	require.NoError(t, cfg.Validate())
	api := e.clientFor(cfg).SessionApi
	s, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: e.srv.IssueSessionToken(oktatest.User{})})
	require.NoError(t, err)
	_, _, err = api.GetSession(ctx, s.Id)
	require.NoError(t, err)
}
