package okta

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/orglink"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keysPath is a path on the org that Fetch is tested with.
const keysPath = "/oauth2/v1/keys"

// fetchOrg is an org whose keys path answers by answer, given the request's
// number; the token endpoint grants. It fails the test for any credential
// a keys request carries, and keeps the keys requests.
func fetchOrg(t *testing.T, answer func(n int, w http.ResponseWriter)) (*httptest.Server, func() []*http.Request) {
	t.Helper()
	var mu sync.Mutex
	var reqs []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == auth.TokenPath {
			grant(w, "DPoP", "fetchORGtoken0123")
			return
		}
		for _, h := range []string{"Authorization", "DPoP", "Cookie"} {
			assert.Empty(t, r.Header.Values(h), "Fetch sent %s", h)
		}
		mu.Lock()
		n := len(reqs)
		reqs = append(reqs, r)
		mu.Unlock()
		answer(n, w)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []*http.Request {
		mu.Lock()
		defer mu.Unlock()
		return append([]*http.Request(nil), reqs...)
	}
}

// linkFor returns the Link of a client of srv in mode a, edit applied.
func linkFor(t *testing.T, srv *httptest.Server, a authCase, edit func(*Configuration)) orglink.Link {
	t.Helper()
	cfg := &Configuration{BasePath: srv.URL + "/", Clock: &testClock{now: testClockStart}}
	a.edit(cfg)
	if edit != nil {
		edit(cfg)
	}
	link, err := orglink.Of(NewAPIClient(cfg))
	require.NoError(t, err)
	return link
}

// Fetch returns a 2xx body up to its limit, in every auth mode, and never
// sends a credential: no Authorization, DPoP or Cookie, and no token
// request.
func TestFetch_anonymousAndBounded(t *testing.T) {
	const body = `{"keys":[]}`
	for _, a := range authCases {
		t.Run(a.name, func(t *testing.T) {
			srv, reqs := fetchOrg(t, func(_ int, w http.ResponseWriter) { writeJSON(w, http.StatusOK, body) })
			link := linkFor(t, srv, a, func(c *Configuration) { c.AddDefaultHeader("DPoP", "from-a-default-header") })
			assert.Equal(t, srv.URL, link.OrgURL)
			assert.Equal(t, testClockStart, link.Now())

			got, err := link.Fetch(context.Background(), "GetKeys", srv.URL+keysPath, int64(len(body)))
			require.NoError(t, err)
			assert.Equal(t, body, string(got))

			_, err = link.Fetch(context.Background(), "GetKeys", srv.URL+keysPath, int64(len(body))-1)
			var respErr *ResponseError
			require.ErrorAs(t, err, &respErr)
			assert.Equal(t, "GetKeys", respErr.Op)
			assert.Len(t, reqs(), 2)
		})
	}
}

// A non-2xx answer is an *APIError naming the operation; a 503 is retried
// as a GET is, on the client's clock.
func TestFetch_errorsAndRetries(t *testing.T) {
	srv, reqs := fetchOrg(t, func(n int, w http.ResponseWriter) {
		if n == 0 {
			writeJSON(w, http.StatusServiceUnavailable, `{"errorCode":"E0000009"}`)
			return
		}
		writeJSON(w, http.StatusNotFound, `{"errorCode":"E0000007","errorSummary":"Not found"}`)
	})
	link := linkFor(t, srv, authCases[0], nil)
	_, err := link.Fetch(context.Background(), "GetKeys", srv.URL+keysPath, 1<<10)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "GetKeys", apiErr.Op)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Len(t, reqs(), 2, "the 503 was retried")
}

// What Fetch must not send is refused before any I/O: a URL off the org,
// a limit that is not positive. Of refuses what is not a usable client.
func TestFetch_refused(t *testing.T) {
	srv, reqs := fetchOrg(t, func(int, http.ResponseWriter) { t.Error("a refused fetch was sent") })
	link := linkFor(t, srv, authCases[0], nil)
	for _, tt := range []struct {
		url   string
		limit int64
		field string
	}{
		{"https://elsewhere.example/oauth2/v1/keys", 10, "url"},
		{srv.URL + "@elsewhere.example/keys", 10, "url"},
		{srv.URL, 10, "url"},
		{srv.URL + keysPath, 0, "limit"},
		{srv.URL + keysPath, -1, "limit"},
	} {
		_, err := link.Fetch(context.Background(), "GetKeys", tt.url, tt.limit)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, tt.url)
		assert.Equal(t, tt.field, ve.Field)
		assert.Equal(t, "GetKeys", ve.Op)
	}
	assert.Empty(t, reqs())

	for _, client := range []any{nil, "client", (*APIClient)(nil), NewAPIClient(&Configuration{BasePath: "ftp://x"})} {
		_, err := orglink.Of(client)
		var ve *ValidationError
		assert.ErrorAs(t, err, &ve, "%T", client)
	}
}

// Fetch is bounded in time as any call: a body that never ends is cut off
// at AttemptTimeout. (Two replies are whole answers, a 204 and a 200 with
// stray bytes after it, which may succeed.)
func TestFetch_boundedInTime(t *testing.T) {
	for name, reply := range hostileReplies {
		if strings.HasPrefix(name, "200 then") || strings.HasPrefix(name, "204") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			base := rawServer(t, reply)
			link, err := orglink.Of(NewAPIClient(&Configuration{BasePath: base, MaxRetries: NoRetries, AttemptTimeout: 50 * time.Millisecond}))
			require.NoError(t, err)
			assert.Error(t, within(t, func() error {
				_, err := link.Fetch(context.Background(), "GetKeys", base+keysPath, 1<<10)
				return err
			}))
		})
	}
}
