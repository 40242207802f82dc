package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestRun(t *testing.T) {
	srv := oktatest.NewServer(t)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, srv))
	got := out.String()
	t.Log(got)

	assert.Equal(t, 4, strings.Count(got, `"msg":"okta: attempt"`), "one record per attempt")
	assert.Equal(t, 1, strings.Count(got, `"msg":"okta: retrying","op":"GetSession","reason":"server_error"`))
	assert.Equal(t, 4, strings.Count(got, `span "HTTP `), "one span per attempt, the retry's included")
	assert.Equal(t, 1, strings.Count(got, `http.response.status_code=503`))
	assert.Contains(t, got, `span "session lifecycle"`)
	assert.Contains(t, got, `"trace_id":"`)
	for _, c := range []string{
		"attempts{op=GetSession,status=503} 1",
		"attempts{op=GetSession,status=200} 1",
		"calls{op=GetSession,outcome=ok} 1",
		"waits{reason=server_error} 1",
	} {
		assert.Contains(t, got, "counter "+c+"\n")
	}

	// No secret in the logs, the spans or the counters: the API token, the
	// session id (in the paths the fake received) and the session token.
	secrets := []string{srv.APIToken}
	for _, r := range srv.Requests() {
		if id, ok := strings.CutPrefix(r.Path, "/api/v1/sessions/"); ok {
			secrets = append(secrets, id)
		}
	}
	require.Greater(t, len(secrets), 1)
	for _, s := range secrets {
		assert.NotContains(t, got, s)
	}
	assert.NotRegexp(t, `20111[0-9A-Za-z]{37}`, got, "a session token")
}

// The README's wiring, line for line.
func TestReadmeWiring(t *testing.T) {
	srv := oktatest.NewServer(t)
	cfg := srv.Config()
	var logs bytes.Buffer
	m := &counters{n: map[string]int{}}

	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.Observer = m                   // an okta.Observer: OnCall, OnAttempt, OnWait
	httpClient := okta.NewHTTPClient() // the tuned default client, to wrap
	httpClient.Transport = otelhttp.NewTransport(httpClient.Transport)
	cfg.HTTPClient = httpClient
	client := okta.NewAPIClient(cfg)

	_, _, err := client.SessionApi.GetSession(context.Background(), "102unknownSessionId")
	require.ErrorIs(t, err, okta.ErrNotFound)
	assert.Contains(t, logs.String(), `"status":404`)
	assert.Equal(t, map[string]int{"attempts{op=GetSession,status=404}": 1, "calls{op=GetSession,outcome=api_error}": 1}, m.n)
}
