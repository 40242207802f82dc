package guard_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/guard"
)

// brokenStore is a shared store that is down: every call fails.
type brokenStore struct{}

var errDown = errors.New("store down")

func (brokenStore) Load(context.Context, guard.Key) (guard.Entry, bool, error) {
	return guard.Entry{}, false, errDown
}
func (brokenStore) Save(context.Context, guard.Key, guard.Entry) error { return errDown }
func (brokenStore) Revoke(context.Context, guard.Revocation) error     { return errDown }
func (brokenStore) Watch(func(guard.Revocation)) (func(), error)       { return func() {}, nil }
func (brokenStore) Close() error                                       { return nil }

func TestStoreDownFallsBackToMemory(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{Store: brokenStore{}})
	id := o.session(t, alice)
	mustCheck(t, g, id)
	mustCheck(t, g, id)
	if n := o.calls("GetSession"); n != 1 {
		t.Fatalf("GetSession calls = %d, want 1: the guard keeps what it learned in memory", n)
	}
	o.clock.Advance(30 * time.Second)
	mustCheck(t, g, id)
	if n := o.calls("GetSession"); n != 2 {
		t.Fatalf("GetSession calls after MaxStale = %d, want 2", n)
	}
	// A Universal Logout the store cannot record is 422, and still holds here.
	if code := o.logout(t, g, aliceBody); code != 422 {
		t.Fatalf("Universal Logout with the store down: %d, want 422", code)
	}
	mustRefuse(t, g, id, guard.ReasonRevoked)
}

func TestRevocationCoversSessionsCreatedWithinTheSkew(t *testing.T) {
	o := newOrg(t)
	g := o.guard(t, guard.Options{})
	o.srv.SeedUser(alice)
	if err := g.RevokeUser(context.Background(), alice.ID); err != nil {
		t.Fatal(err)
	}
	o.clock.Advance(guard.CreationSkew)
	mustRefuse(t, g, o.session(t, alice), guard.ReasonRevoked)
	o.clock.Advance(time.Millisecond)
	mustCheck(t, g, o.session(t, alice))
}
