package test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

var ctx = context.Background()

func TestLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.srv.IssueSessionToken(oktatest.User{Login: "ann@example.com", DisplayName: "Ann Lee"})

	s, resp, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, s.IsActive())
	assert.Equal(t, 120*time.Minute, s.TimeLeft(t0))
	rl, ok := okta.ParseRateLimit(resp)
	require.True(t, ok)
	assert.Equal(t, 749, rl.Remaining)

	got, _, err := e.api.GetSession(ctx, s.Id)
	require.NoError(t, err)
	assert.Equal(t, s.Id, got.Id)
	assert.Equal(t, "Ann Lee", got.Links.User.Name)

	e.clock.Advance(45 * time.Minute)
	assert.Equal(t, 75*time.Minute, got.TimeLeft(e.clock.Now()))
	refreshed, _, err := e.api.RefreshSession(ctx, s.Id)
	require.NoError(t, err)
	assert.Equal(t, 120*time.Minute, refreshed.TimeLeft(e.clock.Now()))

	resp, err = e.api.EndSession(ctx, s.Id)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)

	_, _, err = e.api.GetSession(ctx, s.Id)
	apiErr := requireAPIError(t, err, "GetSession", http.StatusNotFound, "E0000007", okta.ErrNotFound)
	assert.NotContains(t, err.Error(), s.Id)
	assert.NotContains(t, apiErr.ErrorSummary, s.Id)
}

// errorPaths are calls that end in an *APIError from the fake.
var errorPaths = []struct {
	name     string
	opts     []oktatest.Option
	edit     func(*okta.Configuration)
	call     func(t *testing.T, e *env) error
	op       string
	status   int
	code     string
	sentinel error
}{
	{name: "token used twice", call: func(t *testing.T, e *env) error {
		tok := e.srv.IssueSessionToken(oktatest.User{})
		_, _, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
		require.NoError(t, err)
		_, _, err = e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
		return err
	}, op: "CreateSession", status: 401, code: "E0000004", sentinel: okta.ErrUnauthorized},
	{name: "token expired", call: func(t *testing.T, e *env) error {
		tok := e.srv.IssueSessionToken(oktatest.User{})
		e.clock.Advance(6 * time.Minute)
		_, _, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
		return err
	}, op: "CreateSession", status: 401, code: "E0000004", sentinel: okta.ErrUnauthorized},
	{name: "unknown token", call: func(t *testing.T, e *env) error {
		_, _, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: "20111nope"})
		return err
	}, op: "CreateSession", status: 401, code: "E0000004", sentinel: okta.ErrUnauthorized},
	{name: "wrong API token", edit: func(c *okta.Configuration) { c.APIToken = "00wrong" }, call: func(t *testing.T, e *env) error {
		_, _, err := e.api.GetSession(ctx, "102abc")
		return err
	}, op: "GetSession", status: 401, code: "E0000011", sentinel: okta.ErrUnauthorized},
	{name: "unknown session on refresh", call: func(t *testing.T, e *env) error {
		_, _, err := e.api.RefreshSession(ctx, "102unknown")
		return err
	}, op: "RefreshSession", status: 404, code: "E0000007", sentinel: okta.ErrNotFound},
	{name: "end twice", call: func(t *testing.T, e *env) error {
		s := e.create(t)
		_, err := e.api.EndSession(ctx, s.Id)
		require.NoError(t, err)
		_, err = e.api.EndSession(ctx, s.Id)
		return err
	}, op: "EndSession", status: 404, code: "E0000007", sentinel: okta.ErrNotFound},
	{name: "expired session", call: func(t *testing.T, e *env) error {
		s := e.create(t)
		e.clock.Advance(121 * time.Minute)
		_, _, err := e.api.GetSession(ctx, s.Id)
		return err
	}, op: "GetSession", status: 404, code: "E0000007", sentinel: okta.ErrNotFound},
	{name: "rate limited", opts: []oktatest.Option{oktatest.WithRateLimit(1)}, call: func(t *testing.T, e *env) error {
		e.create(t)
		_, _, err := e.api.GetSession(ctx, "102abc")
		return err
	}, op: "GetSession", status: 429, code: "E0000047", sentinel: okta.ErrRateLimited},
	{name: "forbidden", call: func(t *testing.T, e *env) error {
		e.srv.InjectFault(oktatest.Fault{Status: http.StatusForbidden, Count: 1})
		_, err := e.api.EndSession(ctx, "102abc")
		return err
	}, op: "EndSession", status: 403, code: "E0000006", sentinel: okta.ErrForbidden},
	{name: "server error", call: func(t *testing.T, e *env) error {
		e.srv.InjectFault(oktatest.Fault{Status: http.StatusInternalServerError, Count: 1})
		_, _, err := e.api.RefreshSession(ctx, "102abc")
		return err
	}, op: "RefreshSession", status: 500, code: "E0000009"},
}

