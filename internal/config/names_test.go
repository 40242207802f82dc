package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShownName(t *testing.T) {
	for name, want := range map[string]string{
		"orgURL":                    "orgURL",
		"rateLimit.max_retries":     "rateLimit.max_retries",
		"OKTA_CLIENT_CACHE_ENABLED": "OKTA_CLIENT_CACHE_ENABLED",
		"token:00abcdefghij":        "toke...",
		"token2":                    "...",
		"<<":                        "...",
		"t\u043eken-and-more":       "...",
		strings.Repeat("a", 40):     "aaaa...",
	} {
		assert.Equal(t, want, shownName(name), name)
	}
}

func TestYAMLProblem(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"yaml: line 3: unknown anchor '00SECRET' referenced", "yaml: line 3: unknown anchor '...' referenced"},
		{"yaml: line 2: did not find expected ',' or ']'", "yaml: line 2: did not find expected ',' or ']'"},
		{`yaml: line 1: found "00SECRET`, "yaml: line 1: found '...'"},
	} {
		assert.Equal(t, tt.want, yamlProblem(fmt.Errorf("%s", tt.in)))
	}
}
