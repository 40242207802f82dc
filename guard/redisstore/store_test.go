package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/guard/redisstore"
	"github.com/oktasessions/okta-session-go/internal/redistest"
	"github.com/redis/go-redis/v9"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// found is an entry for a session of user "00u1" (login Ann@Example.com)
// created at t0 and asked of Okta at asked.
func found(asked time.Time) guard.Entry {
	return guard.Entry{
		Verdict: guard.VerdictFound,
		Session: okta.Session{
			Login: "Ann@Example.com", UserId: "00u1", Status: okta.SessionStatusActive,
			CreatedAt: t0, ExpiresAt: t0.Add(2 * time.Hour),
		},
		AskedAt: asked,
		Until:   asked.Add(30 * time.Second),
	}
}

func TestSaveLoad(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	b, _ := newStore(t, srv, "app")
	ctx := context.Background()

	key := guard.KeyOf("102secretSessionId")
	e := found(t0)
	e.Session.Id = "102secretSessionId"
	e.Session.Links = &okta.SessionLinks{}
	if err := a.Save(ctx, key, e); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, ok, err := b.Load(ctx, key)
	if err != nil || !ok {
		t.Fatalf("Load from another store: %v, %v", ok, err)
	}
	if got.Session.Id != "" || got.Session.Links != nil {
		t.Errorf("Load kept the id or the links: %+v", got.Session)
	}
	if !got.AskedAt.Equal(e.AskedAt) || !got.Until.Equal(e.Until) || got.Verdict != e.Verdict ||
		got.Session.Login != e.Session.Login || !got.Session.CreatedAt.Equal(e.Session.CreatedAt) {
		t.Errorf("Load = %+v, want %+v", got, e)
	}
	if _, ok, err := b.Load(ctx, guard.KeyOf("another")); ok || err != nil {
		t.Errorf("Load of an unsaved key: %v, %v", ok, err)
	}
	// An older answer does not replace a newer one.
	older := found(t0.Add(-time.Second))
	older.Session.Status = okta.SessionStatusMFARequired
	if err := b.Save(ctx, key, older); err != nil {
		t.Fatalf("Save older: %v", err)
	}
	if got, _, _ := a.Load(ctx, key); got.Session.Status != okta.SessionStatusActive {
		t.Errorf("an older answer replaced a newer one: %s", got.Session.Status)
	}
	// A refusal round-trips too.
	nf := guard.Entry{Verdict: guard.VerdictNotFound, AskedAt: t0, Until: t0.Add(10 * time.Second)}
	if err := a.Save(ctx, guard.KeyOf("gone"), nf); err != nil {
		t.Fatalf("Save not found: %v", err)
	}
	if got, ok, _ := b.Load(ctx, guard.KeyOf("gone")); !ok || got.Verdict != guard.VerdictNotFound {
		t.Errorf("Load not found = %+v, %v", got, ok)
	}
}

