package main

import (
	"bytes"
	"context"
	"strings"
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
	rest := out.String()
	for _, want := range []string{
		"A: GET /sign-in: 200 signed in",
		"B: GET /account: 200 account of ada@example.com",
		"A: GET /account: 200 account of ada@example.com",
		"Okta has answered 1 GetSession",
		"Universal Logout for ada@example.com to A: 204",
		"B: GET /account: 401",
		"A: GET /account: 401",
	} {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("missing %q in:\n%s", want, out.String())
		}
		rest = rest[i+len(want):]
	}
	keys, err := srv.Client().Keys(ctx, "*").Result()
	if err != nil || len(keys) != 0 {
		t.Errorf("keys left in Redis: %q, %v", keys, err)
	}
}
