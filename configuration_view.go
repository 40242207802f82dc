package okta

import (
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// attrs is the one description of a Configuration that String, GoString,
// LogValue and MarshalJSON print: every field, in declaration order, with its
// secrets hidden, and the value in force where a zero value stands for a
// default (see inForce). A test checks that every exported field is here, so
// that a new field cannot be printed by accident or forgotten.
func (c *Configuration) attrs() []slog.Attr {
	c = c.inForce()
	return []slog.Attr{
		slog.String("BasePath", shownURL(c.BasePath)),
		slog.String("Subdomain", c.Subdomain),
		slog.String("Domain", c.Domain),
		slog.String("Host", shownURL(c.Host)),
		slog.String("Scheme", c.Scheme),
		slog.Any("DefaultHeader", headerNames(c.DefaultHeader)),
		slog.String("UserAgent", c.UserAgent),
		slog.Bool("HTTPClient", c.HTTPClient != nil),
		slog.String("APIToken", hidden(c.APIToken)),
		slog.Bool("TokenSource", c.TokenSource != nil),
		slog.String("AuthorizationMode", c.AuthorizationMode),
		slog.String("ClientID", c.ClientID),
		slog.Any("Scopes", slices.Clone(c.Scopes)),
		slog.String("PrivateKey", hidden(c.PrivateKey)),
		slog.String("PrivateKeyID", c.PrivateKeyID),
		slog.Bool("DPoPKey", c.DPoPKey != nil),
		slog.Int("MaxRetries", c.MaxRetries),
		slog.Duration("MaxRetryWait", c.MaxRetryWait),
		slog.Duration("AttemptTimeout", c.AttemptTimeout),
		slog.Duration("Timeout", c.Timeout),
		slog.Int("MaxConcurrency", c.MaxConcurrency),
		slog.Int("RateLimitFloor", c.RateLimitFloor),
		slog.Bool("Clock", c.Clock != nil),
		slog.Bool("Logger", c.Logger != nil),
		slog.Bool("Observer", c.Observer != nil),
	}
}

// shownURL is a URL (or URL template) of the configuration as it is printed:
// user information hidden (hideUserinfo), and a query or fragment, which
// Validate refuses but a caller may still have written (an API key in
// "?key=..."), replaced by "[redacted]".
func shownURL(u string) string {
	u = hideUserinfo(u)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i+1] + "[redacted]"
	}
	return u
}

// headerNames returns the names of the default headers, sorted, each name
// that is not a valid header name shortened as Validate's error shows it:
// a caller who wrote "X-Api-Key: <secret>" as the name put a secret in it.
func headerNames(h map[string]string) []string {
	names := slices.Sorted(maps.Keys(h))
	for i, k := range names {
		if !validHeaderName(k) {
			names[i] = shortID(k)
		}
	}
	return names
}

// String describes the configuration in force without its secrets: a field
// left zero shows the default it stands for (BasePath and Domain their
// templates, AuthorizationMode the mode the credential fields imply,
// MaxRetries the retries made, 0 for NoRetries, and the durations theirs);
// the API token and the private key are hidden, the default headers are
// listed by name only (an invalid name shortened, as it may hold a
// secret), and user information in BasePath or Host is hidden. A field
// holding an object (HTTPClient, TokenSource, DPoPKey, Clock, Logger,
// Observer) shows whether it is set.
func (c Configuration) String() string {
	var b strings.Builder
	b.WriteString("Configuration{")
	for i, a := range c.attrs() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Key)
		b.WriteString(": ")
		if a.Value.Kind() == slog.KindString {
			b.WriteString(strconv.Quote(a.Value.String()))
		} else {
			b.WriteString(a.Value.String())
		}
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so that %#v does not print secrets either.
func (c Configuration) GoString() string { return c.String() }

// LogValue describes the configuration to log/slog as String does.
func (c Configuration) LogValue() slog.Value { return slog.GroupValue(c.attrs()...) }

// MarshalJSON encodes the configuration as String describes it, secrets
// hidden, durations as Go duration strings ("30s"), so that a configuration
// dumped to JSON for diagnostics carries no credential. It is a description,
// not a round trip: unmarshalling it does not restore the secrets.
func (c Configuration) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, a := range c.attrs() {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, a.Key)
		b = append(b, ':')
		v := a.Value.Any()
		if d, ok := v.(time.Duration); ok {
			v = d.String()
		}
		enc, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		b = append(b, enc...)
	}
	return append(b, '}'), nil
}

// inForce returns a copy of c with each zero value that stands for a default
// replaced by it, as NewAPIClient's copy has them, and the implied
// AuthorizationMode; objects (Clock, HTTPClient...) are left as they are.
func (c *Configuration) inForce() *Configuration {
	cp := *c
	if cp.BasePath == "" {
		cp.BasePath = defaultBasePath
	}
	if cp.Domain == "" {
		cp.Domain = defaultDomain
	}
	cp.AuthorizationMode = c.fields().ImpliedMode()
	cp.fillResilience()
	return &cp
}