func TestErrorPaths(t *testing.T) {
	for _, tt := range errorPaths {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.edit, tt.opts...)
			err := tt.call(t, e)
			requireAPIError(t, err, tt.op, tt.status, tt.code, tt.sentinel)
		})
	}
}

// Bad arguments, contexts and configurations are refused before any I/O
// with a *ValidationError naming the operation and the field.
func TestRefusedBeforeIO(t *testing.T) {
	e := newEnv(t, nil)
	var nilCtx context.Context // a nil context is what one case is about
	tests := []struct {
		name      string
		call      func() (*http.Response, error)
		op, field string
	}{
		{"empty id", func() (*http.Response, error) { _, r, err := e.api.GetSession(ctx, ""); return r, err }, "GetSession", "sessionId"},
		{"dot id", func() (*http.Response, error) { _, r, err := e.api.RefreshSession(ctx, "."); return r, err }, "RefreshSession", "sessionId"},
		{"dot-dot id", func() (*http.Response, error) { return e.api.EndSession(ctx, "..") }, "EndSession", "sessionId"},
		{"the current-session route as an id", func() (*http.Response, error) { _, r, err := e.api.GetSession(ctx, "me"); return r, err }, "GetSession", "sessionId"},
		{"empty token", func() (*http.Response, error) {
			_, r, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{})
			return r, err
		}, "CreateSession", "sessionToken"},
		{"CRLF token", func() (*http.Response, error) {
			_, r, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: "x\r\nX-Evil: 1"})
			return r, err
		}, "CreateSession", "sessionToken"},
		{"nil context", func() (*http.Response, error) { _, r, err := e.api.GetSession(nilCtx, "102abc"); return r, err }, "GetSession", "ctx"},
		{"CRLF API key", func() (*http.Response, error) {
			_, r, err := e.api.GetSession(context.WithValue(ctx, okta.ContextAPIKey, okta.APIKey{Key: "a\nX-Evil: 1"}), "102abc")
			return r, err
		}, "GetSession", "ContextAPIKey"},
		{"unfilled subdomain", func() (*http.Response, error) {
			return okta.NewAPIClient(&okta.Configuration{BasePath: "https://{subdomain}.okta.com", APIToken: "x"}).SessionApi.EndSession(ctx, "102abc")
		}, "EndSession", "BasePath"},
		{"http to a remote host", func() (*http.Response, error) {
			_, r, err := okta.NewAPIClient(&okta.Configuration{BasePath: "http://example.invalid", APIToken: "x"}).SessionApi.GetSession(ctx, "102abc")
			return r, err
		}, "GetSession", "Scheme"},
		{"no credential at all", func() (*http.Response, error) {
			_, r, err := okta.NewAPIClient(&okta.Configuration{BasePath: e.srv.URL}).SessionApi.RefreshSession(ctx, "102abc")
			return r, err
		}, "RefreshSession", "credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.call()
			assert.Nil(t, resp)
			var ve *okta.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.op, ve.Op)
			assert.Equal(t, tt.field, ve.Field)
			assert.NotContains(t, err.Error(), "X-Evil")
		})
	}
	assert.Empty(t, e.srv.Requests(), "a refused call reached the server")
}

