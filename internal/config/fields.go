package config

import (
	"slices"
	"strings"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
)

// Fields is a configuration as the checks see it: the values of the fields
// of okta.Configuration that they read, and of each object whether it is
// set. The loader fills the fields its settings set.
type Fields struct {
	BasePath, Subdomain, Domain, Host, Scheme string

	APIToken          string
	AuthorizationMode string
	ClientID          string
	Scopes            []string
	PrivateKey        string
	PrivateKeyID      string
	TokenSource       bool // set
	TokenSourceNil    bool // set to an interface holding a nil pointer
	DPoPKey           bool // set

	// AccessToken is the token the loader read in "Bearer" mode, for the
	// root to make TokenSource of (TokenSource is then true).
	AccessToken string

	MaxRetries                            int
	MaxRetryWait, AttemptTimeout, Timeout time.Duration
	MaxConcurrency, RateLimitFloor        int
}

// Problem is one mistake in a configuration. The root makes an
// okta.ValidationError (Field, Reason) or an okta.ConfigError (all of it)
// of it.
type Problem struct {
	// Source is the variable or file that set the value; Key its YAML key.
	Source, Key string
	// Field is the okta.Configuration field at fault.
	Field string
	// Reason says what is wrong and what to do; it never holds the value.
	Reason string
	// Err is the cause to match with errors.Is or As, or nil.
	Err error
	// Check is the problem Validate reports for the same value, when a check
	// of Validate refused it, or nil.
	Check *Problem
}

// The values of AuthorizationMode, as Okta's SDKs spell them.
const (
	ModeSSWS       = "SSWS"
	ModeBearer     = "Bearer"
	ModePrivateKey = "PrivateKey"
)

// NoRetries is the MaxRetries that turns retries off, okta.NoRetries.
const NoRetries = -1

// reasonMode is the reason of an AuthorizationMode that is none of the
// modes.
const reasonMode = "is not an authorization mode; want SSWS, Bearer or PrivateKey"

// modeField is a credential field of an AuthorizationMode: whether it is
// set, and whether the mode needs it.
type modeField struct {
	name     string
	set      bool
	required bool
}

// authMode is an AuthorizationMode and its credential fields.
type authMode struct {
	name   string
	fields []modeField
}

// authModes is the one statement of each AuthorizationMode's fields and of
// which it needs, in the order a mode is implied when AuthorizationMode is
// empty. okta.Configuration.Validate and okta.LoadConfiguration both read it.
func (f *Fields) authModes() []authMode {
	return []authMode{
		{ModeSSWS, []modeField{{"APIToken", f.APIToken != "", true}}},
		{ModeBearer, []modeField{{"TokenSource", f.TokenSource, true}}},
		{ModePrivateKey, []modeField{{"ClientID", f.ClientID != "", true}, {"PrivateKey", f.PrivateKey != "", true},
			{"Scopes", len(f.Scopes) > 0, true}, {"PrivateKeyID", f.PrivateKeyID != "", false}, {"DPoPKey", f.DPoPKey, false}}},
	}
}

// ImpliedMode is AuthorizationMode or, when it is empty, the first mode
// with a credential field set; "" when none is.
func (f *Fields) ImpliedMode() string {
	if f.AuthorizationMode != "" {
		return f.AuthorizationMode
	}
	for _, m := range f.authModes() {
		if slices.ContainsFunc(m.fields, func(mf modeField) bool { return mf.set }) {
			return m.name
		}
	}
	return ""
}

// unsetFields returns the fields the implied mode needs that are not set.
func (f *Fields) unsetFields() []string {
	mode := f.ImpliedMode()
	var unset []string
	for _, m := range f.authModes() {
		for _, mf := range m.fields {
			if m.name == mode && mf.required && !mf.set {
				unset = append(unset, mf.name)
			}
		}
	}
	return unset
}

// requiredHint ends the message of a required field that is not set.
var requiredHint = map[string]string{"Scopes": ", such as okta.sessions.read"}

