package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun_embeddedFake(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, func(string) string { return "" }))
	got := out.String()
	for _, want := range []string{
		"org: embedded fake Okta at http://127.0.0.1:",
		"CreateSession   200 OK  request req",
		"rate limit remaining 749",
		"Status: ACTIVE",
		"GetSession      200 OK",
		"RefreshSession  200 OK",
		"EndSession      204 No Content",
		"GetSession      404 Not Found",
		"error: okta: GetSession: 404 E0000007 Not found: Resource not found: 102",
	} {
		assert.Contains(t, got, want)
	}
	assert.Regexp(t, `login=ann@example\.com  expires in (2h0m0s|1h59m5\ds)`, got)
}
