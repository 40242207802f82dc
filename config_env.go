package okta

import (
	"maps"
	"os"
	"slices"
	"strings"
)

// envPrefix starts every variable LoadConfiguration reads.
const envPrefix = "OKTA_CLIENT_"

// loadEnv applies the OKTA_CLIENT_* variables to c, in name order so that
// errors come in a stable order.
func (l *loader) loadEnv(c *Configuration) {
	env := l.environ
	if !l.envSet {
		env = os.Environ()
	}
	vars := map[string]string{}
	for _, kv := range env {
		if name, val, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(name, envPrefix) {
			vars[name] = val
		}
	}
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		s := settingBy(func(s *setting) string { return s.env }, name)
		if s == nil {
			shown := envPrefix + shownName(strings.TrimPrefix(name, envPrefix))
			l.unknown(&ConfigError{Source: shown, Reason: "is not a variable this client reads" +
				didYouMean(name, func(s *setting) string { return s.env })})
			continue
		}
		l.apply(c, s, name, "", value{text: vars[name]})
	}
}
