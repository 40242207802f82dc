package okta

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// answer429 builds the *APIError of a 429 with the given headers.
func answer429(h map[string]string) *APIError {
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{}}
	for k, v := range h {
		resp.Header.Set(k, v)
	}
	e := &APIError{StatusCode: http.StatusTooManyRequests, Response: resp}
	e.RateLimit, _ = ParseRateLimit(resp)
	return e
}

func TestRateLimitWait(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	date := now.Add(-3 * time.Second).Format(http.TimeFormat) // the server's clock is 3 s behind
	reset := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	tests := []struct {
		name     string
		header   map[string]string
		min, max time.Duration
	}{
		{"reset by the server's Date", map[string]string{"Date": date, "X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset(2 * time.Second)},
			6 * time.Second, 6500 * time.Millisecond},
		{"odd Date: local clock", map[string]string{"Date": "Mon, 01 Jan 1990 00:00:00 GMT", "X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset(2 * time.Second)},
			3 * time.Second, 3500 * time.Millisecond},
		{"no Date: local clock", map[string]string{"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset(2 * time.Second)},
			3 * time.Second, 3500 * time.Millisecond},
		{"reset already past", map[string]string{"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset(-10 * time.Second)},
			0, 500 * time.Millisecond},
		{"Retry-After seconds wins", map[string]string{"Retry-After": "4", "Date": date, "X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset(50 * time.Second)},
			4 * time.Second, 4500 * time.Millisecond},
		{"Retry-After date", map[string]string{"Retry-After": now.Add(7 * time.Second).Format(http.TimeFormat), "Date": now.Format(http.TimeFormat)},
			7 * time.Second, 7500 * time.Millisecond},
		{"concurrency limit: short backoff", map[string]string{"X-Rate-Limit-Limit": "0", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset(45 * time.Second)},
			125 * time.Millisecond, 250 * time.Millisecond},
		{"no headers: backoff", map[string]string{}, 125 * time.Millisecond, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", Clock: &testClock{now: now}})
			for range 50 {
				got := c.rateLimitWait(answer429(tt.header), 0)
				assert.GreaterOrEqual(t, got, tt.min)
				assert.LessOrEqual(t, got, tt.max)
			}
		})
	}
}

func TestRetryAfter_hostileValues(t *testing.T) {
	now := time.Now()
	for v, want := range map[string]time.Duration{"10000000000": (1 << 31) * time.Second, "0": 0} {
		d, ok := retryAfter(&http.Response{Header: http.Header{"Retry-After": {v}}}, now)
		assert.True(t, ok, v)
		assert.Equal(t, want, d, v)
	}
	for _, v := range []string{"-5", "soon", "99999999999999999999999"} {
		_, ok := retryAfter(&http.Response{Header: http.Header{"Retry-After": {v}}}, now)
		assert.False(t, ok, v)
	}
}

func TestBackoff(t *testing.T) {
	c := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", MaxRetryWait: 2 * time.Second})
	for attempt, want := range []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second} {
		for range 50 {
			got := c.backoff(attempt)
			assert.GreaterOrEqual(t, got, want/2, "attempt %d", attempt)
			assert.Less(t, got, want, "attempt %d", attempt)
		}
	}
	assert.LessOrEqual(t, c.backoff(1000), 2*time.Second, "no overflow")
}

func TestNeverSent(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("refused")}}
	read := &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("reset")}}
	assert.True(t, neverSent(dial))
	assert.False(t, neverSent(read))
	assert.False(t, neverSent(&url.Error{Op: "Post", URL: "x", Err: context.DeadlineExceeded}))
}

func TestConfiguration_resilienceDefaults(t *testing.T) {
	cfg := NewConfiguration()
	assert.Equal(t, 2, cfg.MaxRetries)
	c := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com"})
	assert.Equal(t, 0, c.cfg.MaxRetries, "a Configuration literal asks for no retries")
	assert.Equal(t, 30*time.Second, c.cfg.MaxRetryWait)
	assert.Equal(t, 15*time.Second, c.cfg.AttemptTimeout)
	assert.Equal(t, 60*time.Second, c.cfg.Timeout)
	assert.Nil(t, c.throttle, "throttling is off by default")
	for _, edit := range []func(*Configuration){
		func(c *Configuration) { c.MaxRetries = -1 },
		func(c *Configuration) { c.Timeout = -time.Second },
		func(c *Configuration) { c.MaxConcurrency = -1 },
	} {
		cfg := &Configuration{BasePath: "https://acme.okta.com"}
		edit(cfg)
		var ve *ValidationError
		assert.ErrorAs(t, cfg.Validate(), &ve)
	}
}
