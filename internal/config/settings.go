package config

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/redact"
)

// setting is one value okta.LoadConfiguration reads: its variable, its key under
// okta.client in okta.yaml, the okta.Configuration field it sets and how, and for
// a secret, how it is read from the file its <variable>_FILE names.
type setting struct {
	env, key, field string
	apply           func(l *loader, c *Fields, v value) *Problem
	fromFile        func(l *loader, c *Fields, path string) *Problem
}

// fileSuffix ends the variable of a secret's file form: OKTA_CLIENT_TOKEN_FILE
// names a file whose content is the token, as containers mount secrets.
const fileSuffix = "_FILE"

// settings are the values okta.LoadConfiguration reads, as Okta's SDKs name them.
var settings = []setting{
	{"OKTA_CLIENT_ORGURL", "orgUrl", "BasePath", scalar(applyOrgURL), nil},
	{"OKTA_CLIENT_TOKEN", "token", "APIToken", scalar(applyToken), tokenFromFile},
	{"OKTA_CLIENT_AUTHORIZATIONMODE", "authorizationMode", "AuthorizationMode", scalar(applyMode), nil},
	{"OKTA_CLIENT_CLIENTID", "clientId", "ClientID", scalar(plain("ClientID", func(c *Fields, s string) { c.ClientID = s })), nil},
	{"OKTA_CLIENT_SCOPES", "scopes", "Scopes", applyScopes, nil},
	{"OKTA_CLIENT_PRIVATEKEY", "privateKey", "PrivateKey", scalar(applyPrivateKey), keyFromFile},
	{"OKTA_CLIENT_PRIVATEKEYID", "privateKeyId", "PrivateKeyID", scalar(plain("PrivateKeyID", func(c *Fields, s string) { c.PrivateKeyID = s })), nil},
	{"OKTA_CLIENT_REQUEST_TIMEOUT", "requestTimeout", "Timeout", scalar(seconds(func(c *Fields, d time.Duration) { c.Timeout = d })), nil},
	{"OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES", "rateLimit.maxRetries", "MaxRetries", scalar(applyMaxRetries), nil},
	{"OKTA_CLIENT_RATE_LIMIT_MAX_BACKOFF", "rateLimit.maxBackoff", "MaxRetryWait", scalar(seconds(func(c *Fields, d time.Duration) { c.MaxRetryWait = d })), nil},
}

// settingBy returns the setting whose name (chosen by name) is want, or nil.
func settingBy(name func(*setting) string, want string) *setting {
	for i := range settings {
		if name(&settings[i]) == want {
			return &settings[i]
		}
	}
	return nil
}

// settingByField returns the setting of a Configuration field.
func settingByField(field string) *setting {
	return settingBy(func(s *setting) string { return s.field }, field)
}

// maxShownName is the length up to which shownName shows a name whole: room
// for every name Okta's SDKs use, too little for most secrets.
const maxShownName = 32

// shownName returns an unknown name as an error may show it. Okta's keys and
// variable names are made of letters, '.', '_' and '-', so such a name of at
// most maxShownName bytes is shown whole; any other may be a value typed into
// the name (token:00abc… without the space makes one key of it), and is
// shortened as redact.ShortID shortens a token, or hidden when the characters it
// keeps are not printable ASCII.
func shownName(name string) string {
	notNameChar := func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '.' || r == '_' || r == '-')
	}
	if len(name) <= maxShownName && !strings.ContainsFunc(name, notNameChar) {
		return name
	}
	if strings.ContainsFunc(redact.ShortID(name), func(r rune) bool { return r <= ' ' || r > '~' }) {
		return "..."
	}
	return redact.ShortID(name)
}

// value is a setting as a source gives it: text, or a list from YAML.
type value struct {
	text   string
	list   []string
	isList bool
}

// invalid returns a *Problem with reason, for apply to complete.
func invalid(reason string) *Problem { return &Problem{Reason: reason} }

