package okta

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/redact"
	"github.com/oktasessions/okta-session-go/internal/retry"
)

// FuzzSessionID checks that any session ID either is refused before any I/O
// or reaches the server as exactly one path segment that unescapes to it.
//
//	go test -run '^$' -fuzz FuzzSessionID -fuzztime 30s
func FuzzSessionID(f *testing.F) {
	for _, id := range []string{"", ".", "..", "me", "a/b?c=1#x", "../../users", "%2e%2e", "102hT2vn7f4Y", "a b", "\x00\r\n", "ü/..", "?", "#", ";", "//"} {
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
			if id != "" && id != "." && id != ".." && id != "me" {
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

// FuzzDecodeSession checks that no body makes decoding panic, that a body
// decoded without error is exactly one session with the ID asked for, and
// that an error never comes with a session.
//
//	go test -run '^$' -fuzz FuzzDecodeSession -fuzztime 30s
func FuzzDecodeSession(f *testing.F) {
	for _, body := range []string{sessionJSON, "", "null", "{}", `{"id":"x"} junk`, `{"id":1}`, sessionJSON[:50], `{"id":"x","expiresAt":"bad"}`, `[]`, `"str"`,
		sessionJSON + "]", sessionJSON + "}}", sessionJSON + " \n", `{"id":"other"}`} {
		f.Add(body)
	}
	const id = "101W_juydrDRByB7fUdRyE2JQ"
	f.Fuzz(func(t *testing.T, body string) {
		var s Session
		err := decodeSession("application/json", strings.NewReader(body), &s, id)
		if err == nil && s.Id != id {
			t.Fatalf("%q decoded to a session with ID %q", body, s.Id)
		}
		if err != nil && s.Id != "" {
			t.Fatalf("%q: an error and a session: %v", body, err)
		}
		if err == nil {
			var v any
			dec := json.NewDecoder(strings.NewReader(body))
			if dec.Decode(&v) != nil || dec.Decode(&v) != io.EOF {
				t.Fatalf("%q accepted, but it is not exactly one JSON value", body)
			}
		}
	})
}

// FuzzRetryAfter checks that no Retry-After or Date header makes a wait
// negative or longer than retry.MaxServerDelay, and that the wait after a 429,
// with the rate-limit headers too, always gives a RetryAt that is not in
// the past.
//
//	go test -run '^$' -fuzz FuzzRetryAfter -fuzztime 30s
func FuzzRetryAfter(f *testing.F) {
	for _, v := range [][2]string{{"7", ""}, {"-1", ""}, {"99999999999999999999", ""}, {"Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT"},
		{"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT"}, {"", "Sun Nov  6 08:49:37 1994"}} {
		f.Add(v[0], v[1])
	}
	c, now := clockedClient()
	f.Fuzz(func(t *testing.T, retryAfterValue, date string) {
		h := http.Header{"Retry-After": {retryAfterValue}, "Date": {date}}
		d, ok := retry.After(&http.Response{Header: h}, now)
		if d < 0 || d > retry.MaxServerDelay || !ok && d != 0 {
			t.Fatalf("Retry-After %q, Date %q: %v, %v", retryAfterValue, date, d, ok)
		}
		checkRetryAt(t, c, now, h)
	})
}

// FuzzRateLimitHeaders checks that no X-Rate-Limit-* or Date header makes
// ParseRateLimit report a negative value, or the wait after a 429 negative
// or its RetryAt in the past.
//
//	go test -run '^$' -fuzz FuzzRateLimitHeaders -fuzztime 30s
func FuzzRateLimitHeaders(f *testing.F) {
	f.Add("600", "0", "1764234060", "Thu, 27 Nov 2026 09:00:00 GMT")
	f.Add("0", "0", "99999999999", "")
	f.Add("10,5", "3, 1", "1099511627776", "Mon, 01 Jan 0001 00:00:00 GMT")
	f.Add("-1", "x", "-5", "yesterday")
	c, now := clockedClient()
	f.Fuzz(func(t *testing.T, limit, remaining, reset, date string) {
		h := http.Header{"X-Rate-Limit-Limit": {limit}, "X-Rate-Limit-Remaining": {remaining}, "X-Rate-Limit-Reset": {reset}, "Date": {date}}
		rl, ok := ParseRateLimit(&http.Response{Header: h})
		if ok && (rl.Limit < 0 || rl.Remaining < 0 || rl.Reset.Before(time.Unix(0, 0))) {
			t.Fatalf("%v from %v", rl, h)
		}
		checkRetryAt(t, c, now, h)
	})
}

// FuzzSessionHref checks that printing any link a server sends neither
// panics nor shows a session ID of nine characters or more whole.
//
//	go test -run '^$' -fuzz FuzzSessionHref -fuzztime 30s
func FuzzSessionHref(f *testing.F) {
	f.Add("https://acme.okta.com/api/v1/sessions/", "102hSECRETsessionID", "/lifecycle/refresh")
	f.Add("https://acme.okta.com/api/v1/Sessions//", "102hSECRETsessionID", "?x=1")
	f.Add("https://acme.okta.com/\u0130/sessions/", "102hSECRETsessionID", "#f")
	f.Fuzz(func(t *testing.T, prefix, id, suffix string) {
		if len(id) < redact.ShortIDMin || strings.ContainsAny(id, "/?#") || !strings.HasSuffix(strings.ToLower(prefix), "/sessions/") {
			return
		}
		out := HrefObject{Href: prefix + id + suffix}.String()
		if strings.Contains(out, id) && !strings.Contains(prefix+suffix, id) {
			t.Fatalf("%q shows the session ID %q", out, id)
		}
	})
}
