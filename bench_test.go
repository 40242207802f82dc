package okta

import (
	"context"
	"testing"
)

// BenchmarkGetSession_throttle measures what client-side throttling costs
// per call, against a local server that always has quota left:
//
//	go test -run '^$' -bench GetSession_throttle -benchmem -count 5
func BenchmarkGetSession_throttle(b *testing.B) {
	srv := quotaServer(b)
	for _, bc := range []configCase{
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
					if _, _, err := client.SessionApi.GetSession(ctx, testSessionID); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