// checked returns the *Problem of a value that a check of Validate refused,
// for apply to complete: its Check is the problem Validate reports, which the
// root's ConfigError carries as its Err, a *ValidationError.
func checked(field, reason string) *Problem {
	return &Problem{Reason: reason, Check: invalidField(field, reason)}
}

// scalar returns v's text, refusing a list and an empty value.
func (v value) scalar() (string, *Problem) {
	switch {
	case v.isList:
		return "", invalid("is a list; want a single value")
	case strings.TrimSpace(v.text) == "":
		return "", invalid("is empty; give a value or remove the setting")
	}
	return strings.TrimSpace(v.text), nil
}

// scalar returns an apply for a setting of one value: set never sees a list
// or an empty value.
func scalar(set func(l *loader, c *Fields, s string) *Problem) func(*loader, *Fields, value) *Problem {
	return func(l *loader, c *Fields, v value) *Problem {
		s, e := v.scalar()
		if e != nil {
			return e
		}
		return set(l, c, s)
	}
}

// plain returns a setter that sets field, a string without control
// characters.
func plain(field string, set func(*Fields, string)) func(*loader, *Fields, string) *Problem {
	return func(_ *loader, c *Fields, s string) *Problem {
		if !httpx.ValidHeaderValue(s) {
			return checked(field, reasonControl)
		}
		set(c, s)
		return nil
	}
}

// applyOrgURL checks the org URL as okta.Configuration.Validate does, and sets
// BasePath.
func applyOrgURL(_ *loader, c *Fields, s string) *Problem {
	if _, p := (&Fields{BasePath: s}).OrgURL(); p != nil {
		return checked(p.Field, p.Reason)
	}
	c.BasePath = s
	return nil
}

// applyToken checks an API token as okta.Configuration.Validate does, and sets
// APIToken.
func applyToken(_ *loader, c *Fields, s string) *Problem {
	if reason := APITokenProblem(s); reason != "" {
		return checked("APIToken", reason)
	}
	c.APIToken = s
	return nil
}

// applyMode sets AuthorizationMode to one of Okta's modes, in any case.
func applyMode(_ *loader, c *Fields, s string) *Problem {
	for _, m := range []string{ModeSSWS, ModeBearer, ModePrivateKey} {
		if strings.EqualFold(s, m) {
			c.AuthorizationMode = m
			return nil
		}
	}
	return checked("AuthorizationMode", reasonMode)
}

// applyScopes sets Scopes from a YAML list or a comma-separated text.
func applyScopes(_ *loader, c *Fields, v value) *Problem {
	list := v.list
	if v.isList && len(list) == 0 {
		return invalid("is an empty list; want scopes such as okta.sessions.read")
	}
	if !v.isList {
		s, e := v.scalar()
		if e != nil {
			return e
		}
		list = strings.Split(s, ",")
	}
	scopes := make([]string, 0, len(list))
	for _, s := range list {
		scopes = append(scopes, strings.TrimSpace(s))
	}
	if reason := ScopesProblem(scopes); reason != "" {
		return checked("Scopes", reason)
	}
	c.Scopes = scopes
	return nil
}

// IsInlineKey reports whether a private key setting holds the key itself
// rather than the path of a file holding it: JWK JSON, PEM (anywhere in it:
// openssl may write "Bag Attributes" lines before it), or any text of
// several lines, which no path is.
func IsInlineKey(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "{") || strings.Contains(s, "-----BEGIN") || strings.ContainsAny(s, "\r\n")
}

// applyPrivateKey sets PrivateKey from the key itself or from the file it
// names.
func applyPrivateKey(l *loader, c *Fields, s string) *Problem {
	if !IsInlineKey(s) {
		return keyFromFile(l, c, s)
	}
	return setPrivateKey(l, c, s, false)
}

// keyFromFile sets PrivateKey from the file at path.
func keyFromFile(l *loader, c *Fields, path string) *Problem {
	key, e := l.readSecretFile(path, "private key")
	if e != nil {
		return e
	}
	return setPrivateKey(l, c, key, true)
}

