package main

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-addr", "127.0.0.1:0", "-token", "00devtoken", "-access-token", "00access"}, &out, func() {
		url := orgURL(t, out.String())
		status := func(method, path, auth, body string) int {
			req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
			req.Header.Set("Authorization", auth)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			return resp.StatusCode
		}
		mint := `{"login":"ann@example.com"}`
		assert.Equal(t, http.StatusOK, status(http.MethodPost, "/oktatest/v1/session-tokens", "SSWS 00devtoken", mint))
		assert.Equal(t, http.StatusNotFound, status(http.MethodGet, "/api/v1/sessions/102nope", "SSWS 00devtoken", ""))
		assert.Equal(t, http.StatusNotFound, status(http.MethodGet, "/api/v1/sessions/102nope", "Bearer 00access", ""))
		assert.Equal(t, http.StatusUnauthorized, status(http.MethodPost, "/oktatest/v1/session-tokens", "Bearer 00access", mint),
			"the control API takes the API token only")
	})
	require.NoError(t, err)
	assert.Contains(t, out.String(), "OKTA_CLIENT_TOKEN=00devtoken")
}

func TestRun_refusesNonLoopback(t *testing.T) {
	err := run([]string{"-addr", "0.0.0.0:8089"}, &bytes.Buffer{}, func() { t.Fatal("served on a public address") })
	assert.ErrorContains(t, err, "not a loopback")
}

func TestRun_help(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-h"}, &out, func() { t.Fatal("served after -h") })
	assert.Equal(t, 0, exitCode(err))
	assert.Contains(t, out.String(), "-fake-clock")
	assert.Contains(t, out.String(), "/oktatest/v1/", "the control API")
	assert.Contains(t, out.String(), "api/oktatest-control.yaml")
	assert.Equal(t, 2, exitCode(run([]string{"-nope"}, &bytes.Buffer{}, func() {})))
}

func TestRun_refusesBadArguments(t *testing.T) {
	for name, args := range map[string][]string{
		"a boolean flag's value apart":        {"-fake-clock", "false", "-addr", "127.0.0.1:0"},
		"a stray argument at the end":         {"-addr", "127.0.0.1:0", "extra"},
		"a negative maximum lifetime":         {"-addr", "127.0.0.1:0", "-max-lifetime", "-1s"},
		"a negative idle timeout":             {"-addr", "127.0.0.1:0", "-idle-timeout", "-1s"},
		"a negative rate limit":               {"-addr", "127.0.0.1:0", "-rate-limit", "-1"},
		"a token with a newline":              {"-addr", "127.0.0.1:0", "-token", "00dev\ntoken"},
		"a token with a DEL":                  {"-addr", "127.0.0.1:0", "-token", "00dev\x7ftoken"},
		"a token with its scheme":             {"-addr", "127.0.0.1:0", "-token", "SSWS 00devtoken"},
		"a token with its scheme, lower case": {"-addr", "127.0.0.1:0", "-token", "ssws 00devtoken"},
		"an access token with a CR":           {"-addr", "127.0.0.1:0", "-access-token", "00access\r"},
		"an access token with its scheme":     {"-addr", "127.0.0.1:0", "-access-token", "Bearer 00access"},
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(args, &out, func() { t.Error("served") })
			require.Error(t, err)
			assert.Equal(t, 2, exitCode(err))
			assert.NotContains(t, err.Error()+out.String(), "00dev", "the token is not printed")
		})
	}
}

func TestRun_acceptsWhatItRefusesNearly(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-fake-clock=false", "-max-lifetime", "0", "-token", "00SSWS-token", "-addr", "127.0.0.1:0"}, &out, func() {})
	require.NoError(t, err)
	assert.Regexp(t, `OKTA_CLIENT_ORGURL=http://127\.0\.0\.1:\d+\n`, out.String(), "the flags after -fake-clock=false are read")
	assert.NotContains(t, out.String(), ":8089", "not the default address")
}

// orgURL returns the org URL that okta-fake printed in out.
func orgURL(t *testing.T, out string) string {
	t.Helper()
	m := regexp.MustCompile(`OKTA_CLIENT_ORGURL=(\S+)`).FindStringSubmatch(out)
	require.Len(t, m, 2, "output: %s", out)
	return m[1]
}
