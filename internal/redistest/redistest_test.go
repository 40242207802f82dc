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

func TestCluster(t *testing.T) {
	srv := redistest.StartCluster(t)
	c := srv.ClusterClient()
	ctx := context.Background()
	// The node refuses keys of two slots in one script, as a cluster of
	// several nodes must; one hash tag makes them one slot.
	script := "redis.call('set', KEYS[1], 1); redis.call('set', KEYS[2], 1)"
	if err := c.Eval(ctx, script, []string{"a", "b"}).Err(); err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Errorf("keys of two slots: %v, want CROSSSLOT", err)
	}
	if err := c.Eval(ctx, script, []string{"{t}:a", "{t}:b"}).Err(); err != nil && !errors.Is(err, redis.Nil) {
		t.Errorf("keys of one hash tag: %v", err)
	}
}

// TestStartWithoutRedisServer: without redis-server (and CI unset), Start
// skips the test rather than failing it.
func TestStartWithoutRedisServer(t *testing.T) {
	var sub *testing.T
	t.Run("skips", func(t *testing.T) {
		sub = t
		t.Setenv("PATH", t.TempDir())
		t.Setenv("CI", "")
		redistest.Start(t)
		t.Error("Start returned")
	})
	if !sub.Skipped() {
		t.Error("Start without redis-server did not skip")
	}
}
