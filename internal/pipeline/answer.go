package pipeline

import (
	"io"
	"net/http"

	"github.com/oktasessions/okta-session-go/internal/httpx"
)

// Caps on how much of an answer is read. A session is about 1 KiB: a success
// answer past 256 KiB is a broken or hostile server, and decoding stops there
// (json.Decoder's buffer doubling makes the heap cost about twice the cap).
// Error bodies are kept whole up to 1 MiB for APIError.Body.
const (
	MaxSessionBody = 256 << 10
	MaxErrorBody   = 1 << 20
)

// checkAnswer checks the answer to an attempt of r and reads it as r.Reader
// says (into Out, or an *APIError, when r has none). It reads the body
// through one size cap, drains what is left of it (up to the cap, so that
// the connection can be reused, and never past the attempt's deadline,
// which ends the read), closes it, and leaves resp.Body as http.NoBody.
//
// A 1xx answer is an error of its kind at once: Go's transport handles
// every 1xx but 101 Switching Protocols, whose body is the raw connection,
// which would be read for as long as the server likes; it is closed unread.
func (p *Pipeline) checkAnswer(r *Call, resp *http.Response) error {
	okLimit, errLimit := int64(MaxSessionBody), int64(MaxErrorBody)
	if rd := r.Reader; rd != nil {
		okLimit, errLimit = rd.OKLimit, rd.ErrLimit
	}
	if resp.StatusCode < http.StatusOK {
		resp.Body.Close()
		resp.Body = http.NoBody
		return p.failed(r, resp, nil)
	}
	ok := resp.StatusCode <= 299
	limit := okLimit
	if !ok {
		limit = errLimit
	}
	body := httpx.NewCappedBody(resp.Body, limit)
	defer func() {
		_, _ = io.Copy(io.Discard, body)
		resp.Body.Close()
		resp.Body = http.NoBody
	}()
	if !ok {
		return p.failed(r, resp, body)
	}
	if r.Reader != nil {
		return r.Reader.OK(resp, body)
	}
	return p.readOut(r, resp, body)
}

// failed is the error of a non-2xx answer to r.
func (p *Pipeline) failed(r *Call, resp *http.Response, body *httpx.CappedBody) error {
	if r.Reader != nil {
		return r.Reader.Fail(resp, body)
	}
	return p.ReadAPIError(r, resp, body)
}

// ReadAPIError is the *APIError of a non-2xx answer to r, with its body
// (nil for a 1xx).
func (p *Pipeline) ReadAPIError(r *Call, resp *http.Response, body *httpx.CappedBody) error {
	if body == nil {
		return p.APIError(r.Op, resp, nil, p.Secrets(r))
	}
	return p.APIError(r.Op, resp, httpx.ReadCapped(body, MaxErrorBody), p.Secrets(r))
}

// readOut decodes a 2xx answer into r.Out, if any. A body read that fails
// part-way (the connection broke, or AttemptTimeout cut a slow body off)
// is a transport failure, as a *url.Error, for the retry rules; a body that
// arrived whole but is not one session is a *ResponseError.
func (p *Pipeline) readOut(r *Call, resp *http.Response, body *httpx.CappedBody) error {
	if r.Out == nil {
		return nil
	}
	ct := resp.Header.Get("Content-Type")
	err := p.Decode(ct, body, r.Out, r.WantID)
	switch {
	case err == nil:
		return nil
	case body.ReadErr() != nil:
		return p.ReadError(r, resp, body.ReadErr())
	}
	return p.BadAnswer(r.Op, resp, ct, err, p.Secrets(r))
}
