package test

import (
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
	for mode, environ := range map[string][]string{
		"SSWS":       {"OKTA_CLIENT_TOKEN=00an-api-token-of-the-org"},
		"Bearer":     {"OKTA_CLIENT_AUTHORIZATIONMODE=Bearer", "OKTA_CLIENT_TOKEN=an-access-token-of-the-org"},
		"PrivateKey": {"OKTA_CLIENT_AUTHORIZATIONMODE=PrivateKey", "OKTA_CLIENT_CLIENTID=0oaloaded", "OKTA_CLIENT_PRIVATEKEY=" + key, "OKTA_CLIENT_SCOPES=okta.sessions.read,okta.sessions.manage"},
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
