package redistest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/redistest"
	"github.com/redis/go-redis/v9"
)

func TestKillRestart(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client()
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("Set: %v", err)
	}
	srv.Kill()
	if err := c.Get(ctx, "k").Err(); err == nil {
		t.Fatal("Get on a killed server: no error")
	}
	srv.Restart()
	// The same address answers again, empty: no persistence.
	var err error
	for range 3 { // the pool's connections to the killed process fail first
		if err = c.Get(ctx, "k").Err(); errors.Is(err, redis.Nil) {
			break
		}
	}
	if !errors.Is(err, redis.Nil) {
		t.Fatalf("Get after restart: %v, want redis.Nil", err)
	}
}

func TestPause(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client()
	srv.Pause(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("Ping on a paused server answered within 20ms")
	}
}

func TestFill(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client()
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("Set: %v", err)
	}
	srv.Fill()
	if err := c.Set(ctx, "k2", "v", 0).Err(); err == nil || !strings.HasPrefix(err.Error(), "OOM") {
		t.Fatalf("Set on a full server: %v, want OOM", err)
	}
	if err := c.Get(ctx, "k").Err(); err != nil {
		t.Fatalf("Get on a full server: %v", err)
	}
	srv.MakeRoom()
	if err := c.Set(ctx, "k2", "v", 0).Err(); err != nil {
		t.Fatalf("Set after MakeRoom: %v", err)
	}
}
