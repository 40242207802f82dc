package okta

import (
	"errors"
	"reflect"
	"slices"
	"strings"
)

// The values of Configuration.AuthorizationMode, as Okta's SDKs spell them.
const (
	authModeSSWS       = "SSWS"
	authModeBearer     = "Bearer"
	authModePrivateKey = "PrivateKey"
)

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
// empty. Validate and LoadConfiguration both read it.
func (c *Configuration) authModes() []authMode {
	return []authMode{
		{authModeSSWS, []modeField{{"APIToken", c.APIToken != "", true}}},
		{authModeBearer, []modeField{{"TokenSource", c.TokenSource != nil, true}}},
		{authModePrivateKey, []modeField{{"ClientID", c.ClientID != "", true}, {"PrivateKey", c.PrivateKey != "", true},
			{"Scopes", len(c.Scopes) > 0, true}, {"PrivateKeyID", c.PrivateKeyID != "", false}, {"DPoPKey", c.DPoPKey != nil, false}}},
	}
}

// impliedMode is AuthorizationMode or, when it is empty, the first mode
// with a credential field set; "" when none is.
func (c *Configuration) impliedMode() string {
	if c.AuthorizationMode != "" {
		return c.AuthorizationMode
	}
	for _, m := range c.authModes() {
		if slices.ContainsFunc(m.fields, func(f modeField) bool { return f.set }) {
			return m.name
		}
	}
	return ""
}

// unsetFields returns the fields the implied mode needs that are not set.
func (c *Configuration) unsetFields() []string {
	mode := c.impliedMode()
	var unset []string
	for _, m := range c.authModes() {
		for _, f := range m.fields {
			if m.name == mode && f.required && !f.set {
				unset = append(unset, f.name)
			}
		}
	}
	return unset
}

// requiredHint ends the message of a required field that is not set.
var requiredHint = map[string]string{"Scopes": ", such as okta.sessions.read"}

// validateAuthorization checks the configured credential against
// AuthorizationMode, returning a *ValidationError naming the field at fault
// for every mistake (see problems.err):
//
//   - each mode has its fields (see authModes): "SSWS" APIToken; "Bearer"
//     TokenSource; "PrivateKey" ClientID, PrivateKey and Scopes
//     (PrivateKeyID and DPoPKey optional); a mode without them is refused;
//   - fields of two modes at once are refused, whatever AuthorizationMode
//     says, and so are fields of a mode other than AuthorizationMode;
//   - an empty AuthorizationMode means the mode whose fields are set, or no
//     configured credential at all (each call's context then brings one);
//   - any other AuthorizationMode is refused.
//
// In "PrivateKey" mode it parses PrivateKey (reading the file it names) and
// checks DPoPKey, so that a bad key fails here and not at the first call,
// and returns the keys it built (nil in the other modes, or on a mistake).
func (c *Configuration) validateAuthorization() (*serviceAppKeys, error) {
	var p problems
	keys := c.authorizationProblems(&p)
	return keys, p.err()
}

// authorizationProblems is validateAuthorization, adding its mistakes to p.
func (c *Configuration) authorizationProblems(p *problems) *serviceAppKeys {
	mode := c.impliedMode()
	modes := c.authModes()
	i := slices.IndexFunc(modes, func(m authMode) bool { return m.name == mode })
	if mode != "" && i < 0 {
		p.add("AuthorizationMode", `must be "SSWS", "Bearer", "PrivateKey" or empty`)
		return nil
	}
	n := len(*p)
	c.refuseOtherModes(p, modes, mode)
	for _, f := range c.unsetFields() {
		p.add(f, "is required by AuthorizationMode "+mode+requiredHint[f])
	}
	switch mode {
	case authModeSSWS:
		if reason := apiTokenProblem(c.APIToken); c.APIToken != "" && reason != "" {
			p.add("APIToken", reason)
		}
	case authModeBearer:
		if c.TokenSource != nil && isNil(c.TokenSource) {
			p.add("TokenSource", "is a nil pointer")
		}
	case authModePrivateKey:
		keys := c.validatePrivateKeyMode(p)
		if len(*p) == n {
			return keys
		}
	}
	return nil
}

