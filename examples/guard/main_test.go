package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out); err != nil {
		t.Fatal(err)
	}
	wantInOrder(t, out.String(),
		"GET /sign-in: 200 signed in",
		"GET /account: 200 account of ada@example.com",
		"Universal Logout for ada@example.com: 204",
		"GET /account: 401",
		"a minute later:",
		"GET /sign-in: 200 signed in",
		"GET /account: 200 account of ada@example.com",
	)
}

// wantInOrder fails the test unless out holds every one of wants, in order.
func wantInOrder(t *testing.T, out string, wants ...string) {
	t.Helper()
	rest := out
	for _, want := range wants {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("missing %q in:\n%s", want, out)
		}
		rest = rest[i+len(want):]
	}
}
