package okta

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/pipeline"
	"github.com/oktasessions/okta-session-go/internal/retry"
	"github.com/stretchr/testify/assert"
)

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
			125 * time.Millisecond, 750 * time.Millisecond}, // the backoff, plus jitter
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
				e := answer429(tt.header)
				got := c.retryPolicy().RateLimitWait(e.Response, httpx.RateLimit(e.RateLimit), 0, now)
				assert.GreaterOrEqual(t, got, tt.min)
				assert.LessOrEqual(t, got, tt.max)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		value, date string
		want        time.Duration
		ok          bool
	}{
		{"0", "", 0, true},
		{"7", "", 7 * time.Second, true},
		{"10000000000", "", retry.MaxServerDelay, true},
		{"99999999999999999999999", "", retry.MaxServerDelay, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), "", 7 * time.Second, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), now.Add(-3 * time.Second).Format(http.TimeFormat), 10 * time.Second, true},
		{"Fri, 31 Dec 9999 23:59:59 GMT", "", retry.MaxServerDelay, true},
		{"Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", retry.MaxServerDelay, true},
		{"Mon, 01 Jan 0001 00:00:00 GMT", "", 0, true},
		{"-5", "", 0, false},
		{"+5", "", 0, false},
		{"soon", "", 0, false},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.value != "" {
			h.Set("Retry-After", tt.value)
		}
		if tt.date != "" {
			h.Set("Date", tt.date)
		}
		d, ok := retry.After(&http.Response{Header: h}, now)
		assert.Equal(t, tt.ok, ok, tt.value)
		assert.Equal(t, tt.want, d, tt.value)
	}
}

// A 429 whose wait, by any header, lies past MaxRetryWait is returned at
// once, with a RetryAt in the future however absurd the header.
func TestPlanRetry_farResetReturnsAtOnce(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	rl := map[string]string{"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0"}
	with := func(extra map[string]string) map[string]string {
		h := map[string]string{}
		for k, v := range rl {
			h[k] = v
		}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	for name, h := range map[string]map[string]string{
		"Retry-After in 9999":         {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"},
		"Retry-After huge seconds":    {"Retry-After": "99999999999999999999"},
		"Retry-After 10^10 seconds":   {"Retry-After": "10000000000"},
		"reset 99999999999":           with(map[string]string{"X-Rate-Limit-Reset": "99999999999"}),
		"reset 99999999999 with Date": with(map[string]string{"X-Rate-Limit-Reset": "99999999999", "Date": now.Format(http.TimeFormat)}),
		"reset 2^40":                  with(map[string]string{"X-Rate-Limit-Reset": "1099511627776", "Date": "Mon, 01 Jan 0001 00:00:00 GMT"}),
		"reset in an hour":            with(map[string]string{"X-Rate-Limit-Reset": strconv.FormatInt(now.Add(time.Hour).Unix(), 10)}),
	} {
		t.Run(name, func(t *testing.T) {
			c := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", Clock: &testClock{now: now}})
			e := answer429(h)
			p := c.planRetry(context.Background(), 0, true, e)
			assert.False(t, p.Retry)
			assert.True(t, p.RetryAt.After(now.Add(c.cfg.MaxRetryWait)), "RetryAt %v", p.RetryAt)
		})
	}
}

func TestBackoff(t *testing.T) {
	c := NewAPIClient(&Configuration{BasePath: "https://acme.okta.com", MaxRetryWait: 2 * time.Second})
	for attempt, want := range []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second} {
		for range 50 {
			got := c.retryPolicy().Backoff(attempt)
			assert.GreaterOrEqual(t, got, want/2, "attempt %d", attempt)
			assert.Less(t, got, want, "attempt %d", attempt)
		}
	}
	assert.LessOrEqual(t, c.retryPolicy().Backoff(1000), 2*time.Second, "no overflow")
}

func TestNeverSent(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("refused")}}
	read := &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("reset")}}
	assert.True(t, retry.NeverSent(dial))
	assert.False(t, retry.NeverSent(read))
	assert.False(t, retry.NeverSent(&url.Error{Op: "Post", URL: "x", Err: context.DeadlineExceeded}))
}

func TestRetryForID(t *testing.T) {
	for id, want := range map[string]string{
		"reqVy8wsvmBQN27h4soUE3ZEnA":      "reqVy8wsvmBQN27h4soUE3ZEnA",
		"W5uZ-tZa6_QDQ1.G5@IiTfdB0gAABU8": "W5uZ-tZa6_QDQ1.G5@IiTfdB0gAABU8",
		"":                                "",
		strings.Repeat("a", 1<<20):        "",
		strings.Repeat("a", retry.MaxRequestIDLen+1): "",
		"req id":    "",
		"req\x7f":   "",
		"req,other": "",
		"réq":       "",
	} {
		resp := &http.Response{Header: http.Header{"X-Okta-Request-Id": {id}}}
		assert.Equal(t, want, retry.ForID(resp), "%.40q", id)
	}
	assert.Empty(t, retry.ForID(nil))
}

// A server's "Retry-After: 0" (or a date in the past) on a 429 or a 5xx does
// not make a hot loop: the backoff stays the least wait.
func TestPlanRetry_retryAfterZeroKeepsTheBackoff(t *testing.T) {
	c, now := clockedClient()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		for _, ra := range []string{"0", "Mon, 01 Jan 1990 00:00:00 GMT"} {
			e := answerWith(status, map[string]string{"Retry-After": ra})
			for attempt := range 2 {
				p := c.planRetry(context.Background(), attempt, true, e)
				assert.True(t, p.Retry)
				assert.GreaterOrEqual(t, p.Wait, (retry.BackoffBase<<attempt)/2, "status %d, Retry-After %q", status, ra)
				assert.Equal(t, now.Add(p.Wait), p.RetryAt)
			}
		}
	}
}

// Retry-After on a 502, 503 or 504 is honoured: a longer one than the
// backoff is the wait, and RetryAt.
func TestPlanRetry_retryAfterOnGatewayErrors(t *testing.T) {
	c, now := clockedClient()
	for _, status := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		e := answerWith(status, map[string]string{"Retry-After": "5"})
		p := c.planRetry(context.Background(), 0, true, e)
		assert.True(t, p.Retry)
		assert.Equal(t, 5*time.Second, p.Wait, "status %d", status)
		assert.Equal(t, now.Add(5*time.Second), p.RetryAt)
	}
}

// TestWaitReason_isRetrys holds the reasons of a wait to packages retry's
// and pipeline's, which the root converts by value.
func TestWaitReason_isRetrys(t *testing.T) {
	assert.Equal(t, WaitRateLimit, WaitReason(retry.ReasonRateLimit))
	assert.Equal(t, WaitConcurrencyLimit, WaitReason(retry.ReasonConcurrencyLimit))
	assert.Equal(t, WaitServerError, WaitReason(retry.ReasonServerError))
	assert.Equal(t, WaitTransport, WaitReason(retry.ReasonTransport))
	assert.Equal(t, WaitMaxConcurrency, WaitReason(pipeline.ReasonMaxConcurrency))
	assert.Equal(t, WaitRateLimitFloor, WaitReason(pipeline.ReasonRateLimitFloor))
}
