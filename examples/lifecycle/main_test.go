package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// broken returns a directory whose .okta.yaml and .okta/okta.yaml are both
// invalid, for HOME and the working directory.
func broken(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, ".okta"), 0o700))
	for _, name := range []string{".okta.yaml", filepath.Join(".okta", "okta.yaml")} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("okta: {client: {orgUrl: '{yourOktaDomain}'}}\n"), 0o600))
	}
	return dir
}

// assertSteps checks that out holds want, in order.
func assertSteps(t *testing.T, out string, want []string) {
	t.Helper()
	for _, w := range want {
		i := strings.Index(out, w)
		if !assert.GreaterOrEqual(t, i, 0, "missing %q in:\n%s", w, out) {
			return
		}
		out = out[i+len(w):]
	}
}

func TestRun_embeddedFake(t *testing.T) {
	// A developer's okta.yaml files and OKTA_CLIENT_* variables are not read.
	dir := broken(t)
	t.Setenv("HOME", dir)
	t.Chdir(dir)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, []string{"OKTA_CLIENT_ORGURL=https://example.invalid", "OKTA_CLIENT_TOKEN=x"}))
	assertSteps(t, out.String(), []string{
		"org: embedded fake Okta at http://127.0.0.1:",
		"CreateSession      200 OK  request req", "rate limit remaining 749",
		"Status: ACTIVE",
		"GetSession         200 OK",
		"RefreshSession     200 OK",
		"EndSession         204 No Content",
		"GetSession         404 Not Found",
		"error: okta: GetSession: 404 E0000007 Not found: Resource not found: 102",
		"CreateSession      200 OK",
		"GetCurrentSession  200 OK",
		"RevokeUserSessions 204 No Content",
		"GetCurrentSession  404 Not Found",
		"error: okta: GetCurrentSession: 404 E0000007",
	})
	assert.Regexp(t, `login=ann@example\.com  expires in (2h0m0s|1h59m5\ds)`, out.String())
}

// With OKTA_SESSION_TOKEN set, the org comes from LoadConfiguration; the
// fake stands in for a real org, whose cookie the example cannot have.
func TestRun_realOrg(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Chdir(t.TempDir())
	srv := oktatest.NewServer(t)
	tok := srv.IssueSessionToken(oktatest.User{Login: "bob@example.com"})
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, []string{
		"OKTA_CLIENT_ORGURL=" + srv.URL, "OKTA_CLIENT_TOKEN=" + srv.APIToken, "OKTA_SESSION_TOKEN=" + tok,
	}))
	assertSteps(t, out.String(), []string{
		"org: " + srv.URL + "\n",
		"CreateSession      200 OK",
		"login=bob@example.com",
		"EndSession         204 No Content",
		"GetSession         404 Not Found",
		"GetCurrentSession  skipped",
		"RevokeUserSessions 204 No Content",
	})
	assert.Equal(t, 1, strings.Count(out.String(), "CreateSession"), "no second sign-in on a real org")

	out.Reset()
	err := run(context.Background(), &out, []string{"OKTA_CLIENT_TOKEN=" + srv.APIToken, "OKTA_SESSION_TOKEN=" + tok})
	var ce *okta.ConfigError
	require.ErrorAs(t, err, &ce, "a real org without an org URL")
	assert.Equal(t, "BasePath", ce.Field)
}
