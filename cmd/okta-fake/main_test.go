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
	err := run([]string{"-addr", "127.0.0.1:0", "-token", "00devtoken"}, &out, func() {
		url := regexp.MustCompile(`OKTA_CLIENT_ORGURL=(\S+)`).FindStringSubmatch(out.String())
		require.Len(t, url, 2)
		req, _ := http.NewRequest(http.MethodPost, url[1]+"/oktatest/v1/session-tokens", strings.NewReader(`{"login":"ann@example.com"}`))
		req.Header.Set("Authorization", "SSWS 00devtoken")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)

		req, _ = http.NewRequest(http.MethodGet, url[1]+"/api/v1/sessions/102nope", nil)
		req.Header.Set("Authorization", "SSWS 00devtoken")
		resp, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
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