// setPrivateKey checks a private key with Options.CheckKey, as
// okta.Configuration.Validate does, and sets PrivateKey; fromFile tells whether
// the key came from a file. No message holds the key.
func setPrivateKey(l *loader, c *Fields, key string, fromFile bool) *Problem {
	key = KeyText(key)
	if kp := l.checkKey(key); kp != nil {
		return checked("PrivateKey", KeyReason(kp, fromFile))
	}
	c.PrivateKey = key
	return nil
}

// KeyText returns a private key as the parser reads it: PEM on one line
// gets its line breaks back, whether they were written as the two
// characters \n, as a one-line variable holds them (.env files, CI
// settings; base64 has no '\'), or turned into spaces, as a one-line field
// or YAML's folded scalar (privateKey: >) turns them.
func KeyText(key string) string {
	if !strings.Contains(key, "-----BEGIN") || strings.Contains(key, "\n") {
		return key
	}
	if unescaped := strings.ReplaceAll(key, `\n`, "\n"); unescaped != key {
		return unescaped
	}
	return oneLinePEM.ReplaceAllStringFunc(key, func(block string) string {
		m := oneLinePEM.FindStringSubmatch(block)
		return m[1] + "\n" + strings.Join(strings.Fields(m[2]), "") + "\n" + m[3]
	})
}

// oneLinePEM matches a PEM block on one line: its header, base64 body and
// footer.
var oneLinePEM = regexp.MustCompile(`(-----BEGIN [A-Z0-9 ]+-----)([A-Za-z0-9+/=\s]*)(-----END [A-Z0-9 ]+-----)`)

// KeyReason is the reason of a private key CheckKey refused, given
// inline or read from a file (fromFile).
func KeyReason(kp *KeyProblem, fromFile bool) string {
	switch {
	case kp.NotAKey && fromFile:
		return "names a file that holds no PEM private key or private JWK (" + kp.Reason + ")"
	case kp.NotAKey:
		return "is neither a PEM private key nor a private JWK, nor the path of a file holding one (" + kp.Reason + ")"
	case fromFile:
		return "names a file that holds a private key that " + kp.Reason
	}
	return kp.Reason
}

// tokenFromFile sets APIToken from the file at path.
func tokenFromFile(l *loader, c *Fields, path string) *Problem {
	token, e := l.readSecretFile(path, "token")
	if e != nil {
		return e
	}
	if token == "" {
		return invalid("names an empty file; give a file holding the API token")
	}
	return applyToken(l, c, token)
}

// seconds returns an apply that parses whole seconds, 0 for the default.
func seconds(set func(*Fields, time.Duration)) func(*loader, *Fields, string) *Problem {
	return func(_ *loader, c *Fields, s string) *Problem {
		n, e := wholeNumber(s, "seconds, such as 30 (0 for the default)")
		if e != nil {
			return e
		}
		if n > math.MaxInt64/int64(time.Second) {
			return invalid("is too large; want seconds, such as 30")
		}
		set(c, time.Duration(n)*time.Second)
		return nil
	}
}

// applyMaxRetries sets MaxRetries; Okta's 0 means never retry.
func applyMaxRetries(_ *loader, c *Fields, s string) *Problem {
	n, e := wholeNumber(s, "a number of retries, such as 2 (0 never retries)")
	if e != nil {
		return e
	}
	if n > math.MaxInt32 {
		return invalid("is too large; want a number of retries, such as 2")
	}
	c.MaxRetries = int(n)
	if n == 0 {
		c.MaxRetries = NoRetries // Okta's 0 means never retry
	}
	return nil
}

// wholeNumber parses s as a non-negative integer; want says what is expected.
func wholeNumber(s, want string) (int64, *Problem) {
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil:
		return 0, invalid("is not a whole number; want " + want)
	case n < 0:
		return 0, invalid("is negative; want " + want)
	}
	return n, nil
}

// yamlKeys are the keys under okta.client okta.LoadConfiguration reads.
func yamlKeys() []string {
	keys := make([]string, len(settings))
	for i, s := range settings {
		keys[i] = s.key
	}
	return keys
}
