package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An unknown name within a typo or two of a known one gets "did you mean".
func TestLoadConfiguration_didYouMeanTypos(t *testing.T) {
	for name, want := range map[string]string{
		"OKTA_CLIENT_SCOPE=a":            "OKTA_CLIENT_SCOPES",
		"OKTA_CLIENT_ORGULR=a":           "OKTA_CLIENT_ORGURL",
		"OKTA_CLIENT_PRIVATEKEY_FIEL=a":  "OKTA_CLIENT_PRIVATEKEY_FILE",
		"OKTA_CLIENT_PRIVATE_KEY_FILE=a": "OKTA_CLIENT_PRIVATEKEY_FILE",
		"OKTA_CLIENT_REQUEST_TIMOEUT=1":  "OKTA_CLIENT_REQUEST_TIMEOUT",
		"OKTA_CLIENT_CLIENT_ID=a":        "OKTA_CLIENT_CLIENTID",
		"OKTA_CLIENT_ORGURL_FILE=a":      "OKTA_CLIENT_TOKEN",
		"OKTA_CLIENT_CACHE=1":            "",
	} {
		t.Run(name, func(t *testing.T) {
			l := &loader{Options: Options{Environ: []string{name}, EnvSet: true}}
			l.loadEnv(&l.Fields)
			require.Len(t, l.Problems, 1)
			ce := l.Problems[0]
			assert.Empty(t, ce.Field)
			if want == "" {
				assert.NotContains(t, ce.Reason, "OKTA_CLIENT_")
			} else {
				assert.Contains(t, ce.Reason, want)
			}
		})
	}
	for key, want := range map[string]string{"tokne": "token", "scope": "scopes", "clientID": "clientId", "privateKeyID": "privateKeyId"} {
		assert.Contains(t, didYouMean(key, yamlKeys()), want, key)
	}
}

// Every OKTA_CLIENT_* variable an example or a code block of the README
// names is one LoadConfiguration reads, so that the shell a reader sets up
// for one also works for the other.
func TestLoadConfiguration_readsEveryDocumentedVariable(t *testing.T) {
	files, err := filepath.Glob("../../examples/*/main.go")
	require.NoError(t, err)
	names := map[string]bool{}
	for _, f := range append(files, "../../README.md") {
		text, err := os.ReadFile(f)
		require.NoError(t, err)
		code := string(text)
		if strings.HasSuffix(f, "README.md") { // its code blocks, not the prose that shows a typo
			code = ""
			for i, part := range strings.Split(string(text), "```") {
				if i%2 == 1 {
					code += part
				}
			}
		}
		for _, n := range regexp.MustCompile(`OKTA_CLIENT_[A-Z_]*[A-Z]`).FindAllString(code, -1) {
			names[n] = true
		}
	}
	require.Contains(t, names, "OKTA_CLIENT_PRIVATEKEY_FILE")
	for name := range names {
		l := &loader{Options: Options{Environ: []string{name + "=x"}, EnvSet: true, Work: t.TempDir()}}
		l.loadEnv(&l.Fields)
		for _, p := range l.Problems {
			assert.NotEmpty(t, p.Field, "%s: %v", name, p)
		}
	}
}
