// Package config holds the configuration machinery of package okta: the
// checks of a configuration's values (the org URL, each AuthorizationMode's
// fields, the settings' ranges) and the loader of ~/.okta/okta.yaml,
// ./.okta.yaml and the OKTA_CLIENT_* variables, with its settings table.
//
// Package okta imports it, never the other way: the exported types
// (okta.Configuration, okta.ValidationError, okta.ConfigError) stay in the
// root, and this package works on Fields, a view of a configuration's
// values, and reports each mistake as a Problem, which the root turns into
// its own error types. What only the root can check (the private key, which
// the OAuth 2.0 client parses; Go objects such as a Clock) it checks
// itself, or hands in (Options.CheckKey).
package config
