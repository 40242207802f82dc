package okta

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"

	"golang.org/x/oauth2"
)

// ConfigSource names one of the places LoadConfiguration reads; see
// WithoutSource.
type ConfigSource int

// The sources of LoadConfiguration, from the lowest precedence to the highest.
const (
	// SourceHomeFile is ~/.okta/okta.yaml.
	SourceHomeFile ConfigSource = iota + 1
	// SourceWorkDirFile is .okta.yaml in the working directory.
	SourceWorkDirFile
	// SourceEnvironment is the OKTA_CLIENT_* environment variables.
	SourceEnvironment
)

// LoadOption changes where LoadConfiguration reads or how it reports.
type LoadOption func(*loader)

// WithHomeDir reads dir/.okta/okta.yaml instead of the file in the user's
// home directory (os.UserHomeDir).
func WithHomeDir(dir string) LoadOption {
	return func(l *loader) { l.home, l.homeSet = dir, true }
}

// WithWorkDir reads dir/.okta.yaml instead of .okta.yaml in the process's
// working directory, and resolves a relative private key path against dir.
func WithWorkDir(dir string) LoadOption {
	return func(l *loader) { l.work = dir }
}

// WithEnviron reads the OKTA_CLIENT_* variables from env, a list of
// "NAME=value" entries as os.Environ returns, instead of the process's
// environment. When a name repeats, the last entry wins.
func WithEnviron(env []string) LoadOption {
	return func(l *loader) { l.environ, l.envSet = env, true }
}

// WithLogger sends LoadConfiguration's warnings to logger instead of
// slog.Default(), and sets the returned Configuration's Logger to it.
func WithLogger(logger *slog.Logger) LoadOption {
	return func(l *loader) { l.logger = logger }
}

// WithUnknownAsWarning turns the *ConfigError for an unknown OKTA_CLIENT_*
// variable or okta.yaml key into a Warn log record, for an environment or a
// file shared with a tool that has settings of its own.
func WithUnknownAsWarning() LoadOption {
	return func(l *loader) { l.unknownWarns = true }
}

// WithoutSource leaves out the given sources, for example
// WithoutSource(SourceHomeFile, SourceWorkDirFile) to read the environment
// alone.
func WithoutSource(sources ...ConfigSource) LoadOption {
	return func(l *loader) {
		for _, s := range sources {
			l.skip |= 1 << s
		}
	}
}

// ConfigError reports a setting LoadConfiguration could not use, or one that
// no source set. Its message names where the setting came from and what was
// expected, and never holds the value, which may be a secret.
type ConfigError struct {
	// Source is the environment variable, such as "OKTA_CLIENT_TOKEN", or the
	// path of the YAML file; empty when no source set a required setting. Of
	// an unknown variable, the part after OKTA_CLIENT_ is shown whole only
	// when it is at most 32 bytes of letters, '_', '.' and '-'; else it is
	// shortened to its first four characters ("OKTA_CLIENT_TOKE..."), since
	// it may hold a value.
	Source string
	// Key is the YAML key, such as "okta.client.orgUrl"; empty for a variable
	// and for a problem with a whole file. An unknown key is shortened as an
	// unknown variable is.
	Key string
	// Field is the Configuration field, such as "APIToken"; empty for an
	// unknown name and for a problem with a whole file.
	Field string
	// Reason says what is wrong and what to do.
	Reason string
	// Err is the cause when there is one to match with errors.Is or As, such
	// as fs.ErrNotExist for a missing private key file, or the
	// *ValidationError an org URL failed.
	Err error
}

// Error returns "okta: [file: ]name reason", where name is the variable, the
// YAML key, the file or the field.
func (e *ConfigError) Error() string {
	name := e.Field
	switch {
	case e.Key != "":
		name = e.Source + ": " + e.Key
	case e.Source != "":
		name = e.Source
	}
	return "okta: " + name + " " + e.Reason
}

// Unwrap returns Err.
func (e *ConfigError) Unwrap() error { return e.Err }

// loader holds the options and the findings of one LoadConfiguration.
type loader struct {
	home, work   string
	homeSet      bool
	environ      []string
	envSet       bool
	logger       *slog.Logger
	unknownWarns bool
	skip         int
	errs         []error
	origin       map[string]origin // where each field set without error came from
}

// origin is where a setting came from: a variable, or a file and key.
type origin struct{ source, key string }

