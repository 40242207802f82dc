package config

import (
	"maps"
	"os"
	"slices"
	"strings"
)

// envPrefix starts every variable okta.LoadConfiguration reads.
const envPrefix = "OKTA_CLIENT_"

// loadEnv applies the OKTA_CLIENT_* variables to c, in name order so that
// errors come in a stable order. A secret's <variable>_FILE names a file
// holding it; setting both is an error.
func (l *loader) loadEnv(c *Fields) {
	env := l.Environ
	if !l.EnvSet {
		env = os.Environ()
	}
	vars := map[string]string{}
	for _, kv := range env {
		if name, val, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(name, envPrefix) {
			vars[name] = val
		}
	}
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		byEnv := func(s *setting) string { return s.env }
		if s := settingBy(byEnv, name); s != nil {
			if _, both := vars[name+fileSuffix]; both && s.fromFile != nil {
				continue // refused below, under the _FILE name
			}
			l.apply(c, s, name, "", value{text: vars[name]})
			continue
		}
		if s := settingBy(byEnv, strings.TrimSuffix(name, fileSuffix)); s != nil && s.fromFile != nil {
			l.applyFile(c, s, name, vars)
			continue
		}
		if l.sdkSetting(name, "", sdkKeyOfEnv(name), strings.TrimSpace(vars[name]) != "") {
			continue
		}
		shown := envPrefix + shownName(strings.TrimPrefix(name, envPrefix))
		l.unknown(&Problem{Source: shown, Reason: "is not a variable this client reads" + envHint(name)})
	}
}

// applyFile applies the _FILE form of the secret s, the variable name.
func (l *loader) applyFile(c *Fields, s *setting, name string, vars map[string]string) {
	if _, both := vars[s.env]; both {
		l.record(invalid("is set together with "+s.env+": set one of them"), name, "", s.field)
		return
	}
	path, e := value{text: vars[name]}.scalar()
	if e == nil {
		e = s.fromFile(l, c, path)
	}
	if e != nil {
		l.record(e, name, "", s.field)
		return
	}
	l.from(s.field, origin{source: name})
}

// envNames are the variables okta.LoadConfiguration reads, the _FILE forms
// included.
func envNames() []string {
	var names []string
	for _, s := range settings {
		names = append(names, s.env)
		if s.fromFile != nil {
			names = append(names, s.env+fileSuffix)
		}
	}
	return names
}

// envHint ends the message of an unknown variable: the _FILE forms there
// are, or the known name closest to it.
func envHint(name string) string {
	if base, ok := strings.CutSuffix(name, fileSuffix); ok && settingBy(func(s *setting) string { return s.env }, base) != nil {
		var secrets []string
		for _, s := range settings {
			if s.fromFile != nil {
				secrets = append(secrets, s.env)
			}
		}
		return ": only the secrets, " + strings.Join(secrets, " and ") + ", have a " + fileSuffix + " form; set " + base
	}
	return didYouMean(name, envNames())
}

// maxTypoName bounds the names didYouMean compares by edit distance.
const maxTypoName = 64

// didYouMean returns a hint naming the known name closest to name, or "":
// one that differs only in case, separators ('_', '-', '.') or the
// OKTA_CLIENT_ prefix, else one within a typo or two of it.
func didYouMean(name string, known []string) string {
	fold := func(s string) string {
		s = strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(s))
		return strings.TrimPrefix(s, "oktaclient")
	}
	want := fold(name)
	best, bestDist := "", 3
	for _, k := range known {
		f := fold(k)
		d := 0
		switch {
		case f == want:
		case len(want) > maxTypoName:
			continue
		default:
			d = editDistance(f, want)
		}
		if d < bestDist && (d <= 1 || len(f) > 5) {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean " + best + "?"
}

// editDistance is the optimal string alignment distance between a and b, in
// bytes: the edits, a swap of two neighbours included, that turn one into
// the other.
func editDistance(a, b string) int {
	rows := [3][]int{make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(a); i++ {
		pp, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, pp
	}
	return rows[1][len(b)]
}
