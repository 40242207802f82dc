package config

import (
	"log/slog"
	"os"
	"path/filepath"
)

// Options say where Load reads and how it reports.
type Options struct {
	// Home is the home directory, when HomeSet; else os.UserHomeDir.
	Home    string
	HomeSet bool
	// Work is the working directory of ./.okta.yaml and of relative paths;
	// "" is the process's.
	Work string
	// Environ is the environment, when EnvSet; else os.Environ.
	Environ []string
	EnvSet  bool
	// SkipHome, SkipWork and SkipEnv leave out a source.
	SkipHome, SkipWork, SkipEnv bool
	// UnknownAsWarning logs an unknown name at Warn instead of reporting it.
	UnknownAsWarning bool
	// Logger receives the warnings; nil means slog.Default().
	Logger *slog.Logger
	// CheckKey checks a private key, PEM or JWK: nil when the client can
	// sign with it.
	CheckKey func(key string) *KeyProblem
}

// KeyProblem is why CheckKey refuses a private key.
type KeyProblem struct {
	Reason  string // what is wrong, without any part of the key
	NotAKey bool   // neither PEM nor a JWK, rather than an unusable key
}

// Result is what Load found: the values its sources set, and every
// problem.
type Result struct {
	Fields   Fields            // the values the sources set; zero where none did
	Problems []*Problem        // every problem, in the order found
	origin   map[string]origin // where each field set without error came from
}

// origin is where a setting came from: a variable, or a file and key.
type origin struct{ source, key string }

// loader holds the options and the findings of one Load.
type loader struct {
	Options
	Result
}

// Load reads ~/.okta/okta.yaml, ./.okta.yaml and the OKTA_CLIENT_*
// variables, later over earlier, as okta.LoadConfiguration documents, and
// reports the settings the configuration needs but no source set.
func Load(o Options) *Result {
	l := &loader{Options: o}
	if !o.SkipHome {
		if home := l.homeDir(); home != "" {
			l.loadFile(&l.Fields, filepath.Join(home, ".okta", "okta.yaml"))
		}
	}
	if !o.SkipWork {
		l.loadFile(&l.Fields, filepath.Join(l.Work, ".okta.yaml"))
	}
	if !o.SkipEnv {
		l.loadEnv(&l.Fields)
	}
	if f := &l.Fields; f.AuthorizationMode == ModeBearer && f.APIToken != "" {
		// Okta's SDKs read the token of Bearer mode as an access token; the
		// Configuration's field for one is TokenSource (APIToken is SSWS).
		f.AccessToken, f.APIToken, f.TokenSource = f.APIToken, "", true
	}
	l.checkComplete(&l.Fields)
	return &l.Result
}

// homeDir returns the home directory, or "" when there is none.
func (l *loader) homeDir() string {
	if l.HomeSet {
		return l.Home
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return home
}

// warn logs a Warn record, to slog.Default() when Options has no Logger.
func (l *loader) warn(msg string, args ...any) {
	logger := l.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.Warn(msg, args...)
}

// checkKey is Options.CheckKey, or nil when there is none.
func (l *loader) checkKey(key string) *KeyProblem {
	if l.CheckKey == nil {
		return nil
	}
	return l.CheckKey(key)
}

// unknown reports a name no setting has: an error, or a warning with
// UnknownAsWarning.
func (l *loader) unknown(e *Problem) {
	if l.UnknownAsWarning {
		l.warn("okta: unknown configuration setting ignored", "error", e.Error())
		return
	}
	l.Problems = append(l.Problems, e)
}

// apply parses v into c by s, recording any error with its source and key,
// or else where the field came from.
func (l *loader) apply(c *Fields, s *setting, source, key string, v value) {
	if e := s.apply(l, c, v); e != nil {
		l.record(e, source, key, s.field)
		return
	}
	l.from(s.field, origin{source, key})
}

// from records where field came from.
func (l *loader) from(field string, o origin) {
	if l.origin == nil {
		l.origin = map[string]origin{}
	}
	l.origin[field] = o
}

// record completes e with where it came from and keeps it.
func (l *loader) record(e *Problem, source, key, field string) {
	e.Source, e.Key, e.Field = source, key, field
	l.Problems = append(l.Problems, e)
}

// checkComplete reports the settings the loaded configuration needs but no
// source set: the org URL, and the fields its AuthorizationMode needs (see
// authModes), the token when no field implies a mode.
func (l *loader) checkComplete(c *Fields) {
	var need []string
	if c.BasePath == "" {
		need = append(need, "BasePath")
	}
	if c.ImpliedMode() == "" {
		need = append(need, "APIToken")
	}
	for _, field := range append(need, c.unsetFields()...) {
		s := settingByField(loadedAs(field))
		if l.Failed(s.field) {
			continue // its error says more than "is not set"
		}
		l.Problems = append(l.Problems, &Problem{Field: s.field, Reason: "is not set: set " + s.env +
			", or okta.client." + s.key + " in ~/.okta/okta.yaml or ./.okta.yaml"})
	}
}

// loadedAs is the field a setting sets for the okta.Configuration field: the
// token of Bearer mode becomes TokenSource.
func loadedAs(field string) string {
	if field == "TokenSource" {
		return "APIToken"
	}
	return field
}

// Failed reports whether a problem of field was found already.
func (r *Result) Failed(field string) bool {
	for _, p := range r.Problems {
		if p.Field == field {
			return true
		}
	}
	return false
}

// AddCheck adds a problem Validate found in the loaded configuration, with
// the source its field came from, unless a problem of that field was found
// already. err is the root's error for it.
func (r *Result) AddCheck(field, reason string, err error) {
	if r.Failed(loadedAs(field)) {
		return
	}
	o := r.origin[loadedAs(field)]
	r.Problems = append(r.Problems, &Problem{Source: o.source, Key: o.key, Field: field, Reason: reason, Err: err})
}

// Error returns the problem as okta.ConfigError words it.
func (p *Problem) Error() string {
	name := p.Field
	switch {
	case p.Key != "":
		name = p.Source + ": " + p.Key
	case p.Source != "":
		name = p.Source
	}
	return "okta: " + name + " " + p.Reason
}
