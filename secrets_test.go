package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/pipeline"
	"github.com/oktasessions/okta-session-go/internal/redact"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The one home of "no secret is printed": every type that holds a secret,
// through every way a value reaches a log (fmt's verbs, slog's JSON and text
// handlers, encoding/json where the type promises it).

const (
	secretSessionID = "102hSECRETsessionIDvalue"
	secretToken     = "20111SECRETsessionTOKEN"
	secretKey       = "-----BEGIN PRIVATE KEY-----\nMIIsecretKEYbytes\n-----END PRIVATE KEY-----"
	secretPassword  = "SECRETpassw0rd"
	secretHeader    = "SECREThdrVALUE"
)

// printed returns v as every fmt verb and both slog handlers print it.
func printed(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		fmt.Fprintf(&b, verb+"\n", v)
	}
	for _, h := range []slog.Handler{slog.NewJSONHandler(&b, nil), slog.NewTextHandler(&b, nil)} {
		slog.New(h).Info("value", "v", v)
	}
	return b.String()
}

// assertNoSecret fails if out holds any of the secrets, or any line of a
// multi-line one.
func assertNoSecret(t *testing.T, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, part := range strings.Split(s, "\n") {
			if len(part) > 8 {
				assert.NotContains(t, out, part)
			}
		}
	}
}

func secretConfiguration() *Configuration {
	cfg := NewConfiguration()
	cfg.BasePath = "https://admin:" + secretPassword + "@acme.okta.com"
	cfg.Host = "user:" + secretPassword + "@proxy.example.com"
	cfg.APIToken = testToken
	cfg.PrivateKey = secretKey
	cfg.ClientID = "0oaCLIENT"
	cfg.AddDefaultHeader("X-Api-Secret", secretHeader)
	return cfg
}

func TestNoSecretPrinted(t *testing.T) {
	cfg := secretConfiguration()
	s := Session{Id: secretSessionID, UserId: "00u1", Login: "ann@example.com", Status: SessionStatusActive}
	req := CreateSessionRequest{SessionToken: secretToken}
	key := APIKey{Key: testToken}
	all := []string{testToken, secretSessionID, secretToken, secretKey, secretPassword, secretHeader}
	client := NewAPIClient(cfg)
	org := "https://acme.okta.com/api/v1/"
	links := SessionLinks{Self: &HrefObject{Href: org + "sessions/" + secretSessionID},
		Refresh: &HrefObject{Href: org + "sessions/" + secretSessionID + "/lifecycle/refresh"},
		User:    &HrefObject{Href: org + "users/00u1", Name: "Ann"}}
	for _, v := range []any{cfg, *cfg, s, &s, req, &req, key, &key, client, *client, links, &links, *links.Self, links.Refresh} {
		t.Run(fmt.Sprintf("%T", v), func(t *testing.T) {
			out := printed(t, v)
			assertNoSecret(t, out, all...)
		})
	}
	// What is shown is still useful: the session's prefix, the header name,
	// the client id, the host.
	assert.Contains(t, printed(t, s), "102h...")
	assert.Contains(t, printed(t, links), org+"sessions/102h.../lifecycle/refresh")
	assert.Contains(t, printed(t, links), org+"users/00u1")
	out := printed(t, cfg)
	for _, want := range []string{"X-Api-Secret", "0oaCLIENT", "acme.okta.com", "[redacted]"} {
		assert.Contains(t, out, want)
	}
}

func TestConfiguration_MarshalJSON(t *testing.T) {
	cfg := secretConfiguration()
	cfg.HTTPClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	cfg.Timeout = 90 * time.Second
	b, err := json.Marshal(cfg)
	require.NoError(t, err, "a func in HTTPClient must not break marshalling")
	assertNoSecret(t, string(b), testToken, secretKey, secretPassword, secretHeader)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, "1m30s", got["Timeout"])
	assert.Equal(t, true, got["HTTPClient"])
	assert.Equal(t, []any{"X-Api-Secret"}, got["DefaultHeader"])
}

// TestConfiguration_attrsCoverEveryField makes a new Configuration field fail
// until it is described (and its secrets hidden) in attrs.
func TestConfiguration_attrsCoverEveryField(t *testing.T) {
	var keys []string
	for _, a := range (&Configuration{}).attrs() {
		keys = append(keys, a.Key)
	}
	var fields []string
	typ := reflect.TypeFor[Configuration]()
	for i := range typ.NumField() {
		if f := typ.Field(i); f.IsExported() {
			fields = append(fields, f.Name)
		}
	}
	assert.Equal(t, fields, keys)
}

