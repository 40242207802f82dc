// Package redistest starts a real redis-server for tests: on a free loopback
// port, without persistence, stopped when the test ends. A test can kill it
// and start it again on the same port (empty, as a restarted Redis without
// persistence is), pause its clients (a Redis that answers slowly) and fill
// it (maxmemory with noeviction: every write is refused).
//
// Without a redis-server on PATH, Start skips the test with a message that
// names the package to install; when the environment variable CI is "true"
// it fails the test instead, so that CI cannot pass by skipping. StartCluster
// starts a Redis Cluster of one node.
package redistest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTimeout bounds how long Start and Restart wait for the server to
// answer PING.
const startTimeout = 10 * time.Second

// Server is one redis-server process started for a test.
type Server struct {
	t     testing.TB
	bin   string
	dir   string
	port  int
	extra []string // more arguments (a cluster node's)

	mu   sync.Mutex
	cmd  *exec.Cmd
	out  *bytes.Buffer // the process's output, shown when it fails to start
	done chan struct{} // closed when the process has exited
}

// Start starts a redis-server on a free loopback port and stops it when the
// test ends. It skips the test when redis-server is not installed, unless
// CI is "true", where that fails the test.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartCluster starts a Redis Cluster of one node, which serves every slot,
// as Start starts a server: it refuses what a cluster refuses (a script or
// command whose keys are in different slots) and is reached with a
// redis.ClusterClient.
func StartCluster(t testing.TB) *Server {
	t.Helper()
	s := start(t, true)
	s.admin("cluster", "addslotsrange", 0, 16383)
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return s
		}
		select {
		case <-ctx.Done():
			t.Fatalf("redistest: the cluster is not ok within %v: %v %s", startTimeout, err, info)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// start starts the server, as a cluster node when cluster is set.
func start(t testing.TB, cluster bool) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server not found (CI=true, so the Redis tests must run): install the redis-server package (apt-get install -y redis-server)")
		}
		t.Skip("redis-server not found: install the redis-server package (apt-get install -y redis-server) to run the Redis tests")
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir()}
	t.Cleanup(s.Kill)
	// A free port can be taken between our probe and the server's bind:
	// try a few.
	for attempt := 0; ; attempt++ {
		s.port = freePort(t)
		if cluster {
			s.extra = []string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
				"--cluster-port", strconv.Itoa(freePort(t))}
		}
		err := s.start()
		if err == nil {
			return s
		}
		if attempt == 4 {
			t.Fatalf("redistest: %v", err)
		}
	}
}

// freePort returns a loopback TCP port nobody listened on a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: finding a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}

// Addr is the server's host:port.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// start runs the process and waits until it answers PING.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := exec.Command(s.bin, append([]string{
		"--bind", "127.0.0.1",
		"--port", strconv.Itoa(s.port),
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
		"--daemonize", "no",
		"--loglevel", "warning",
		"--logfile", "",
	}, s.extra...)...)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.cmd, s.out, s.done = cmd, out, done

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := waitReady(ctx, s.Addr(), done); err != nil {
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("redis-server on port %d: %w; its output:\n%s", s.port, err, out.String())
	}
	return nil
}

// waitReady polls addr with PING until it answers, the process exits or ctx
// ends.
func waitReady(ctx context.Context, addr string, exited <-chan struct{}) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer c.Close()
	for {
		if c.Ping(ctx).Err() == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.New("exited before answering")
		case <-ctx.Done():
			return fmt.Errorf("no answer within %v", startTimeout)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// Kill ends the process at once (SIGKILL) and waits for it; the data it held
// is lost. Calling it again, or after the test, does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts a killed server again on the same port, empty.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

// admin runs one command on a connection of its own.
func (s *Server) admin(args ...any) {
	s.t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := c.Do(ctx, args...).Err(); err != nil {
		s.t.Fatalf("redistest: %v: %v", args, err)
	}
}

// Pause holds every client's commands for d (CLIENT PAUSE ... ALL): the
// server accepts connections and commands and answers them only when d has
// passed, as a Redis stuck in a slow command would.
func (s *Server) Pause(d time.Duration) {
	s.t.Helper()
	s.admin("client", "pause", d.Milliseconds(), "all")
}

// Fill makes the server full: maxmemory below what it already uses, with
// the noeviction policy, so every command that may add data is refused with
// an OOM error while reads still work. MakeRoom undoes it.
func (s *Server) Fill() {
	s.t.Helper()
	s.admin("config", "set", "maxmemory-policy", "noeviction")
	s.admin("config", "set", "maxmemory", "1")
}

// MakeRoom lifts the limit Fill set.
func (s *Server) MakeRoom() {
	s.t.Helper()
	s.admin("config", "set", "maxmemory", "0")
}

// Client returns a new client of the server, closed when the test ends. Its
// context deadlines reach the socket (ContextTimeoutEnabled), and it does
// not retry, so that a fault shows at once.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), ContextTimeoutEnabled: true, MaxRetries: -1})
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// ClusterClient returns a new cluster client of the server (StartCluster),
// closed when the test ends, set as Client's.
func (s *Server) ClusterClient() *redis.ClusterClient {
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{s.Addr()}, ContextTimeoutEnabled: true, MaxRetries: -1})
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}
