package config

import "strings"

// Okta's management SDKs read settings that this client has no use for.
// ~/.okta/okta.yaml and the OKTA_CLIENT_* variables are shared by every Okta
// SDK a program or a machine uses (okta-sdk-golang's sample okta.yaml has
// them all), so these are not typos: they are ignored with a Warn record,
// all but a proxy that is set, which is an error (a warning with
// UnknownAsWarning), since the client would not go through it.

// sdkCache is the key of the cache settings, all ignored: this client
// caches no resource.
const sdkCache = "cache"

// sdkSettings are the other keys under okta.client, and their variables
// as Okta's SDKs spell them, that this client does not read.
var sdkSettings = map[string][]string{
	"connectionTimeout": {"OKTA_CLIENT_CONNECTION_TIMEOUT", "OKTA_CLIENT_CONNECTIONTIMEOUT"},
	"proxy":             nil, // a proxy URL given as one value
	"proxy.host":        {"OKTA_CLIENT_PROXY_HOST"},
	"proxy.port":        {"OKTA_CLIENT_PROXY_PORT"},
	"proxy.username":    {"OKTA_CLIENT_PROXY_USERNAME"},
	"proxy.password":    {"OKTA_CLIENT_PROXY_PASSWORD"},
}

// sdkHint ends the Warn record of an ignored setting that has a
// counterpart here.
var sdkHint = map[string]string{"connectionTimeout": "; Configuration.AttemptTimeout bounds each attempt"}

// sdkKeyOfEnv returns the key under okta.client of a variable of Okta's
// SDKs that this client does not read, or "".
func sdkKeyOfEnv(name string) string {
	if strings.HasPrefix(name, envPrefix+"CACHE_") {
		return sdkCache
	}
	for key, names := range sdkSettings {
		for _, n := range names {
			if n == name {
				return key
			}
		}
	}
	return ""
}

// sdkSetting handles a setting of Okta's SDKs that this client does not
// read, at key under okta.client (see sdkSettings), from source (and the
// YAML key yamlKey); set tells whether it has a value. It reports whether
// key is one.
func (l *loader) sdkSetting(source, yamlKey, key string, set bool) bool {
	_, known := sdkSettings[key]
	switch {
	case !known && key != sdkCache:
		return false
	case strings.HasPrefix(key, "proxy"):
		if set {
			l.unknown(&Problem{Source: source, Key: yamlKey, Reason: "is a proxy setting of Okta's SDKs, which this client does not read: " +
				"its requests go through the proxy of HTTPS_PROXY and NO_PROXY (or of Configuration.HTTPClient); set those, and remove it"})
		}
	default:
		name := source
		if yamlKey != "" {
			name = source + ": " + yamlKey
		}
		l.warn("okta: a setting of Okta's SDKs that this client does not use is ignored"+sdkHint[key], "setting", name)
	}
	return true
}
