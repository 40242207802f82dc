package okta

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzSessionID checks that any session ID either is refused before any I/O
// or reaches the server as exactly one path segment that unescapes to it.
//
//	go test -run '^$' -fuzz FuzzSessionID -fuzztime 30s
func FuzzSessionID(f *testing.F) {
	for _, id := range []string{"", ".", "..", "a/b?c=1#x", "../../users", "%2e%2e", "102hT2vn7f4Y", "a b", "\x00\r\n", "ü/..", "?", "#", ";", "//"} {
		f.Add(id)
	}
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.EscapedPath()
		w.WriteHeader(http.StatusNoContent)
	}))
	f.Cleanup(srv.Close)
	client := NewAPIClient(&Configuration{BasePath: srv.URL, APIToken: testToken})
	f.Fuzz(func(t *testing.T, id string) {
		_, err := client.SessionApi.EndSession(context.Background(), id)
		var ve *ValidationError
		if errors.As(err, &ve) {
			if id != "" && id != "." && id != ".." {
				t.Fatalf("refused %q: %v", id, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("EndSession(%q): %v", id, err)
		}
		path := <-got
		seg, ok := strings.CutPrefix(path, "/api/v1/sessions/")
		if !ok || strings.Contains(seg, "/") {
			t.Fatalf("id %q reached %q, not one segment", id, path)
		}
		if back, err := url.PathUnescape(seg); err != nil || back != id {
			t.Fatalf("id %q arrived as %q", id, back)
		}
	})
}

// FuzzDecodeSession checks that no body makes decoding panic, and that a
// body decoded without error always gives a session with an ID.
//
//	go test -run '^$' -fuzz FuzzDecodeSession -fuzztime 30s
func FuzzDecodeSession(f *testing.F) {
	for _, body := range []string{sessionJSON, "", "null", "{}", `{"id":"x"} junk`, `{"id":1}`, sessionJSON[:50], `{"id":"x","expiresAt":"bad"}`, `[]`, `"str"`} {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var s Session
		err := decodeSession("application/json", strings.NewReader(body), &s)
		if err == nil && s.Id == "" {
			t.Fatalf("%q decoded to a session without an ID", body)
		}
		if err != nil && s.Id != "" {
			t.Fatalf("%q: an error and a session: %v", body, err)
		}
	})
}