// refuseOtherModes adds a problem for every set field of a mode other than
// mode.
func (c *Configuration) refuseOtherModes(p *problems, modes []authMode, mode string) {
	var first string // a set field of mode, for the message
	for _, m := range modes {
		if i := slices.IndexFunc(m.fields, func(f modeField) bool { return f.set }); m.name == mode && i >= 0 {
			first = m.fields[i].name
		}
	}
	for _, m := range modes {
		for _, f := range m.fields {
			switch {
			case m.name == mode || !f.set:
			case c.AuthorizationMode == "":
				p.add(f.name, "is set together with "+first+": configure the credential of one AuthorizationMode only")
			default:
				p.add(f.name, "does not belong to AuthorizationMode "+mode)
			}
		}
	}
}

// validScope reports whether s can be sent as one OAuth 2.0 scope
// (RFC 6749 section 3.3: printable ASCII but space, '"' and '\').
func validScope(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == '"' || r == '\\' || r >= 0x7f })
}

// serviceAppKeys are the keys of "PrivateKey" mode that validation builds
// (it must parse them to check them), for NewAPIClient to use as they are.
type serviceAppKeys struct {
	assertion *assertionSigner
	dpop      *dpopKey // of Configuration.DPoPKey; nil when the client is to make its own
}

// validatePrivateKeyMode checks the set fields of "PrivateKey" mode, and
// returns the keys it built doing so.
func (c *Configuration) validatePrivateKeyMode(p *problems) *serviceAppKeys {
	if c.ClientID != "" {
		p.addErr(checkCredential("ClientID", c.ClientID))
	}
	if slices.ContainsFunc(c.Scopes, func(s string) bool { return !validScope(s) }) {
		p.add("Scopes", "has an empty scope or one with a space, quote or control character")
	}
	var keys serviceAppKeys
	if key := c.PrivateKey; key != "" {
		var e *ConfigError
		if !isInlineKey(key) { // the path of a file holding it
			key, _, e = readKeyFile(key, "private key")
		}
		if e != nil {
			p.add("PrivateKey", e.Reason)
		} else {
			var err error
			keys.assertion, err = newAssertionSigner(key, c.PrivateKeyID)
			p.addErr(err)
		}
	}
	if c.DPoPKey != nil {
		var err error
		keys.dpop, err = newDPoPKey(c.DPoPKey) // it signs nothing
		p.addErr(err)
	}
	return &keys
}

// problems collects every mistake of one configuration.
type problems []*ValidationError

// add records a mistake of field.
func (p *problems) add(field, reason string) {
	*p = append(*p, &ValidationError{Field: field, Reason: reason})
}

// addErr records err, a *ValidationError or an error joining them; nil is
// no mistake, and any other error is recorded under field "Configuration".
func (p *problems) addErr(err error) {
	var ve *ValidationError
	switch joined, ok := err.(interface{ Unwrap() []error }); {
	case err == nil:
	case ok:
		for _, e := range joined.Unwrap() {
			p.addErr(e)
		}
	case errors.As(err, &ve):
		*p = append(*p, ve)
	default:
		p.add("Configuration", err.Error())
	}
}

// err returns nil for no mistake, the *ValidationError of one, or an error
// joining them all (errors.Join), in the order they were found.
func (p problems) err() error {
	switch len(p) {
	case 0:
		return nil
	case 1:
		return p[0]
	}
	errs := make([]error, len(p))
	for i, ve := range p {
		errs[i] = ve
	}
	return errors.Join(errs...)
}

// isNil reports whether v is nil or an interface holding a nil pointer, map,
// slice, func or channel, which would panic when used.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// apiTokenProblem returns what is wrong with a set API token, or "": the
// mistakes Okta's users make most (the placeholder of Okta's samples, the
// scheme typed with the token) and a control character, which would change
// the request.
func apiTokenProblem(s string) string {
	switch {
	case strings.Contains(s, "{apiToken}"):
		return "still holds the placeholder {apiToken}: replace it with an API token (Admin Console, Security > API > Tokens)"
	case len(s) >= 5 && strings.EqualFold(s[:5], "SSWS "):
		return "starts with \"SSWS \": give the token alone; the client adds the scheme"
	case !validHeaderValue(s):
		return "contains a control character such as CR or LF"
	}
	return ""
}
