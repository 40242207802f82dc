package guard_test

import (
	"net/http"
	"testing"

	"github.com/oktasessions/okta-session-go/guard"
)

// FuzzUniversalLogoutBody sends bodies with a valid token: the receiver
// answers 204, 400 or 404, and never panics.
func FuzzUniversalLogoutBody(f *testing.F) {
	for _, seed := range []string{aliceBody, `{"sub_id":{"format":"iss_sub","iss":"https://x","sub":"1"}}`, `{}`, `{"subject":{"format":"email","email":1}}`, "\x00", `{"subject":{"format":"email","email":"a"}} x`} {
		f.Add(seed)
	}
	o := newOrg(f)
	f.Fuzz(func(t *testing.T, body string) {
		g := o.guard(t, guard.Options{})
		switch code := o.send(g, "Bearer "+o.token(t, nil), body).Code; code {
		case http.StatusNoContent, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("status %d for body %q", code, body)
		}
	})
}

// FuzzKeySet serves hostile key sets from the org: the receiver answers 401
// or, when the set still holds the signing key, 204; it never panics.
func FuzzKeySet(f *testing.F) {
	for _, seed := range []string{`{"keys":[]}`, `{"keys":[{"kty":"RSA","kid":"k1","n":"AQAB","e":"AQAB"}]}`, `{"keys":[{"kty":"oct","kid":"k1","k":"c2VjcmV0"}]}`, `[]`, `{"keys":null}`, `{"keys":[1,"x",null]}`} {
		f.Add([]byte(seed))
	}
	o := newOrg(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		o.jwks.serveBody(body)
		g := o.guard(t, guard.Options{})
		switch code := o.send(g, "Bearer "+o.token(t, nil), aliceBody).Code; code {
		case http.StatusUnauthorized, http.StatusNoContent:
		default:
			t.Fatalf("status %d for key set %q", code, body)
		}
	})
}
