package okta

import (
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

// validateAuthorization checks the configured credential against
// AuthorizationMode, as a *ValidationError naming the field at fault:
//
//   - each mode has its fields: "SSWS" APIToken; "Bearer" TokenSource;
//     "PrivateKey" ClientID, Scopes and PrivateKey (PrivateKeyID and DPoPKey
//     optional); a mode without them is refused;
//   - fields of two modes at once are refused, whatever AuthorizationMode
//     says, and so are fields of a mode other than AuthorizationMode;
//   - an empty AuthorizationMode means the mode whose fields are set, or no
//     configured credential at all (each call's context then brings one);
//   - any other AuthorizationMode is refused.
//
// In "PrivateKey" mode it parses PrivateKey and checks DPoPKey, so that a
// bad key fails here and not at the first call, and returns the keys it
// built (nil in the other modes).
func (c *Configuration) validateAuthorization() (*serviceAppKeys, error) {
	modes := c.modeFields()
	mode, first := c.AuthorizationMode, "" // first: a set field of the first mode with any
	known := slices.ContainsFunc(modes, func(m modeFields) bool { return m.mode == mode })
	for _, m := range modes {
		i := slices.IndexFunc(m.fields, func(f modeField) bool { return f.set })
		switch {
		case i < 0:
			continue
		case first != "":
			return nil, &ValidationError{Field: m.fields[i].name, Reason: "is set together with " + first + ": configure the credential of one AuthorizationMode only"}
		case mode == "":
			mode = m.mode
		case mode != m.mode && known:
			return nil, &ValidationError{Field: m.fields[i].name, Reason: "does not belong to AuthorizationMode " + mode}
		}
		first = m.fields[i].name
	}
	switch mode {
	case "":
		return nil, nil
	case authModeSSWS:
		return nil, checkCredential("APIToken", c.APIToken)
	case authModeBearer:
		if isNil(c.TokenSource) {
			return nil, &ValidationError{Field: "TokenSource", Reason: "is required by AuthorizationMode Bearer"}
		}
		return nil, nil
	case authModePrivateKey:
		return c.validatePrivateKeyMode()
	}
	return nil, &ValidationError{Field: "AuthorizationMode", Reason: `must be "SSWS", "Bearer", "PrivateKey" or empty`}
}

// modeField is a credential field of an AuthorizationMode, and whether it is
// set.
type modeField struct {
	name string
	set  bool
}

// modeFields are the fields of one AuthorizationMode.
type modeFields struct {
	mode   string
	fields []modeField
}

// modeFields returns the credential fields of each AuthorizationMode, in
// the order a mode is implied when AuthorizationMode is empty.
func (c *Configuration) modeFields() []modeFields {
	return []modeFields{
		{authModeSSWS, []modeField{{"APIToken", c.APIToken != ""}}},
		{authModeBearer, []modeField{{"TokenSource", c.TokenSource != nil}}},
		{authModePrivateKey, []modeField{{"ClientID", c.ClientID != ""}, {"Scopes", len(c.Scopes) > 0},
			{"PrivateKey", c.PrivateKey != ""}, {"PrivateKeyID", c.PrivateKeyID != ""}, {"DPoPKey", c.DPoPKey != nil}}},
	}
}

// impliedMode is AuthorizationMode or, when it is empty, the first mode
// with a credential field set, as validateAuthorization takes it; "" when
// none is.
func (c *Configuration) impliedMode() string {
	if c.AuthorizationMode != "" {
		return c.AuthorizationMode
	}
	for _, m := range c.modeFields() {
		if slices.ContainsFunc(m.fields, func(f modeField) bool { return f.set }) {
			return m.mode
		}
	}
	return ""
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

// validatePrivateKeyMode checks the fields of "PrivateKey" mode, and
// returns the keys it built doing so.
func (c *Configuration) validatePrivateKeyMode() (*serviceAppKeys, error) {
	if err := checkCredential("ClientID", c.ClientID); err != nil {
		return nil, err
	}
	if len(c.Scopes) == 0 {
		return nil, &ValidationError{Field: "Scopes", Reason: "is required by AuthorizationMode PrivateKey, such as okta.sessions.read"}
	}
	for _, s := range c.Scopes {
		if !validScope(s) {
			return nil, &ValidationError{Field: "Scopes", Reason: "has an empty scope or one with a space, quote or control character"}
		}
	}
	if c.PrivateKey == "" {
		return nil, &ValidationError{Field: "PrivateKey", Reason: "is required by AuthorizationMode PrivateKey"}
	}
	var keys serviceAppKeys
	var err error
	if keys.assertion, err = newAssertionSigner(c.PrivateKey, c.PrivateKeyID); err != nil {
		return nil, err
	}
	if c.DPoPKey != nil {
		if keys.dpop, err = newDPoPKey(c.DPoPKey); err != nil { // it signs nothing
			return nil, err
		}
	}
	return &keys, nil
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
