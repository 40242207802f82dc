package okta

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/oktasessions/okta-session-go/internal/orglink"
)

// This file is a provisional implementation of the orglink seam: Fetch
// sends one bounded GET with the client's HTTP client, outside the retry
// pipeline (the pipeline branch replaces it).

func init() { orglink.Of = linkOf }

// errNotAClient is linkOf's error for anything but a usable *APIClient.
var errNotAClient = errors.New("okta: not a non-nil *okta.APIClient")

// linkOf implements orglink.Of.
func linkOf(client any) (orglink.Link, error) {
	c, ok := client.(*APIClient)
	if !ok || c == nil {
		return orglink.Link{}, errNotAClient
	}
	if c.cfgErr != nil {
		return orglink.Link{}, c.cfgErr
	}
	return orglink.Link{OrgURL: c.base, Now: c.cfg.Clock.Now, Logger: c.cfg.Logger, Fetch: c.fetch}, nil
}

// fetch implements orglink.Link.Fetch: one anonymous GET of a URL on the
// org, bounded by AttemptTimeout, its body read up to limit bytes.
func (c *APIClient) fetch(ctx context.Context, op, url string, limit int64) ([]byte, error) {
	if !strings.HasPrefix(url, c.base+"/") {
		return nil, &ValidationError{Field: "url", Reason: "is not a URL on the org"}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	setCommonHeaders(req.Header, c.cfg.DefaultHeader, c.userAgent)
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	// As attempt does: a caller's RoundTripper may not end a body read when
	// ctx ends, so the body is closed then.
	body := resp.Body
	defer context.AfterFunc(ctx, func() { closeDetached(body) })()
	r := &call{op: op, method: http.MethodGet, url: url, anonymous: true}
	if resp.StatusCode < http.StatusOK {
		// A 101's body is the raw connection (see checkAnswer): unread.
		return nil, newAPIError(r, resp, nil)
	}
	if !isSuccess(resp.StatusCode) {
		return nil, newAPIError(r, resp, readCapped(io.LimitReader(resp.Body, maxErrorBody), maxErrorBody))
	}
	b, err := io.ReadAll(http.MaxBytesReader(nil, resp.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &ResponseError{Op: op, StatusCode: resp.StatusCode, Err: err}
	case err != nil:
		return nil, err
	}
	return b, nil
}