// CheckModes checks the credential fields against AuthorizationMode:
//
//   - each mode has its fields (see authModes): "SSWS" APIToken; "Bearer"
//     TokenSource; "PrivateKey" ClientID, PrivateKey and Scopes
//     (PrivateKeyID and DPoPKey optional); a mode without them is refused;
//   - fields of two modes at once are refused, whatever AuthorizationMode
//     says, and so are fields of a mode other than AuthorizationMode;
//   - an empty AuthorizationMode means the mode whose fields are set, or no
//     configured credential at all (each call's context then brings one);
//   - any other AuthorizationMode is refused;
//   - the set fields are well formed; PrivateKey and DPoPKey are left to
//     the root, which parses them.
func (f *Fields) CheckModes() []*Problem {
	mode := f.ImpliedMode()
	modes := f.authModes()
	if mode != "" && !slices.ContainsFunc(modes, func(m authMode) bool { return m.name == mode }) {
		return []*Problem{invalidField("AuthorizationMode", reasonMode)}
	}
	p := f.otherModes(modes, mode)
	for _, field := range f.unsetFields() {
		p = append(p, invalidField(field, "is required by AuthorizationMode "+mode+requiredHint[field]))
	}
	switch {
	case mode == ModeSSWS && f.APIToken != "" && APITokenProblem(f.APIToken) != "":
		p = append(p, invalidField("APIToken", APITokenProblem(f.APIToken)))
	case mode == ModeBearer && f.TokenSourceNil:
		p = append(p, invalidField("TokenSource", "is a nil pointer"))
	case mode == ModePrivateKey && !httpx.ValidHeaderValue(f.ClientID):
		p = append(p, invalidField("ClientID", reasonControl))
	}
	if mode != ModePrivateKey {
		return p
	}
	if reason := ScopesProblem(f.Scopes); reason != "" {
		p = append(p, invalidField("Scopes", reason))
	}
	if !httpx.ValidHeaderValue(f.PrivateKeyID) {
		p = append(p, invalidField("PrivateKeyID", reasonControl))
	}
	return p
}

// reasonControl is the reason of a text setting with a control character.
const reasonControl = "contains a control character such as CR or LF"

// ScopesProblem returns what is wrong with a list of scopes, or "": an
// empty scope, or one that cannot be sent as one (see ValidScope), such as
// two scopes in one.
func ScopesProblem(scopes []string) string {
	switch {
	case slices.Contains(scopes, ""):
		return "has an empty scope; want scopes such as okta.sessions.read"
	case slices.ContainsFunc(scopes, func(s string) bool { return !ValidScope(s) }):
		return "has a scope with a space, quote or control character in it: give each scope on its own (in a variable or a YAML string, separated by commas)"
	}
	return ""
}

// otherModes returns a problem for every set field of a mode other than
// mode.
func (f *Fields) otherModes(modes []authMode, mode string) []*Problem {
	var first string // a set field of mode, for the message
	for _, m := range modes {
		if i := slices.IndexFunc(m.fields, func(mf modeField) bool { return mf.set }); m.name == mode && i >= 0 {
			first = m.fields[i].name
		}
	}
	var p []*Problem
	for _, m := range modes {
		for _, mf := range m.fields {
			switch {
			case m.name == mode || !mf.set:
			case f.AuthorizationMode == "":
				p = append(p, invalidField(mf.name, "is set together with "+first+": configure the credential of one AuthorizationMode only"))
			default:
				p = append(p, invalidField(mf.name, "does not belong to AuthorizationMode "+mode))
			}
		}
	}
	return p
}

// CheckSettings checks the resilience settings' ranges.
func (f *Fields) CheckSettings() []*Problem {
	var p []*Problem
	if f.MaxRetries < NoRetries {
		p = append(p, invalidField("MaxRetries", "is negative; NoRetries (-1) is the one negative value"))
	}
	for _, v := range []struct {
		field string
		bad   bool
	}{
		{"MaxRetryWait", f.MaxRetryWait < 0},
		{"AttemptTimeout", f.AttemptTimeout < 0},
		{"Timeout", f.Timeout < 0},
		{"MaxConcurrency", f.MaxConcurrency < 0},
		{"RateLimitFloor", f.RateLimitFloor < 0},
	} {
		if v.bad {
			p = append(p, invalidField(v.field, "is negative"))
		}
	}
	return p
}

// invalidField is the problem of a field, as Validate reports it.
func invalidField(field, reason string) *Problem {
	return &Problem{Field: field, Reason: reason}
}

// ValidScope reports whether s can be sent as one OAuth 2.0 scope
// (RFC 6749 section 3.3: printable ASCII but space, '"' and '\').
func ValidScope(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == '"' || r == '\\' || r >= 0x7f })
}

// APITokenProblem returns what is wrong with a set API token, or "": the
// mistakes Okta's users make most (the placeholder of Okta's samples, the
// scheme typed with the token), a control character, which would change
// the request, and a character no token has (a space, as in "Bearer
// <token>"; not ASCII, such as a byte-order mark), which would fail every
// call with 401.
func APITokenProblem(s string) string {
	switch {
	case strings.Contains(s, "{apiToken}"):
		return "still holds the placeholder {apiToken}: replace it with an API token (Admin Console, Security > API > Tokens)"
	case len(s) >= 5 && strings.EqualFold(s[:5], "SSWS "):
		return "starts with \"SSWS \": give the token alone; the client adds the scheme"
	case !httpx.ValidHeaderValue(s):
		return reasonControl
	case strings.ContainsAny(s, " \t"):
		return "contains a space: give the token alone, without a scheme or surrounding space"
	case strings.ContainsFunc(s, func(r rune) bool { return r > '~' }):
		return "contains a character other than ASCII, such as a byte-order mark; an API token is ASCII"
	}
	return ""
}
