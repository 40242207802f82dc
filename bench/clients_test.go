package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	oktav2 "github.com/okta/okta-sdk-golang/v2/okta"

	okta "github.com/oktasessions/okta-session-go"
)

// apiToken is what every client sends; the bench server does not check it.
const apiToken = "00benchTokenNotASecret0000000000000000000"

// client is what the benchmarks need of each contender.
type client interface {
	get(ctx context.Context, id string) error
	create(ctx context.Context, token string) error
	end(ctx context.Context, id string) error
}

// sdk is this project's client with its default configuration.
type sdk struct{ api *okta.SessionApiService }

func newSDK() client {
	cfg := okta.NewConfiguration()
	cfg.BasePath = serverURL
	cfg.APIToken = apiToken
	return sdk{okta.NewAPIClient(cfg).SessionApi}
}

func (c sdk) get(ctx context.Context, id string) error {
	_, _, err := c.api.GetSession(ctx, id)
	return err
}

func (c sdk) create(ctx context.Context, token string) error {
	_, _, err := c.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: token})
	return err
}

func (c sdk) end(ctx context.Context, id string) error {
	_, err := c.api.EndSession(ctx, id)
	return err
}

// handwritten is what a careful engineer writes with net/http and
// encoding/json alone: the same headers, the same decoded fields, a tuned
// transport, a timeout, a capped and drained body, and errors that keep the
// status. It has no retries, no validation and no secret scrubbing.
type handwritten struct {
	base string
	hc   *http.Client
}

func newHandwritten() client {
	return handwritten{base: serverURL, hc: &http.Client{
		Timeout: 15 * time.Second,
		Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        100,
			MaxIdleConnsPerHost: 100,
			IdleConnTimeout:     90 * time.Second,
		},
	}}
}

// session has the fields the SDK decodes.
type session = okta.Session

func (c handwritten) do(ctx context.Context, method, path string, body io.Reader, out *session) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "handwritten/1.0")
	req.Header.Set("Authorization", "SSWS "+apiToken)
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	defer func() { _, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) }()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out)
}

func (c handwritten) get(ctx context.Context, id string) error {
	var s session
	return c.do(ctx, http.MethodGet, "/api/v1/sessions/"+url.PathEscape(id), nil, &s)
}

func (c handwritten) create(ctx context.Context, token string) error {
	b, err := json.Marshal(okta.CreateSessionRequest{SessionToken: token})
	if err != nil {
		return err
	}
	var s session
	return c.do(ctx, http.MethodPost, "/api/v1/sessions", bytes.NewReader(b), &s)
}

func (c handwritten) end(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/sessions/"+url.PathEscape(id), nil, nil)
}

// oktaV2 is Okta's own Go SDK v2.20.0 with its cache off.
type oktaV2 struct{ c *oktav2.Client }

func newOktaV2() client {
	_, c, err := oktav2.NewClient(context.Background(),
		oktav2.WithOrgUrl(serverURL),
		oktav2.WithToken(apiToken),
		oktav2.WithCache(false),
		oktav2.WithTestingDisableHttpsCheck(true),
	)
	if err != nil {
		panic(err)
	}
	return oktaV2{c}
}

func (c oktaV2) get(ctx context.Context, id string) error {
	_, _, err := c.c.Session.GetSession(ctx, id)
	return err
}

func (c oktaV2) create(ctx context.Context, token string) error {
	_, _, err := c.c.Session.CreateSession(ctx, oktav2.CreateSessionRequest{SessionToken: token})
	return err
}

func (c oktaV2) end(ctx context.Context, id string) error {
	_, err := c.c.Session.EndSession(ctx, id)
	return err
}