func TestSaveRefusedByRevocation(t *testing.T) {
	at := t0.Add(time.Minute)
	tests := []struct {
		name  string
		rev   guard.Revocation
		entry guard.Entry
		want  error
	}{
		{"session", guard.Revocation{Kind: guard.RevokeSession, Key: guard.KeyOf("s1"), At: at},
			found(at.Add(time.Hour)), guard.ErrRevoked},
		{"user, asked before", guard.Revocation{Kind: guard.RevokeUserID, Subject: "00u1", At: at},
			found(at.Add(-time.Millisecond)), guard.ErrRevoked},
		{"user, created before", guard.Revocation{Kind: guard.RevokeUserID, Subject: "00u1", At: at},
			found(at.Add(time.Hour)), guard.ErrRevoked},
		{"login, without case", guard.Revocation{Kind: guard.RevokeLogin, Subject: "ann@example.com", At: at},
			found(at.Add(-time.Millisecond)), guard.ErrRevoked},
		{"another user", guard.Revocation{Kind: guard.RevokeUserID, Subject: "00u2", At: at},
			found(at.Add(-time.Millisecond)), nil},
		{"another session", guard.Revocation{Kind: guard.RevokeSession, Key: guard.KeyOf("s2"), At: at},
			found(at.Add(-time.Millisecond)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := redistest.Start(t)
			a, _ := newStore(t, srv, "app")
			b, _ := newStore(t, srv, "app")
			tt.rev.Until = at.Add(time.Hour)
			if err := a.Revoke(context.Background(), tt.rev); err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			err := b.Save(context.Background(), guard.KeyOf("s1"), tt.entry)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Save = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestRevokeSessionDropsItsEntry: a session's revocation deletes its entry
// in Redis (the revoke script is given its key from the revocation's
// field), and no other session's.
func TestRevokeSessionDropsItsEntry(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	ctx := context.Background()
	for _, id := range []string{"s1", "s2"} {
		if err := a.Save(ctx, guard.KeyOf(id), found(t0)); err != nil {
			t.Fatalf("Save %s: %v", id, err)
		}
	}
	r := guard.Revocation{Kind: guard.RevokeSession, Key: guard.KeyOf("s1"), At: t0.Add(time.Second), Until: t0.Add(time.Hour)}
	if err := a.Revoke(ctx, r); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if n := srv.Client().Exists(ctx, entryKey("s1")).Val(); n != 0 {
		t.Errorf("the revoked session's entry is still in Redis")
	}
	if _, ok, err := a.Load(ctx, guard.KeyOf("s1")); ok || err != nil {
		t.Errorf("Load of the revoked session = %v, %v; want no entry", ok, err)
	}
	if _, ok, err := a.Load(ctx, guard.KeyOf("s2")); !ok || err != nil {
		t.Errorf("Load of another session = %v, %v; want its entry", ok, err)
	}
}

func TestSessionCreatedAfterUserRevocation(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	at := t0.Add(time.Minute)
	if err := a.Revoke(context.Background(), guard.Revocation{Kind: guard.RevokeUserID, Subject: "00u1", At: at, Until: at.Add(time.Hour)}); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	e := found(at.Add(time.Minute))
	e.Session.CreatedAt = at.Add(guard.CreationSkew + time.Second)
	if err := a.Save(context.Background(), guard.KeyOf("new"), e); err != nil {
		t.Fatalf("Save of a session created after the revocation: %v", err)
	}
}

func TestRevocationReachesOtherStores(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	b, _ := newStore(t, srv, "app")
	other, _ := newStore(t, srv, "other-app")
	wa, wb, wo := watch(t, a), watch(t, b), watch(t, other)
	r := guard.Revocation{Kind: guard.RevokeLogin, Subject: "ann@example.com", At: t0, Until: t0.Add(time.Hour)}
	if err := a.Revoke(context.Background(), r); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if !wa.has(r) {
		t.Error("Revoke returned before its own store's Watch functions had it")
	}
	eventually(t, "the other replica's Watch", func() bool { return wb.has(r) })

	// A store started later learns it from Redis.
	late, _ := newStore(t, srv, "app")
	wl := watch(t, late) // usually has it when Watch returns; a busy machine may need longer
	eventually(t, "a store started after the revocation giving it to Watch", func() bool { return wl.has(r) })
	if wo.has(r) {
		t.Error("a store with another prefix was given the revocation")
	}
}

func TestNoSessionIDInRedis(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	ctx := context.Background()
	const id = "102NoSessionIdInRedisXYZ"
	e := found(t0)
	e.Session.Id = id
	if err := a.Save(ctx, guard.KeyOf(id), e); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if err := a.Revoke(ctx, guard.Revocation{Kind: guard.RevokeSession, Key: guard.KeyOf(id), At: t0, Until: t0.Add(time.Hour)}); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if err := a.Save(ctx, guard.KeyOf(id+"2"), func() guard.Entry { e := found(t0); e.Session.Id = id + "2"; return e }()); err != nil {
		t.Fatalf("Save: %v", err)
	}
	c := srv.Client()
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, "{app}:") {
			t.Errorf("key %q is not under the hash tag {app}", k)
		}
		dump, err := c.Dump(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(k, id) || strings.Contains(dump, id) {
			t.Errorf("key %q or its value holds the session id", k)
		}
	}
	if len(keys) < 3 {
		t.Errorf("keys = %q, want an entry, the revocations and their gc set at least", keys)
	}
}

func TestKilledAndRestarted(t *testing.T) {
	srv := redistest.Start(t)
	a, logs := newStore(t, srv, "app")
	b, _ := newStore(t, srv, "app")
	wb := watch(t, b)
	ctx := context.Background()
	before := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00u1", At: t0, Until: t0.Add(time.Hour)}
	if err := a.Revoke(ctx, before); err != nil {
		t.Fatalf("Revoke: %v", err)
	}

	srv.Kill()
	eventually(t, "Load failing", func() bool { return !usable(a) })
	if err := a.Save(ctx, guard.KeyOf("s"), found(t0)); err == nil {
		t.Error("Save on a killed Redis: no error")
	}
	// A revocation accepted while Redis is down is recorded once it is back.
	during := guard.Revocation{Kind: guard.RevokeSession, Key: guard.KeyOf("s"), At: t0, Until: t0.Add(time.Hour)}
	if err := a.Revoke(ctx, during); err == nil {
		t.Error("Revoke on a killed Redis: no error")
	}

	srv.Restart() // empty: no persistence
	eventually(t, "stores usable again", func() bool { return usable(a) && usable(b) })
	eventually(t, "the revocation made while Redis was down, at the other replica", func() bool { return wb.has(during) })
	late, _ := newStore(t, srv, "app")
	wl := watch(t, late)
	if !wl.has(before) || !wl.has(during) {
		t.Error("a store started after the restart does not know the revocations made before it")
	}
	if err := late.Save(ctx, guard.KeyOf("s"), found(t0.Add(time.Minute))); !errors.Is(err, guard.ErrRevoked) {
		t.Errorf("Save after the restart = %v, want ErrRevoked", err)
	}
	logs.wantOneLossOneReturn(t)
}

func TestSlowRedis(t *testing.T) {
	srv := redistest.Start(t)
	a, logs := newStore(t, srv, "app")
	ctx := context.Background()
	srv.Pause(6 * testTimeout)
	start := time.Now()
	_, _, err := a.Load(ctx, guard.KeyOf("s"))
	if err == nil {
		t.Fatal("Load from a paused Redis: no error")
	}
	if d := time.Since(start); d > 3*testTimeout {
		t.Errorf("Load took %v with a %v timeout", d, testTimeout)
	}
	// Later calls fail at once, without waiting for Redis.
	start = time.Now()
	if _, _, err := a.Load(ctx, guard.KeyOf("s")); !errors.Is(err, redisstore.ErrUnavailable) {
		t.Errorf("second Load: %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d >= testTimeout {
		t.Errorf("second Load took %v", d)
	}
	eventually(t, "store usable after the pause", func() bool { return usable(a) })
	logs.wantOneLossOneReturn(t)
}

func TestFullRedis(t *testing.T) {
	srv := redistest.Start(t)
	a, logs := newStore(t, srv, "app")
	ctx := context.Background()
	srv.Fill()
	if err := a.Save(ctx, guard.KeyOf("s"), found(t0)); err == nil {
		t.Fatal("Save in a full Redis: no error")
	}
	if usable(a) {
		t.Error("Load served while Redis refuses writes")
	}
	srv.MakeRoom()
	eventually(t, "store usable once Redis has room", func() bool { return usable(a) })
	if err := a.Save(ctx, guard.KeyOf("s"), found(t0)); err != nil {
		t.Errorf("Save after MakeRoom: %v", err)
	}
	logs.wantOneLossOneReturn(t)
}

func TestClose(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, _, err := a.Load(ctx, guard.KeyOf("s")); err == nil {
		t.Error("Load after Close: no error")
	}
	if err := a.Revoke(ctx, guard.Revocation{Kind: guard.RevokeUserID, Subject: "u", At: t0, Until: t0.Add(time.Hour)}); err == nil {
		t.Error("Revoke after Close: no error")
	}
	if _, err := a.Watch(func(guard.Revocation) {}); err == nil {
		t.Error("Watch after Close: no error")
	}
}

// TestPastRevocationsNotRecordedAgain: after Redis lost its data, a store
// records again the revocations it knows, but not one past its Until by the
// guard's clock (Redis would have forgotten it).
func TestPastRevocationsNotRecordedAgain(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := newStore(t, srv, "app")
	ctx := context.Background()
	old := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00uOld", At: t0, Until: t0.Add(time.Hour)}
	live := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00uLive", At: t0, Until: t0.Add(3 * time.Hour)}
	for _, r := range []guard.Revocation{old, live} {
		if err := a.Revoke(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Save(ctx, guard.KeyOf("s"), found(t0.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	eventually(t, "Load failing", func() bool { return !usable(a) })
	srv.Restart()
	eventually(t, "store usable again", func() bool { return usable(a) })
	fields, err := srv.Client().HKeys(ctx, "{app}:revocations").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != 1 || fields[0] != "u:00uLive" {
		t.Errorf("recorded again: %q, want only u:00uLive", fields)
	}
}

// TestBoundedWithoutContextTimeout: with a client whose context deadlines
// do not reach the socket, a call to a Redis that does not answer still
// returns by the store's timeout.
func TestBoundedWithoutContextTimeout(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()}) // ReadTimeout 3 s
	t.Cleanup(func() { _ = rdb.Close() })
	logs := &records{}
	a := redisstore.New(rdb, "app", fast(logs)...)
	t.Cleanup(func() { _ = a.Close() })
	eventually(t, "store usable", func() bool { return usable(a) })
	srv.Pause(time.Second)
	start := time.Now()
	if err := a.Save(context.Background(), guard.KeyOf("s"), found(t0)); err == nil {
		t.Error("Save to a paused Redis: no error")
	}
	if d := time.Since(start); d > 5*testTimeout {
		t.Errorf("Save took %v with a %v timeout", d, testTimeout)
	}
}

// TestNilClient: a store made without a client fails every call with
// ErrNoClient, never a panic.
func TestNilClient(t *testing.T) {
	for name, rdb := range map[string]redis.UniversalClient{
		"nil": nil, "nil *Client": (*redis.Client)(nil), "nil *ClusterClient": (*redis.ClusterClient)(nil),
	} {
		t.Run(name, func(t *testing.T) {
			s := redisstore.New(rdb, "app")
			ctx := context.Background()
			if _, _, err := s.Load(ctx, guard.KeyOf("s")); !errors.Is(err, redisstore.ErrNoClient) {
				t.Errorf("Load: %v", err)
			}
			if err := s.Save(ctx, guard.KeyOf("s"), found(t0)); !errors.Is(err, redisstore.ErrNoClient) {
				t.Errorf("Save: %v", err)
			}
			if err := s.Revoke(ctx, guard.Revocation{Kind: guard.RevokeUserID, Subject: "u", At: t0, Until: t0.Add(time.Hour)}); !errors.Is(err, redisstore.ErrNoClient) {
				t.Errorf("Revoke: %v", err)
			}
			if _, err := s.Watch(func(guard.Revocation) {}); !errors.Is(err, redisstore.ErrNoClient) {
				t.Errorf("Watch: %v", err)
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// TestKeyPrefix: an empty prefix is DefaultPrefix, and braces in a prefix
// cannot break its hash tag.
func TestKeyPrefix(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	for prefix, tag := range map[string]string{"": "{guard}:", "}a{b%": "{%7Da%7Bb%25}:"} {
		s, _ := newStore(t, srv, prefix)
		if err := s.Save(ctx, guard.KeyOf(prefix), found(t0)); err != nil {
			t.Fatal(err)
		}
		keys, err := srv.Client().Keys(ctx, tag+"e:*").Result()
		if err != nil || len(keys) != 1 {
			t.Errorf("prefix %q: entries under %s: %q, %v", prefix, tag, keys, err)
		}
	}
}
