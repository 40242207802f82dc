package oktatest_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestOnlyLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.0.0.1:0", "localhost.example.com:0", "localhost"} {
		_, err := oktatest.Start(oktatest.WithAddr(addr))
		assert.Error(t, err, addr)
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "LocalHost:0"} {
		srv, err := oktatest.Start(oktatest.WithAddr(addr))
		require.NoError(t, err, addr)
		srv.Close()
		assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), "%s listens on %s", addr, srv.URL)
	}
}

func TestStart_refusesBadOptions(t *testing.T) {
	for name, opt := range map[string]oktatest.Option{
		"idle timeout":      oktatest.WithIdleTimeout(0),
		"rate limit":        oktatest.WithRateLimit(0),
		"concurrency limit": oktatest.WithConcurrencyLimit(-1),
	} {
		_, err := oktatest.Start(opt)
		assert.Error(t, err, name)
	}
}

func TestConfig(t *testing.T) {
	srv, clock := newFake(t, oktatest.WithAPIToken("00token"))
	cfg := srv.Config()
	assert.Equal(t, srv.URL, cfg.BasePath)
	assert.Equal(t, "00token", cfg.APIToken)
	assert.Same(t, clock, cfg.Clock, "the client's waits move the server's clock")

	real := oktatest.NewServer(t)
	assert.Nil(t, real.Config().Clock, "the wall clock is the client's default")
}

func TestConcurrentUse(t *testing.T) {
	srv, clock := newFake(t, oktatest.WithRateLimit(10000))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			s := createSession(t, srv)
			clock.Advance(time.Second)
			srv.InjectFault(oktatest.Fault{Route: oktatest.RouteAny, Count: 1, Header: http.Header{"X-Seen": {"1"}}})
			assert.Equal(t, http.StatusOK, send(t, srv, http.MethodPost, sessionPath(s)+"/lifecycle/refresh", ssws(srv), "").StatusCode)
			assert.Equal(t, http.StatusNoContent, send(t, srv, http.MethodDelete, sessionPath(s), ssws(srv), "").StatusCode)
			_ = srv.Requests()
		})
	}
	wg.Wait()
	assert.Len(t, srv.Requests(), 48)
}

// TestReadmeSnippet is the README's example of the fake, kept here so that
// it compiles and runs.
func TestReadmeSnippet(t *testing.T) {
	ctx := context.Background()
	srv := oktatest.NewServer(t) // closed when the test ends
	tok := srv.IssueSessionToken(oktatest.User{Login: "ann@example.com"})
	s, _, err := srv.Client().SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
	require.NoError(t, err)
	assert.Equal(t, "ann@example.com", s.Login)
}

// Options a client could never use are refused when the server starts.
func TestStart_refusesUnusableOptions(t *testing.T) {
	for name, opt := range map[string]oktatest.Option{
		"negative max lifetime":     oktatest.WithMaxLifetime(-time.Second),
		"API token with its scheme": oktatest.WithAPIToken("SSWS abc"),
		"API token with a newline":  oktatest.WithAPIToken("abc\ndef"),
		"access token with a space": oktatest.WithAccessToken("Bearer abc"),
	} {
		srv, err := oktatest.Start(opt)
		assert.Error(t, err, name)
		assert.Nil(t, srv, name)
	}
}

// A refused token is named, with why, and never printed.
func TestStart_refusedTokenMessages(t *testing.T) {
	tests := []struct {
		opt  oktatest.Option
		want string
	}{
		{oktatest.WithAPIToken("ssws 00secret"), `the API token starts with "SSWS "`},
		{oktatest.WithAPIToken("00secret\n"), "the API token must be printable ASCII"},
		{oktatest.WithAccessToken("Bearer 00secret"), `the access token starts with "Bearer "`},
		{oktatest.WithAccessToken("00sec ret"), "the access token must be printable ASCII"},
	}
	for _, tt := range tests {
		_, err := oktatest.Start(tt.opt)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tt.want)
		assert.NotContains(t, err.Error(), "00sec")
	}
}
