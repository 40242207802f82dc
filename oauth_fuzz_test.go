package okta

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/oktasessions/okta-session-go/internal/httpx"
)

// FuzzParseChallenges checks that any WWW-Authenticate header is read
// without a panic or a hang.
//
//	go test -run '^$' -fuzz FuzzParseChallenges -fuzztime 30s
func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{
		`Bearer realm="x", error="invalid_token", error_description="The access token is invalid"`,
		`DPoP error="use_dpop_nonce", algs="ES256"`, `Basic abc==`, `"`, `a="\`, `,=,=`, "x=\"\\\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, ch := range httpx.ParseChallenges([]string{s}) {
			if ch.Scheme == "" || ch.Params == nil {
				t.Fatalf("empty challenge from %q", s)
			}
		}
	})
}

// FuzzParseTokenResponse checks that any token endpoint answer gives either
// a usable token or an *OAuthError whose text is bounded and printable.
//
//	go test -run '^$' -fuzz FuzzParseTokenResponse -fuzztime 30s
func FuzzParseTokenResponse(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"token_type":"DPoP","expires_in":3600,"access_token":"a","scope":"s"}`},
		{200, `{"token_type":"Bearer","access_token":""}`},
		{400, `{"error":"use_dpop_nonce","error_description":"nonce"}`},
		{401, `{"error":"\u0000\n","error_description":"` + strings.Repeat("é", 300) + `"}`},
		{200, `null`}, {500, `<html>`},
	} {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		tok, err := parseTokenResponse(resp, body, testClockStart, "secret-assertion")
		if err == nil {
			if tok == nil || !validHeaderValue(tok.Authorization()) || !tok.RefreshAt().After(testClockStart) {
				t.Fatalf("unusable token from %d %q", status, body)
			}
			return
		}
		var oe *OAuthError
		if !errors.As(err, &oe) {
			t.Fatalf("not an *OAuthError: %v", err)
		}
		msg := err.Error()
		if len(msg) > 500 || !validHeaderValue(msg) || strings.Contains(msg, "secret-assertion") {
			t.Fatalf("bad error text %q", msg)
		}
	})
}
