// Package examples_test runs the authentication examples as their readers
// would, to check what they say when the environment lacks a variable.
package examples_test

import (
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthExamples_nameUnsetVariables(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the examples")
	}
	for example, needed := range map[string][]string{
		"auth-ssws":        {"OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN", "OKTA_SESSION_ID"},
		"auth-tokensource": {"OKTA_CLIENT_ORGURL", "OKTA_ACCESS_TOKEN", "OKTA_SESSION_ID"},
		"auth-serviceapp":  {"OKTA_CLIENT_ORGURL", "OKTA_CLIENT_CLIENTID", "OKTA_CLIENT_PRIVATEKEY_FILE", "OKTA_SESSION_ID"},
	} {
		t.Run(example, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), example)
			build, err := exec.Command(goCmd, "build", "-o", bin, "./"+example).CombinedOutput()
			require.NoError(t, err, "%s", build)

			out := runExample(t, bin)
			for _, name := range needed {
				assert.Contains(t, out, name, "with no environment")
			}
			for i, missing := range needed {
				var env []string
				for _, name := range slices.Delete(slices.Clone(needed), i, i+1) {
					env = append(env, name+"=set")
				}
				out := runExample(t, bin, env...)
				for _, name := range needed {
					if name == missing {
						assert.Contains(t, out, name)
					} else {
						assert.NotContains(t, out, name, "names only what is unset")
					}
				}
			}
		})
	}
}

// runExample runs bin with only env, expects exit status 1 and returns its
// output.
func runExample(t *testing.T, bin string, env ...string) string {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append([]string{}, env...) // not nil, which would mean the test's environment
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "%v: %s", err, out)
	assert.Equal(t, 1, exit.ExitCode(), "%s", out)
	return string(out)
}
