package okta

import (
	"errors"
	"reflect"
	"slices"
	"strings"

	"github.com/oktasessions/okta-session-go/internal/config"
)

// fields is c as the checks of internal/config see it.
func (c *Configuration) fields() *config.Fields {
	return &config.Fields{
		BasePath: c.BasePath, Subdomain: c.Subdomain, Domain: c.Domain, Host: c.Host, Scheme: c.Scheme,
		APIToken: c.APIToken, AuthorizationMode: c.AuthorizationMode, ClientID: c.ClientID, Scopes: c.Scopes,
		PrivateKey: c.PrivateKey, PrivateKeyID: c.PrivateKeyID,
		TokenSource: c.TokenSource != nil, TokenSourceNil: c.TokenSource != nil && isNil(c.TokenSource), DPoPKey: c.DPoPKey != nil,
		MaxRetries: c.MaxRetries, MaxRetryWait: c.MaxRetryWait, AttemptTimeout: c.AttemptTimeout, Timeout: c.Timeout,
		MaxConcurrency: c.MaxConcurrency, RateLimitFloor: c.RateLimitFloor,
	}
}

// validateAuthorization checks the configured credential against
// AuthorizationMode (see config.Fields.CheckModes: each mode's fields
// present and well formed, no fields of two modes at once), returning a
// *ValidationError naming the field at fault for every mistake (see
// problems.err). In "PrivateKey" mode it parses PrivateKey (reading the file
// it names) and checks DPoPKey, so that a bad key fails here and not at the
// first call, and returns the keys it built (nil in the other modes, or on a
// mistake).
func (c *Configuration) validateAuthorization() (*serviceAppKeys, error) {
	var p problems
	f := c.fields()
	p.add(f.CheckModes()...)
	if f.ImpliedMode() != config.ModePrivateKey {
		return nil, p.err()
	}
	keys := c.serviceAppKeys(&p)
	if len(p) > 0 {
		return nil, p.err()
	}
	return keys, nil
}

// serviceAppKeys are the keys of "PrivateKey" mode that validation builds
// (it must parse them to check them), for NewAPIClient to use as they are.
type serviceAppKeys struct {
	assertion *assertionSigner
	dpop      *dpopKey // of Configuration.DPoPKey; nil when the client is to make its own
}

// serviceAppKeys parses the set PrivateKey, reading the file it names, and
// DPoPKey, adding their problems to p.
func (c *Configuration) serviceAppKeys(p *problems) *serviceAppKeys {
	var keys serviceAppKeys
	if key := c.PrivateKey; key != "" {
		var fp *config.Problem
		fromFile := !config.IsInlineKey(key) // the path of a file holding it
		if fromFile {
			key, _, fp = config.ReadKeyFile(strings.TrimSpace(key), "private key") // as LoadConfiguration trims it
		}
		key = config.KeyText(key)
		switch kp := checkKey(key); {
		case fp != nil:
			p.addField("PrivateKey", fp.Reason)
		case kp != nil: // in the words of LoadConfiguration
			p.addField("PrivateKey", config.KeyReason(kp, fromFile))
		default:
			var err error
			keyID := c.PrivateKeyID
			if p.has("PrivateKeyID") { // refused already (see config.Fields.CheckModes)
				keyID = ""
			}
			keys.assertion, err = newAssertionSigner(key, keyID)
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

// checkKey is config.Options.CheckKey: the OAuth 2.0 client's own parser,
// so that what loads is what signs; its reasons never quote the key.
func checkKey(key string) *config.KeyProblem {
	if _, _, err := decodePrivateKey(key); err != nil {
		return &config.KeyProblem{Reason: reasonOf(err), NotAKey: true}
	}
	if _, err := newAssertionSigner(key, ""); err != nil { // too short or broken to sign with
		return &config.KeyProblem{Reason: reasonOf(err)}
	}
	return nil
}

// reasonOf is the Reason of a *ValidationError err, or a generic one.
func reasonOf(err error) string {
	if ve, ok := err.(*ValidationError); ok {
		return ve.Reason
	}
	return "PKCS#1, PKCS#8 or SEC1 PEM, unencrypted"
}

// problems collects every mistake of one configuration.
type problems []*ValidationError

// add records the problems internal/config found.
func (p *problems) add(found ...*config.Problem) {
	for _, f := range found {
		*p = append(*p, validationError(f))
	}
}

// has reports whether a mistake of field was recorded.
func (p problems) has(field string) bool {
	return slices.ContainsFunc(p, func(ve *ValidationError) bool { return ve.Field == field })
}

// addField records a mistake of field.
func (p *problems) addField(field, reason string) {
	*p = append(*p, &ValidationError{Field: field, Reason: reason})
}

// validationError is the *ValidationError of a problem.
func validationError(f *config.Problem) *ValidationError {
	return &ValidationError{Field: f.Field, Reason: f.Reason}
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
		p.add(&config.Problem{Field: "Configuration", Reason: err.Error()})
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
