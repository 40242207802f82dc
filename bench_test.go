package okta

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkGetSession_throttle measures what client-side throttling costs
// per call, against a local server that always has quota left:
//
//	go test -run '^$' -bench GetSession_throttle -benchmem
func BenchmarkGetSession_throttle(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Rate-Limit-Limit", "750")
		w.Header().Set("X-Rate-Limit-Remaining", "700")
		w.Header().Set("X-Rate-Limit-Reset", "1609459200")
		writeJSON(w, http.StatusOK, sessionJSON)
	}))
	b.Cleanup(srv.Close)
	for _, bc := range []struct {
		name string
		edit func(*Configuration)
	}{
		{"off", func(*Configuration) {}},
		{"concurrency", func(c *Configuration) { c.MaxConcurrency = 50 }},
		{"floor", func(c *Configuration) { c.RateLimitFloor = 10 }},
		{"both", func(c *Configuration) { c.MaxConcurrency, c.RateLimitFloor = 50, 10 }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := &Configuration{BasePath: srv.URL, APIToken: testToken}
			bc.edit(cfg)
			client := NewAPIClient(cfg)
			ctx := context.Background()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, _, err := client.SessionApi.GetSession(ctx, "101W_juydrDRByB7fUdRyE2JQ"); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
