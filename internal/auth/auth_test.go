package auth

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

// newError stands for package okta's *OAuthError.
func newError(resp *http.Response, code, description string, _ ...string) error {
	return fmt.Errorf("%d %s: %s", resp.StatusCode, code, description)
}

// TestAccessToken_hidden: neither fmt nor a log handler prints a token,
// alone or inside a Call.
func TestAccessToken_hidden(t *testing.T) {
	tok, err := ParseTokenResponse(&http.Response{StatusCode: 200, Header: http.Header{}},
		[]byte(`{"token_type":"DPoP","access_token":"SECRETaccessTOKEN","expires_in":60}`), time.Unix(1e9, 0), newError)
	if err != nil {
		t.Fatal(err)
	}
	call := &Call{tok: tok}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "tok", tok)
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%+v %#v", tok, tok), fmt.Sprintf("%+v", call), buf.String()} {
		if bytes.Contains([]byte(s), []byte("SECRETaccessTOKEN")) {
			t.Errorf("the token is printed: %s", s)
		}
	}
}

// TestAgain_bounded: whatever a credential says, at most MaxRepeats
// repeats, and none once the context has ended.
func TestAgain_bounded(t *testing.T) {
	n := 0
	for Again(t.Context(), always{}, nil, errors.New("x"), &n) {
	}
	if n != MaxRepeats {
		t.Errorf("%d repeats, want %d", n, MaxRepeats)
	}
}

// always is a credential that always asks for a repeat.
type always struct{ Anonymous }

func (always) Repeat(*http.Response, error) bool { return true }
