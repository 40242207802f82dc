package oktatest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/oktasessions/okta-session-go/oktatest"
)

// Whatever body a suite sends, the control API's fault route answers 204
// or a 400 with Okta's error object, and never panics or hangs.
func FuzzControlFault(f *testing.F) {
	for _, seed := range []string{
		`{"status":503}`, `{"latencyMs":4611686018427387904}`, `{"status":503}}`, `{"status":503}{"drop":true}`,
		`{"body":"trickle","trickleEveryMs":-1}`, `{"header":{"Retry-After":["1"]}}`, `{"header":{"a":"b"}}`, ``, `{}`,
		`{"route":"Keys","status":0,"latencyMs":1}`, `{"status":1e400}`, `[]`, `null`,
	} {
		f.Add(seed)
	}
	srv, err := oktatest.NewInProcess()
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	client := &http.Client{Transport: srv.RoundTripper()}
	f.Fuzz(func(t *testing.T, body string) {
		req, err := http.NewRequest(http.MethodPost, srv.URL+oktatest.ControlPrefix+"faults", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "SSWS "+srv.APIToken)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		defer srv.ClearFaults()
		switch resp.StatusCode {
		case http.StatusNoContent:
		case http.StatusBadRequest:
			var e struct{ ErrorCode, ErrorSummary string }
			if json.NewDecoder(resp.Body).Decode(&e) != nil || e.ErrorCode == "" || e.ErrorSummary == "" {
				t.Fatalf("%q: a 400 without Okta's error object", body)
			}
		default:
			t.Fatalf("%q: answered %d", body, resp.StatusCode)
		}
	})
}
