package okta

import (
	"context"
	"net/http"
	"strings"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/orglink"
	"github.com/oktasessions/okta-session-go/internal/pipeline"
)

// The seam through which this module's own packages (guard) use a client's
// machinery: internal/orglink declares it, this file fills it in. The
// import points from the root to internal, never back.
func init() { orglink.Of = linkOf }

// linkOf is orglink.Of: the Link of a non-nil *APIClient whose configuration
// is valid.
func linkOf(client any) (orglink.Link, error) {
	c, ok := client.(*APIClient)
	if !ok || c == nil {
		return orglink.Link{}, &ValidationError{Field: "client", Reason: "is not a non-nil *okta.APIClient"}
	}
	if c.cfgErr != nil {
		return orglink.Link{}, c.cfgErr
	}
	return orglink.Link{OrgURL: c.base, Now: c.cfg.Clock.Now, Logger: c.cfg.Logger, Fetch: c.fetch}, nil
}

// fetch is Link.Fetch: an anonymous GET of url, a URL on the org, through
// do, its 2xx body read up to limit bytes. A URL off the org, or a limit
// that is not positive, is refused before any I/O.
func (c *APIClient) fetch(ctx context.Context, op, url string, limit int64) ([]byte, error) {
	var body []byte
	r := &pipeline.Call{Op: op, Method: http.MethodGet, URL: url, Idempotent: true, Cred: auth.Anonymous{}, Invalid: c.checkFetch(url, limit)}
	r.Reader = c.bytesReader(r, limit, &body)
	_, err := c.do(ctx, r)
	return body, err
}

// checkFetch refuses what fetch must not send: a URL whose origin is not
// the org's (a credential-free GET still must not go elsewhere), or a
// limit that is not positive or passes maxFetchLimit.
func (c *APIClient) checkFetch(url string, limit int64) error {
	switch {
	case !strings.HasPrefix(url, c.base+"/"):
		return &ValidationError{Field: "url", Reason: "is not a URL on the org"}
	case limit <= 0 || limit > maxFetchLimit:
		return &ValidationError{Field: "limit", Reason: "is not between 1 byte and 1 GiB"}
	}
	return nil
}

// bytesReader reads the answers of r: a 2xx answer whole into *out, up to limit bytes: a
// longer body is a *ResponseError wrapping an *http.MaxBytesError, a body
// cut off part-way a transport failure. A non-2xx answer is an *APIError.
func (c *APIClient) bytesReader(r *pipeline.Call, limit int64, out *[]byte) *pipeline.Reader {
	return &pipeline.Reader{
		OKLimit:  limit,
		ErrLimit: pipeline.MaxErrorBody,
		Fail: func(resp *http.Response, body *httpx.CappedBody) error {
			return c.pipe.ReadAPIError(r, resp, body)
		},
		OK: func(resp *http.Response, body *httpx.CappedBody) error {
			b := httpx.ReadCapped(body, int(limit)+1) // one byte more, to see the cap passed
			switch {
			case body.ReadErr() != nil:
				return c.pipe.ReadError(r, resp, body.ReadErr())
			case body.Over():
				return &ResponseError{Op: r.Op, StatusCode: resp.StatusCode, Err: &http.MaxBytesError{Limit: limit}}
			}
			*out = b
			return nil
		},
	}
}

// maxFetchLimit bounds the limit of one fetch: what is read is held whole.
const maxFetchLimit = 1 << 30
