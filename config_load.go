package okta

import (
	"errors"
	"log/slog"

	"golang.org/x/oauth2"

	"github.com/oktasessions/okta-session-go/internal/config"
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
	return func(l *loader) { l.opts.Home, l.opts.HomeSet = dir, true }
}

// WithWorkDir reads dir/.okta.yaml instead of .okta.yaml in the process's
// working directory, and resolves a relative private key path against dir.
func WithWorkDir(dir string) LoadOption {
	return func(l *loader) { l.opts.Work = dir }
}

// WithEnviron reads the OKTA_CLIENT_* variables from env, a list of
// "NAME=value" entries as os.Environ returns, instead of the process's
// environment. When a name repeats, the last entry wins.
func WithEnviron(env []string) LoadOption {
	return func(l *loader) { l.opts.Environ, l.opts.EnvSet = env, true }
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
	return func(l *loader) { l.opts.UnknownAsWarning = true }
}

// WithoutSource leaves out the given sources, for example
// WithoutSource(SourceHomeFile, SourceWorkDirFile) to read the environment
// alone.
func WithoutSource(sources ...ConfigSource) LoadOption {
	return func(l *loader) {
		for _, s := range sources {
			switch s {
			case SourceHomeFile:
				l.opts.SkipHome = true
			case SourceWorkDirFile:
				l.opts.SkipWork = true
			case SourceEnvironment:
				l.opts.SkipEnv = true
			}
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
	// *ValidationError that Configuration.Validate returns for a value one of
	// its checks refused (an org URL, a token, a private key, a scope...).
	Err error
}

// Error returns "okta: [file: ]name reason", where name is the variable, the
// YAML key, the file or the field.
func (e *ConfigError) Error() string {
	return (&config.Problem{Source: e.Source, Key: e.Key, Field: e.Field, Reason: e.Reason}).Error()
}

// Unwrap returns Err.
func (e *ConfigError) Unwrap() error { return e.Err }

// loader holds the options of one LoadConfiguration: where the machinery
// of internal/config reads, and the logger given.
type loader struct {
	opts   config.Options
	logger *slog.Logger
}

// LoadConfiguration returns NewConfiguration's defaults overlaid, later over
// earlier, by ~/.okta/okta.yaml, ./.okta.yaml and the OKTA_CLIENT_*
// environment variables, the names Okta's SDKs use. A missing file is
// skipped; every other problem is a *ConfigError, and all of them are
// returned together (errors.Join), so that one run shows every mistake:
//
//   - a value that is empty, malformed or out of range, naming the variable
//     or the file and key;
//   - an unknown OKTA_CLIENT_* variable or key in a file (a typo must not
//     fall back to a default); WithUnknownAsWarning logs these instead. The
//     settings of Okta's SDKs that this client does not use (cache,
//     connectionTimeout) are logged at Warn, but a proxy that is set is
//     an error: the client's requests use HTTPS_PROXY and NO_PROXY;
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
	if usableLogger(l.logger) { // else Validate refuses it at the end, and warnings go to slog.Default()
		l.opts.Logger = l.logger
	}
	l.opts.CheckKey = checkKey
	res := config.Load(l.opts)
	cfg := NewConfiguration()
	cfg.Logger = l.logger
	cfg.setLoaded(&res.Fields)
	// What every source set must also work together: the fields of two
	// modes, say, are an error now, not at the first call.
	var p problems
	p.addErr(cfg.Validate())
	for _, ve := range p {
		res.AddCheck(ve.Field, ve.Reason, ve)
	}
	if len(res.Problems) == 0 {
		return cfg, nil
	}
	errs := make([]error, len(res.Problems))
	for i, p := range res.Problems {
		e := &ConfigError{Source: p.Source, Key: p.Key, Field: p.Field, Reason: p.Reason, Err: p.Err}
		if p.Check != nil {
			e.Err = validationError(p.Check)
		}
		errs[i] = e
	}
	return nil, errors.Join(errs...)
}

// setLoaded sets the fields LoadConfiguration's sources set.
func (c *Configuration) setLoaded(f *config.Fields) {
	if f.BasePath != "" {
		c.BasePath = f.BasePath
	}
	if f.AccessToken != "" {
		c.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: f.AccessToken})
	}
	if f.MaxRetries != 0 {
		c.MaxRetries = f.MaxRetries
	}
	c.APIToken, c.AuthorizationMode, c.ClientID, c.Scopes = f.APIToken, f.AuthorizationMode, f.ClientID, f.Scopes
	c.PrivateKey, c.PrivateKeyID, c.Timeout, c.MaxRetryWait = f.PrivateKey, f.PrivateKeyID, f.Timeout, f.MaxRetryWait
}
