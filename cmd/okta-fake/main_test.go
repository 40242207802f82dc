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
		url := regexp.MustCompile(`OKTA_CLIENT_ORGURL=(\S+)`).FindStringSubmatch(out.String())
		require.Len(t, url, 2)
		status := func(method, path, auth, body string) int {
			req, _ := http.NewRequest(method, url[1]+path, strings.NewReader(body))
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
	assert.Equal(t, 2, exitCode(run([]string{"-nope"}, &bytes.Buffer{}, func() {})))
}