// A client with an invalid configuration names each call's operation.
func TestRefusedBeforeIO_invalidConfiguration(t *testing.T) {
	bad := okta.NewAPIClient(&okta.Configuration{BasePath: "https://{subdomain}.okta.com"}).SessionApi
	for _, op := range []string{"GetSession", "EndSession", "GetSession"} {
		var err error
		if op == "GetSession" {
			_, _, err = bad.GetSession(ctx, "102abc")
		} else {
			_, err = bad.EndSession(ctx, "102abc")
		}
		var ve *okta.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, op, ve.Op)
	}
}

func TestHostileSessionIDs(t *testing.T) {
	e := newEnv(t, nil)
	for _, id := range []string{"a/b?c=1#x", "../../users/00u1", "%2e%2e", "102abc/lifecycle/refresh", " ", "\x00\r\n"} {
		_, _, err := e.api.GetSession(ctx, id)
		requireAPIError(t, err, "GetSession", http.StatusNotFound, "E0000007", okta.ErrNotFound)
	}
	for _, r := range e.srv.Requests() {
		assert.Equal(t, oktatest.RouteGetSession, r.Route, r.Path)
	}
}

// A success answer that is not one session is a *ResponseError, or for a
// dropped connection a transport error; never a session.
func TestHostileServer(t *testing.T) {
	tests := []struct {
		name  string
		fault oktatest.Fault
		as    any // a pointer to the error type the call returns
	}{
		{"malformed JSON", oktatest.Fault{Body: oktatest.BodyMalformed}, new(*json.SyntaxError)},
		{"truncated JSON", oktatest.Fault{Body: oktatest.BodyTruncated}, new(*okta.ResponseError)},
		{"HTML", oktatest.Fault{Body: oktatest.BodyWrongContentType}, new(*okta.ResponseError)},
		{"64 MiB body", oktatest.Fault{Body: oktatest.BodyOversized, BodySize: 64 << 20}, new(*http.MaxBytesError)},
		{"dropped connection", oktatest.Fault{Drop: true}, new(*url.Error)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *okta.Configuration) { c.MaxRetries = okta.NoRetries })
			s := e.create(t)
			f := tt.fault
			f.Route = oktatest.RouteGetSession
			e.srv.InjectFault(f)
			got, _, err := e.api.GetSession(ctx, s.Id)
			require.ErrorAs(t, err, tt.as)
			if _, transport := tt.as.(**url.Error); !transport {
				var re *okta.ResponseError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "GetSession", re.Op)
			}
			assert.NotContains(t, err.Error(), s.Id)
			assert.Empty(t, got.Id, "a session came back with an error")
		})
	}
}

func TestCancelAndTimeout(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Latency: 5 * time.Second})

	c, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, _, err := e.api.GetSession(c, "102abc")
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	c, cancel = context.WithCancel(ctx)
	cancel()
	_, _, err = e.api.GetSession(c, "102abc")
	assert.ErrorIs(t, err, context.Canceled)
}

// stubSessions is what a user writes to unit-test code that takes okta.SessionApi.
type stubSessions struct {
	okta.SessionApi
	ended []string
}

func (s *stubSessions) EndSession(_ context.Context, id string) (*http.Response, error) {
	s.ended = append(s.ended, id)
	return &http.Response{StatusCode: http.StatusNoContent}, nil
}

// logout is code under test that depends on the interface, not the client.
func logout(api okta.SessionApi, id string) error {
	_, err := api.EndSession(ctx, id)
	if errors.Is(err, okta.ErrNotFound) {
		return nil // already gone
	}
	return err
}

func TestSessionApiInterface(t *testing.T) {
	stub := &stubSessions{}
	require.NoError(t, logout(stub, "102abc"))
	assert.Equal(t, []string{"102abc"}, stub.ended)

	e := newEnv(t, nil)
	assert.NoError(t, logout(e.api, "102gone"), "404 is treated as done")
}

func TestConcurrentClients(t *testing.T) {
	e := newEnv(t, nil, oktatest.WithRateLimit(100000))
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Go(func() {
			tok := e.srv.IssueSessionToken(oktatest.User{Login: fmt.Sprintf("user%d@example.com", i)})
			s, _, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
			if err != nil {
				errs <- err
				return
			}
			if _, _, err := e.api.GetSession(ctx, s.Id); err != nil {
				errs <- err
			}
			if _, err := e.api.EndSession(ctx, s.Id); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