func TestSession_MarshalJSONIsComplete(t *testing.T) {
	in := Session{Id: secretSessionID, UserId: "00u1", Status: SessionStatusActive, ExpiresAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	var out Session
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)
}

func TestValidationError_defaultHeaderNameNotPrinted(t *testing.T) {
	for _, h := range []struct{ name, value string }{
		{"X-Api-Key: " + secretHeader, "v"}, // the whole header written as the name
		{"X-Api-Key" + secretHeader, "bad\nvalue"},
	} {
		cfg := NewConfiguration()
		cfg.Subdomain = "acme"
		cfg.AddDefaultHeader(h.name, h.value)
		err := cfg.Validate()
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "DefaultHeader", ve.Field)
		assertNoSecret(t, printed(t, err), secretHeader)
	}
}

func TestNewAPIError_hostileServerText(t *testing.T) {
	cred := auth.Authorization("SSWS " + testToken)
	huge := strings.Repeat("A", 1<<20)
	tests := []struct {
		name      string
		requestID string
		body      string
	}{
		{"secrets in every field", "req" + testToken,
			`{"errorCode":"E` + secretSessionID + `","errorSummary":"for ` + testToken + `","errorLink":"` + testToken + `","errorId":"` + secretSessionID + `","errorCauses":[{"errorSummary":"` + secretSessionID + `"}]}`},
		{"escaped session id", "r", `{"errorSummary":"` + strings.ReplaceAll(secretSessionID, "SECRET", "SECRET%2F") + `"}`},
		{"a megabyte in each field", huge, `{"errorCode":"` + huge + `","errorSummary":"` + huge + `","errorId":"` + huge + `"}`},
		{"control characters", "req\x00\x1b[31m", `{"errorSummary":"line\nbreak\u001b[2J"}`},
		{"many causes", "r", `{"errorCauses":[` + strings.Repeat(`{"errorSummary":"x"},`, 1000) + `{"errorSummary":"x"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: 500, Header: http.Header{"X-Okta-Request-Id": {tt.requestID}}}
			sid := secretSessionID
			if tt.name == "escaped session id" {
				sid = strings.ReplaceAll(secretSessionID, "SECRET", "SECRET/")
			}
			body := []byte(tt.body)[:min(len(tt.body), pipeline.MaxErrorBody)]
			e := newAPIError("GetSession", resp, body, append([]string{sid}, cred.Secrets()...))
			out := printed(t, e) + fmt.Sprintf("%+v", e.ErrorCauses)
			assertNoSecret(t, out, testToken, secretSessionID, strings.ReplaceAll(secretSessionID, "SECRET", "SECRET%2F"))
			assert.LessOrEqual(t, len(e.Error()), 4*maxCodeLen+maxSummaryLen+64)
			assert.LessOrEqual(t, len(e.ErrorCauses), maxCauses)
			for _, line := range []string{e.Error(), e.RequestId} {
				assert.True(t, utf8.ValidString(line))
				assert.NotContains(t, line, "\n")
				assert.NotContains(t, line, "\x1b")
			}
			assert.True(t, strings.HasPrefix(tt.body, string(e.Body())) && len(e.Body()) > 0, "Body() is the raw answer, capped")
		})
	}
}

func TestShortID(t *testing.T) {
	assert.Equal(t, "...", shortID(""))
	assert.Equal(t, "...", shortID("12345678"))
	assert.Equal(t, "1234...", shortID("123456789"))
}

func TestHideUserinfo(t *testing.T) {
	for in, want := range map[string]string{
		"https://acme.okta.com":              "https://acme.okta.com",
		"https://u:p@acme.okta.com/x":        "https://[redacted]@acme.okta.com/x",
		"https://u:p@x@acme.okta.com":        "https://[redacted]@acme.okta.com",
		"u:p@proxy:8080":                     "[redacted]@proxy:8080",
		"https://acme.okta.com/a@b":          "https://acme.okta.com/a@b",
		"https://u:p w@{subdomain}.{domain}": "https://[redacted]@{subdomain}.{domain}",
		"https://acme.okta.com?next=a@b.com": "https://acme.okta.com?next=a@b.com",
		"":                                   "",
	} {
		assert.Equal(t, want, hideUserinfo(in), in)
	}
}

func TestServerText(t *testing.T) {
	assert.Equal(t, "a b c d", redact.ServerText("a\nb\x00c\x7fd", 100))
	assert.Equal(t, "a b", redact.ServerText("a\xffb", 100))
	assert.Equal(t, "ab...", redact.ServerText("abcdefgh", 5))
	assert.Equal(t, "aé...", redact.ServerText("aéééé", 6))
	assert.Equal(t, "a...", redact.ServerText("aéééé", 5), "cut on a character boundary")
}

// FuzzServerText: whatever a server sends, serverText returns valid UTF-8
// without control characters, within its bound, without the secret.
func FuzzServerText(f *testing.F) {
	f.Add("Not found: 102hSECRETsessionIDvalue (Session)", 64)
	f.Add("\x00\xff\xfe日本語"+secretSessionID, 8)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		limit = 8 + int(uint(limit)%2048)
		out := redact.ServerText(s, limit, secretSessionID)
		if len(out) > limit || !utf8.ValidString(out) || strings.Contains(out, secretSessionID) {
			t.Fatalf("redact.ServerText(%q, %d) = %q", s, limit, out)
		}
		for _, r := range out {
			if r < ' ' || r == 0x7f {
				t.Fatalf("control character in %q", out)
			}
		}
	})
}

// TestErrors_serverEchoesSecrets: a server that echoes the call's secrets into
// what Go's own errors quote (a Location, a status line, a header, a JSON
// value of the wrong type, a Content-Type) does not get them into the error.
func TestErrors_serverEchoesSecrets(t *testing.T) {
	sid, cookie := secretSessionID, &http.Cookie{Name: "idx", Value: secretToken + "cookie"}
	get := func(c *APIClient) error { _, _, err := c.SessionApi.GetSession(context.Background(), sid); return err }
	create := func(c *APIClient) error {
		_, _, err := c.SessionApi.CreateSession(context.Background(), CreateSessionRequest{SessionToken: secretToken})
		return err
	}
	me := func(c *APIClient) error {
		_, _, err := c.SessionApi.GetCurrentSession(context.Background(), cookie)
		return err
	}
	handlers := map[string]struct {
		h    http.HandlerFunc
		call func(*APIClient) error
	}{
		"Location with the session id": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "%zz"+sid)
			w.WriteHeader(http.StatusFound)
		}, get},
		"Location with the credential": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "%zz"+r.Header.Get("Authorization"))
			w.WriteHeader(http.StatusTemporaryRedirect)
		}, get},
		"Location with the cookie": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "%zz"+r.Header.Get("Cookie"))
			w.WriteHeader(http.StatusFound)
		}, me},
		"Location with the body": {func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("Location", "%zz"+string(b))
			w.WriteHeader(http.StatusSeeOther)
		}, create},
		"the new session's id in a time field": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":"`+sid+`","createdAt":"`+sid+`"}`)
		}, create},
		"session token in a time field": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":"x","createdAt":"`+secretToken+`"}`)
		}, create},
		"session id and credential in a huge Content-Type": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; a="+r.Header.Get("Authorization")+"; b="+sid+strings.Repeat("x", 64<<10))
			_, _ = io.WriteString(w, `{"id":"`+sid+`"}`)
		}, get},
	}
	for name, tt := range handlers {
		t.Run(name, func(t *testing.T) {
			client, mux := setup(t)
			mux.HandleFunc("/", tt.h)
			err := tt.call(client)
			require.Error(t, err)
			assertNoSecret(t, printed(t, err), testToken, sid, secretToken)
			assert.Less(t, len(err.Error()), 2*maxSummaryLen)
		})
	}
	for name, reply := range map[string]string{
		"status line":    sid + "\r\n\r\n",
		"Content-Length": "HTTP/1.1 200 OK\r\nContent-Length: " + sid + "\r\n\r\n",
		"header line":    "HTTP/1.1 200 OK\r\n" + sid + "\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			client := NewAPIClient(&Configuration{BasePath: rawServer(t, reply), APIToken: testToken, MaxRetries: NoRetries})
			err := get(client)
			require.Error(t, err)
			assertNoSecret(t, printed(t, err), sid)
		})
	}
}
