package test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// Every authorization mode LoadConfiguration accepts is one the client then
// uses: a configuration loaded from OKTA_CLIENT_* variables authenticates to
// the fake org in each mode.
func TestLoadConfiguration_everyModeWorks(t *testing.T) {
	app, key := oktatest.NewServiceApp("0oaloaded", true, "okta.sessions.read", "okta.sessions.manage")
	clock := oktatest.NewFakeClock(t0)
	srv := oktatest.NewServer(t, oktatest.WithClock(clock), oktatest.WithAccessToken("an-access-token-of-the-org"),
		oktatest.WithServiceApp(app))
	for mode, env := range map[string][]string{
		"SSWS":       {"OKTA_CLIENT_TOKEN=" + srv.APIToken},
		"Bearer":     {"OKTA_CLIENT_AUTHORIZATIONMODE=Bearer", "OKTA_CLIENT_TOKEN=an-access-token-of-the-org"},
		"PrivateKey": {"OKTA_CLIENT_AUTHORIZATIONMODE=PrivateKey", "OKTA_CLIENT_CLIENTID=0oaloaded", "OKTA_CLIENT_PRIVATEKEY=" + key, "OKTA_CLIENT_SCOPES=okta.sessions.read,okta.sessions.manage"},
	} {
		t.Run(mode, func(t *testing.T) {
			cfg, err := okta.LoadConfiguration(okta.WithoutSource(okta.SourceHomeFile, okta.SourceWorkDirFile),
				okta.WithEnviron(append([]string{"OKTA_CLIENT_ORGURL=" + srv.URL}, env...)))
			require.NoError(t, err)
			cfg.Clock = clock // the fake checks DPoP proofs' iat on its own clock
			cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
			watch(t, cfg)
			api := okta.NewAPIClient(cfg).SessionApi
			s, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: srv.IssueSessionToken(oktatest.User{})})
			require.NoError(t, err)
			_, _, err = api.GetSession(ctx, s.Id)
			require.NoError(t, err)
		})
	}
}
