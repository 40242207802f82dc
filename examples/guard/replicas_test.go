package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/redistest"
)

func TestRunReplicas(t *testing.T) {
	srv := redistest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := runReplicas(ctx, &out, srv.Addr()); err != nil {
		t.Fatalf("%v; output:\n%s", err, out.String())
	}
	wantInOrder(t, out.String(),
		"A: GET /sign-in: 200 signed in",
		"B: GET /account: 200 account of ada@example.com",
		"A: GET /account: 200 account of ada@example.com",
		"Okta has answered 0 GetSession",
		"Universal Logout for ada@example.com to A: 204",
		"B: GET /account: 401",
		"A: GET /account: 401",
	)
	keys, err := srv.Client().Keys(ctx, "*").Result()
	if err != nil || len(keys) != 0 {
		t.Errorf("keys left in Redis: %q, %v", keys, err)
	}
}
