package test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// RevokeUserSessions ends every session of the user, however it was made,
// and no other user's; the fake sees only the flags the caller set.
func TestRevokeUserSessions(t *testing.T) {
	e := newEnv(t, nil)
	users := e.client.UserSessionsApi
	ann := e.srv.SeedUser(oktatest.User{Login: "ann@example.com"})
	created, _, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: e.srv.IssueSessionToken(ann)})
	require.NoError(t, err)
	seededID, err := e.srv.SeedSession(oktatest.SessionSeed{User: ann, Status: okta.SessionStatusMFAEnroll})
	require.NoError(t, err)
	bob := e.create(t)

	resp, err := users.RevokeUserSessions(ctx, ann.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	for _, id := range []string{created.Id, seededID} {
		_, _, err := e.api.GetSession(ctx, id)
		requireAPIError(t, err, "GetSession", http.StatusNotFound, "E0000007", okta.ErrNotFound)
	}
	_, _, err = e.api.GetCurrentSession(ctx, &http.Cookie{Name: "idx", Value: seededID})
	requireAPIError(t, err, "GetCurrentSession", http.StatusNotFound, "E0000007", okta.ErrNotFound)
	_, _, err = e.api.GetSession(ctx, bob.Id)
	assert.NoError(t, err, "another user's session lives on")

	_, err = users.RevokeUserSessions(ctx, ann.ID, &okta.RevokeUserSessionsOpts{ForgetDevices: okta.PtrBool(false)})
	require.NoError(t, err, "a user without sessions")
	var queries []url.Values
	for _, r := range e.routeRequests(oktatest.RouteRevokeUserSessions) {
		queries = append(queries, r.Query)
	}
	assert.Equal(t, []url.Values{{}, {"forgetDevices": {"false"}}}, queries)

	_, err = users.RevokeUserSessions(ctx, "00unobody", nil)
	requireAPIError(t, err, "RevokeUserSessions", http.StatusNotFound, "E0000007", okta.ErrNotFound)
}

// The fake in process, without a listener: every operation of the spec, in
// a user's life, through the conformance check.
func TestInProcess_everyOperation(t *testing.T) {
	srv, err := oktatest.NewInProcess(oktatest.WithClock(oktatest.NewFakeClock(t0)))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	conf := newConformance(t, srv.RoundTripper())
	cfg := srv.Config()
	cfg.HTTPClient = &http.Client{Transport: conf}
	watch(t, cfg)
	client := okta.NewAPIClient(cfg)
	api := client.SessionApi

	ann := srv.SeedUser(oktatest.User{Login: "ann@example.com"})
	signIn := func() okta.Session {
		s, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: srv.IssueSessionToken(ann)})
		require.NoError(t, err)
		return s
	}
	first, second, third := signIn(), signIn(), signIn()
	cookie := &http.Cookie{Name: "sid", Value: first.Id}
	steps := []func() error{
		func() error { _, _, err := api.GetSession(ctx, first.Id); return err },
		func() error { _, _, err := api.RefreshSession(ctx, first.Id); return err },
		func() error { _, _, err := api.GetCurrentSession(ctx, cookie); return err },
		func() error { _, _, err := api.RefreshCurrentSession(ctx, cookie); return err },
		func() error { _, err := api.CloseCurrentSession(ctx, cookie); return err },
		func() error { _, err := api.EndSession(ctx, second.Id); return err },
		func() error { _, err := client.UserSessionsApi.RevokeUserSessions(ctx, ann.ID, nil); return err },
	}
	for i, step := range steps {
		require.NoError(t, step(), "step %d", i)
	}
	_, _, err = api.GetSession(ctx, third.Id)
	requireAPIError(t, err, "GetSession", http.StatusNotFound, "E0000007", okta.ErrNotFound)

	doc, err := spec()
	require.NoError(t, err)
	checked := conf.operations()
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			assert.True(t, checked[op.OperationID], "%s %s (%s) was not checked", method, path, op.OperationID)
		}
	}
}
