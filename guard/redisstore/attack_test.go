package redisstore_test

import (
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/guard/redisstore"
	"github.com/oktasessions/okta-session-go/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// entryKey is the Redis key of id's entry under the prefix "app".
func entryKey(id string) string {
	k := guard.KeyOf(id)
	return "{app}:e:" + hex.EncodeToString(k[:])
}

// TestRevokeWithEndedContext: a revocation whose caller gave up (its
// context ended before Redis answered, as a request's does when its client
// goes away) still reaches Redis and the other replicas: EndSession
// promises that no guard sharing the store lets the session through.
func TestRevokeWithEndedContext(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	b, _ := newStore(t, srv, "app")
	wb := watch(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00u1", At: t0, Until: t0.Add(time.Hour)}
	if err := a.Revoke(ctx, r); err == nil {
		t.Log("Revoke with an ended context: no error") // allowed: it may have recorded it
	}
	eventually(t, "the other store given the revocation", func() bool { return wb.has(r) })
	if err := b.Save(context.Background(), guard.KeyOf("s"), found(t0)); !errors.Is(err, guard.ErrRevoked) {
		t.Errorf("Save at the other store = %v, want ErrRevoked", err)
	}
}

// gatedClient is a client of srv whose new connections fail while refuse
// is set, as a replica cut off from Redis.
func gatedClient(t *testing.T, srv *redistest.Server, refuse *atomic.Bool) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr: srv.Addr(), ContextTimeoutEnabled: true, MaxRetries: -1,
		Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if refuse.Load() {
				return nil, errors.New("test: the replica is cut off")
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestRestartedRedisGetsBackEveryKnownRevocation: Redis restarted empty,
// and before a replica that knows a revocation reconnects, another one
// records a revocation of its own: the first still records its own again,
// although Redis then holds as many revocations as it knows (and it had
// recorded them all before).
func TestRestartedRedisGetsBackEveryKnownRevocation(t *testing.T) {
	srv := redistest.Start(t)
	var refuse atomic.Bool
	a, _ := newStoreOn(t, gatedClient(t, srv, &refuse), "app")
	ctx := context.Background()
	old := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00uOld", At: t0, Until: t0.Add(time.Hour)}
	if err := a.Revoke(ctx, old); err != nil {
		t.Fatal(err)
	}
	// A first restart, which a reconnects through: it records old again.
	srv.Restart()
	raw := srv.Client()
	eventually(t, "the revocation recorded again", func() bool {
		return raw.HExists(ctx, "{app}:revocations", "u:00uOld").Val()
	})
	eventually(t, "the store back", func() bool { return usable(a) })
	refuse.Store(true)
	srv.Restart()
	eventually(t, "the cut-off store failing", func() bool { return !usable(a) })
	c, _ := newStore(t, srv, "app") // started after the restart: it knows nothing
	other := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00uNew", At: t0, Until: t0.Add(time.Hour)}
	if err := c.Revoke(ctx, other); err != nil {
		t.Fatal(err)
	}
	refuse.Store(false)
	eventually(t, "the store back", func() bool { return usable(a) })
	late, _ := newStore(t, srv, "app")
	wl := watch(t, late)
	eventually(t, "a later store given the revocation recorded before the restart", func() bool { return wl.has(old) })
}

// TestWrongTypeUnderAnEntryKey: a key of another type where an entry
// should be (a corrupted or hostile Redis) fails that Load only: the store
// does not take it for a lost Redis (no Warn, other Loads served), and a
// Save replaces it.
func TestWrongTypeUnderAnEntryKey(t *testing.T) {
	srv := redistest.Start(t)
	// No PING on the subscription, whose answer a busy machine may delay past
	// the timeout: only what the test does may count Redis as lost.
	a, logs := newStore(t, srv, "app", redisstore.WithRetry(time.Hour))
	ctx := context.Background()
	if err := srv.Client().HSet(ctx, entryKey("s"), "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, ok, err := a.Load(ctx, guard.KeyOf("s")); err == nil && ok {
			t.Fatal("Load of a hash: an entry")
		}
		if !usable(a) {
			t.Fatal("one key of the wrong type made the store stop serving every Load")
		}
	}
	if err := a.Save(ctx, guard.KeyOf("s"), found(t0)); err != nil {
		t.Errorf("Save over a key of the wrong type: %v", err)
	}
	if _, ok, err := a.Load(ctx, guard.KeyOf("s")); !ok || err != nil {
		t.Errorf("Load after Save: %v, %v", ok, err)
	}
	if n := logs.count(slog.LevelWarn); n != 0 {
		t.Errorf("%d Warn records for one bad key:%s", n, logs)
	}
}

// TestPrefixesDoNotCollide: two apps whose prefixes differ never share a
// key or a channel, whatever characters the prefixes hold.
func TestPrefixesDoNotCollide(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	pairs := [][2]string{{"a{b", "a_b"}, {"{a}", "_a_"}, {"a", "a:b"}, {"a}", "a_"}, {"a{b", "a%7Bb"}}
	for _, p := range pairs {
		x, _ := newStore(t, srv, p[0])
		y, _ := newStore(t, srv, p[1])
		if err := x.Save(ctx, guard.KeyOf("s"+p[0]), found(t0)); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := y.Load(ctx, guard.KeyOf("s"+p[0])); ok {
			t.Errorf("prefixes %q and %q share entries", p[0], p[1])
		}
		wy := watch(t, y)
		other, _ := newStore(t, srv, p[1])
		r := guard.Revocation{Kind: guard.RevokeUserID, Subject: "u" + p[0], At: t0, Until: t0.Add(time.Hour)}
		if err := x.Revoke(ctx, r); err != nil {
			t.Fatal(err)
		}
		// Redis delivers a subscriber's messages in order: once y has one
		// published after x's, it would have had x's.
		marker := guard.Revocation{Kind: guard.RevokeUserID, Subject: "marker" + p[1], At: t0, Until: t0.Add(time.Hour)}
		if err := other.Revoke(ctx, marker); err != nil {
			t.Fatal(err)
		}
		eventually(t, "y given a revocation of its prefix", func() bool { return wy.has(marker) })
		late, _ := newStore(t, srv, p[1]) // loads the revocations of its prefix
		if wl := watch(t, late); wy.has(r) || wl.has(r) {
			t.Errorf("prefixes %q and %q share revocations", p[0], p[1])
		}
	}
}

// TestEveryKeyExpires: every key a store writes has a TTL, so that an app
// that stops leaves nothing in Redis for ever.
func TestEveryKeyExpires(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	ctx := context.Background()
	if err := a.Save(ctx, guard.KeyOf("s"), found(t0)); err != nil {
		t.Fatal(err)
	}
	for _, r := range []guard.Revocation{
		{Kind: guard.RevokeUserID, Subject: "00u1", At: t0, Until: t0.Add(time.Hour)},
		{Kind: guard.RevokeSession, Key: guard.KeyOf("s2"), At: t0, Until: t0.Add(2 * time.Hour)},
	} {
		if err := a.Revoke(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	c := srv.Client()
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		ttl, err := c.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		if ttl < 0 {
			t.Errorf("key %q has no TTL", k)
		} else if ttl > 2*time.Hour+time.Minute {
			t.Errorf("key %q lives %v, longer than the latest revocation", k, ttl)
		}
	}
}

// TestCloseWhileRedisHangs: Close returns within a few timeouts while Redis
// answers nothing, with a revocation being recorded, and leaves no
// goroutine of the store behind, with a client whose context deadlines
// reach the socket or not.
func TestCloseWhileRedisHangs(t *testing.T) {
	for _, inSocket := range []bool{true, false} {
		name := map[bool]string{true: "ContextTimeoutEnabled", false: "without ContextTimeoutEnabled"}[inSocket]
		t.Run(name, func(t *testing.T) {
			srv := redistest.Start(t)
			before := runtime.NumGoroutine()
			rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: inSocket, MaxRetries: -1,
				ReadTimeout: 2 * testTimeout})
			logs := &records{}
			a := redisstore.New(rdb, "app", fast(logs)...)
			eventually(t, "store usable", func() bool { return usable(a) })
			srv.Pause(time.Second)
			_, _, _ = a.Load(context.Background(), guard.KeyOf("s"))
			// A Revoke whose caller gave up leaves its script in flight.
			gone, cancel := context.WithCancel(context.Background())
			cancel()
			_ = a.Revoke(gone, guard.Revocation{Kind: guard.RevokeUserID, Subject: "u", At: t0, Until: t0.Add(time.Hour)})
			start := time.Now()
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 3*testTimeout {
				t.Errorf("Close took %v with a %v timeout", d, testTimeout)
			}
			_ = rdb.Close()
			eventually(t, "goroutines back to their number before the store", func() bool {
				return runtime.NumGoroutine() <= before
			})
		})
	}
}

// TestUnreadableRevocationRefuses: a revocation whose value Redis holds
// garbled (a corrupted or hostile Redis) still refuses its subject's
// sessions: what cannot be read fails closed.
func TestUnreadableRevocationRefuses(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	ctx := context.Background()
	for _, v := range []string{"garbage", "", ":1", "x:1"} {
		if err := srv.Client().HSet(ctx, "{app}:revocations", "u:00u1", v).Err(); err != nil {
			t.Fatal(err)
		}
		if err := a.Save(ctx, guard.KeyOf("s"), found(t0)); !errors.Is(err, guard.ErrRevoked) {
			t.Errorf("Save under the revocation %q: %v, want ErrRevoked", v, err)
		}
	}
}

// TestHugeValueUnderAnEntryKey: a huge value under an entry's key (a
// corrupted or hostile Redis) fails its Load without reading it: the store
// neither takes it for a lost Redis nor allocates its size.
func TestHugeValueUnderAnEntryKey(t *testing.T) {
	srv := redistest.Start(t)
	// No PING on the subscription, whose answer a busy machine may delay past
	// the timeout: only what the test does may count Redis as lost.
	a, logs := newStore(t, srv, "app", redisstore.WithRetry(time.Hour))
	ctx := context.Background()
	huge := "1|9999999999999999|1|" + strings.Repeat("x", 16<<20)
	if err := srv.Client().Set(ctx, entryKey("s"), huge, time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, ok, err := a.Load(ctx, guard.KeyOf("s"))
	runtime.ReadMemStats(&after)
	if ok || err == nil || errors.Is(err, redisstore.ErrUnavailable) {
		t.Errorf("Load of a huge value: %v, %v", ok, err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("Load of a huge value allocated %d bytes", n)
	}
	if !usable(a) || logs.count(slog.LevelWarn) != 0 {
		t.Errorf("one huge value made the store stop serving:%s", logs)
	}
}

// TestFullRedisStillAnnounces: a full Redis refuses to record a
// revocation, but the other replicas, which may still read entries from
// it, are told of it at once (Redis publishes while full).
func TestFullRedisStillAnnounces(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	b, _ := newStore(t, srv, "app")
	wb := watch(t, b)
	ctx := context.Background()
	srv.Fill()
	r := guard.Revocation{Kind: guard.RevokeSession, Key: guard.KeyOf("s"), At: t0, Until: t0.Add(time.Hour)}
	if err := a.Revoke(ctx, r); err == nil {
		t.Error("Revoke in a full Redis: no error")
	}
	eventually(t, "the other store given the revocation while Redis is full", func() bool { return wb.has(r) })
	srv.MakeRoom()
	eventually(t, "the revocation recorded once Redis has room", func() bool {
		return srv.Client().HExists(ctx, "{app}:revocations", "s:"+entryKey("s")[len("{app}:e:"):]).Val()
	})
}

// faultHook fails a client's scripts while failScripts is set; once
// holdNext is set it holds the next script until release is closed (closing
// holding), failing the others meanwhile: a Redis whose faults come and go.
type faultHook struct {
	failScripts, holdNext, busy *atomic.Bool
	holding, release            chan struct{}
}

func newFaultHook() faultHook {
	return faultHook{failScripts: new(atomic.Bool), holdNext: new(atomic.Bool), busy: new(atomic.Bool),
		holding: make(chan struct{}), release: make(chan struct{})}
}

func (h faultHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h faultHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); name != "evalsha" && name != "eval" {
			return next(ctx, cmd)
		}
		switch {
		case h.holdNext.CompareAndSwap(true, false):
			h.busy.Store(true)
			close(h.holding)
			select {
			case <-h.release:
			case <-ctx.Done():
			}
			h.busy.Store(false)
		case h.failScripts.Load() || h.busy.Load():
			err := errors.New("test: the script failed")
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}
func (h faultHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestRevokeFailingDuringReconnection: a revocation that Redis failed to
// record while the store, after an earlier failure, was recording again
// those Redis lacked, is recorded once Redis works: the store does not take
// the end of that reconnection for a usable Redis.
func TestRevokeFailingDuringReconnection(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	h := newFaultHook()
	rdb.AddHook(h)
	a, _ := newStoreOn(t, rdb, "app", redisstore.WithTimeout(time.Second))
	ctx := context.Background()
	h.failScripts.Store(true)
	first := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00uFirst", At: t0, Until: t0.Add(time.Hour)}
	if err := a.Revoke(ctx, first); err == nil {
		t.Fatal("Revoke with failing scripts: no error")
	}
	h.holdNext.Store(true)
	h.failScripts.Store(false)
	<-h.holding // the store is recording first again
	r := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00u1", At: t0, Until: t0.Add(time.Hour)}
	if err := a.Revoke(ctx, r); err == nil {
		t.Fatal("Revoke while Redis fails: no error")
	}
	close(h.release)
	eventually(t, "the revocation recorded", func() bool {
		return srv.Client().HExists(ctx, "{app}:revocations", "u:00u1").Val()
	})
}

// scanHook holds a client's first HSCAN, once Redis answered it, until
// release is closed (closing scanning first).
type scanHook struct {
	once              *sync.Once
	scanning, release chan struct{}
}

func (h scanHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h scanHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if cmd.Name() == "hscan" {
			h.once.Do(func() { close(h.scanning); <-h.release })
		}
		return err
	}
}
func (h scanHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestRevocationWhileLoading: revocations recorded before a starting store
// loads them, and between its HSCAN's answer and the end of its load, all
// reach its Watch functions (it subscribes before loading).
func TestRevocationWhileLoading(t *testing.T) {
	srv := redistest.Start(t)
	b, _ := newStore(t, srv, "app")
	ctx := context.Background()
	before := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00uBefore", At: t0, Until: t0.Add(time.Hour)}
	if err := b.Revoke(ctx, before); err != nil {
		t.Fatal(err)
	}
	rdb := srv.Client()
	h := scanHook{once: new(sync.Once), scanning: make(chan struct{}), release: make(chan struct{})}
	rdb.AddHook(h)
	a := redisstore.New(rdb, "app", redisstore.WithTimeout(time.Second), redisstore.WithRetry(5*time.Millisecond))
	t.Cleanup(func() { _ = a.Close() })
	<-h.scanning // subscribed, loading
	during := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00uDuring", At: t0, Until: t0.Add(time.Hour)}
	if err := b.Revoke(ctx, during); err != nil {
		t.Fatal(err)
	}
	close(h.release)
	wa := watch(t, a)
	eventually(t, "the starting store given both revocations", func() bool { return wa.has(before) && wa.has(during) })
}

// TestReconnectingStoreLearnsWhatItMissed: a store cut off from Redis while
// another records a revocation is given it when it reconnects, and serves
// no Load meanwhile.
func TestReconnectingStoreLearnsWhatItMissed(t *testing.T) {
	srv := redistest.Start(t)
	var refuse atomic.Bool
	a, _ := newStoreOn(t, gatedClient(t, srv, &refuse), "app")
	b, _ := newStore(t, srv, "app")
	wa := watch(t, a)
	ctx := context.Background()
	refuse.Store(true)
	if err := srv.Client().Do(ctx, "client", "kill", "type", "pubsub").Err(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the cut-off store failing", func() bool { return !usable(a) })
	r := guard.Revocation{Kind: guard.RevokeLogin, Subject: "ann@example.com", At: t0, Until: t0.Add(time.Hour)}
	if err := b.Revoke(ctx, r); err != nil {
		t.Fatal(err)
	}
	if wa.has(r) || usable(a) {
		t.Fatal("the cut-off store heard of the revocation or served Load")
	}
	refuse.Store(false)
	eventually(t, "the store back", func() bool { return usable(a) })
	if !wa.has(r) {
		t.Error("the store served Load again before giving its Watch functions the revocation it missed")
	}
}