// LoadConfiguration returns NewConfiguration's defaults overlaid, later over
// earlier, by ~/.okta/okta.yaml, ./.okta.yaml and the OKTA_CLIENT_*
// environment variables, the names Okta's SDKs use. A missing file is
// skipped; every other problem is a *ConfigError, and all of them are
// returned together (errors.Join), so that one run shows every mistake:
//
//   - a value that is empty, malformed or out of range, naming the variable
//     or the file and key;
//   - an unknown OKTA_CLIENT_* variable or key in a file (a typo must not
//     fall back to a default); WithUnknownAsWarning logs these instead;
//   - the org URL or a credential missing once every source is read: the org
//     URL, and the token unless AuthorizationMode is (or the client id and
//     private key imply) "PrivateKey", which needs the client id, private key
//     and scopes instead;
//   - what Configuration.Validate finds, with the same reasons, such as the
//     fields of two modes, with the source of the field at fault.
//
// The secrets also have a file form, as containers mount them:
// OKTA_CLIENT_TOKEN_FILE and OKTA_CLIENT_PRIVATEKEY_FILE name a file whose
// content is the token or the key; setting a variable and its _FILE form
// at once is an error.
//
// A file readable by every user that holds a token or a private key, and
// such a token or private key file, get a Warn record, as ssh warns of an unprotected
// key; records go to the WithLogger logger, or slog.Default() when none is
// given. Options point the loader at other directories or another
// environment, as tests do.
//
// The variables and keys are those of Okta's management SDKs; see
// https://github.com/okta/okta-sdk-golang#configuration-reference.
func LoadConfiguration(opts ...LoadOption) (*Configuration, error) {
	l := &loader{}
	for _, o := range opts {
		o(l)
	}
	cfg := NewConfiguration()
	cfg.Logger = l.logger
	if l.use(SourceHomeFile) {
		if home := l.homeDir(); home != "" {
			l.loadFile(cfg, filepath.Join(home, ".okta", "okta.yaml"))
		}
	}
	if l.use(SourceWorkDirFile) {
		l.loadFile(cfg, filepath.Join(l.work, ".okta.yaml"))
	}
	if l.use(SourceEnvironment) {
		l.loadEnv(cfg)
	}
	if cfg.AuthorizationMode == authModeBearer && cfg.APIToken != "" {
		// Okta's SDKs read the token of Bearer mode as an access token; the
		// Configuration's field for one is TokenSource (APIToken is SSWS).
		cfg.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: cfg.APIToken})
		cfg.APIToken = ""
	}
	l.checkComplete(cfg)
	l.checkValid(cfg)
	if len(l.errs) > 0 {
		return nil, errors.Join(l.errs...)
	}
	return cfg, nil
}

// use reports whether the source is to be read.
func (l *loader) use(s ConfigSource) bool { return l.skip&(1<<s) == 0 }

// homeDir returns the home directory, or "" when there is none.
func (l *loader) homeDir() string {
	if l.homeSet {
		return l.home
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return home
}

// warn logs a Warn record to the chosen logger.
func (l *loader) warn(msg string, args ...any) {
	logger := l.logger
	if logger == nil || !usableLogger(logger) { // Validate refuses an unusable one at the end
		logger = slog.Default()
	}
	logger.Warn(msg, args...)
}

// unknown reports a name no setting has: an error, or a warning with
// WithUnknownAsWarning.
func (l *loader) unknown(e *ConfigError) {
	if l.unknownWarns {
		l.warn("okta: unknown configuration setting ignored", "error", e.Error())
		return
	}
	l.errs = append(l.errs, e)
}

// apply parses v into c by s, recording any error with its source and key,
// or else where the field came from.
func (l *loader) apply(c *Configuration, s *setting, source, key string, v value) {
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
func (l *loader) record(e *ConfigError, source, key, field string) {
	e.Source, e.Key, e.Field = source, key, field
	l.errs = append(l.errs, e)
}

// checkComplete reports the settings the loaded configuration needs but no
// source set: the org URL, and the fields its AuthorizationMode needs (see
// authModes), the token when no field implies a mode.
func (l *loader) checkComplete(c *Configuration) {
	var need []string
	if c.BasePath == defaultBasePath {
		need = append(need, "BasePath")
	}
	if c.impliedMode() == "" {
		need = append(need, "APIToken")
	}
	for _, field := range append(need, c.unsetFields()...) {
		s := settingByField(loadedAs(field))
		if l.failed(s.field) {
			continue // its error says more than "is not set"
		}
		l.errs = append(l.errs, &ConfigError{Field: s.field, Reason: "is not set: set " + s.env +
			", or okta.client." + s.key + " in ~/.okta/okta.yaml or ./.okta.yaml"})
	}
}

// loadedAs is the field a setting sets for the Configuration field: the
// token of Bearer mode becomes TokenSource.
func loadedAs(field string) string {
	if field == "TokenSource" {
		return "APIToken"
	}
	return field
}

// checkValid reports what Configuration.Validate finds in the loaded
// configuration, for the fields no error was reported of yet, with the
// source each field came from: settings that do not work together, such as
// the fields of two modes.
func (l *loader) checkValid(c *Configuration) {
	var p problems
	p.addErr(c.Validate())
	for _, ve := range p {
		if l.failed(loadedAs(ve.Field)) {
			continue
		}
		o := l.origin[loadedAs(ve.Field)]
		l.errs = append(l.errs, &ConfigError{Source: o.source, Key: o.key, Field: ve.Field, Reason: ve.Reason, Err: ve})
	}
}

// failed reports whether an error about field was recorded already.
func (l *loader) failed(field string) bool {
	for _, err := range l.errs {
		var e *ConfigError
		if errors.As(err, &e) && e.Field == field {
			return true
		}
	}
	return false
}
