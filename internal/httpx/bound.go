package httpx

import (
	"context"
	"io"
	"net/http"
	"time"
)

// maxBoundRead bounds one read of a boundBody: the most its private buffer
// grows to.
const maxBoundRead = 32 << 10

// boundBody is the body of an answer from a caller's RoundTripper (see
// ContextBound), whose reads end when the request's context does, even when
// the body's own Read ignores both the context and Close: a caller's code
// that would otherwise hold the call past AttemptTimeout and Timeout. When
// the context ends it closes the body (on a goroutine of its own, see
// CloseDetached), which ends the read of a body that honours Close, and its
// Read returns the context's error at once: a read that was under way is
// abandoned to the goroutine that runs it, which ends when the caller's
// Read does. It costs that goroutine, only for a body that is read, and
// only for clients given in Configuration.HTTPClient.
//
// A read error once the context has ended is the context's error, whether
// the body's Read or the context's end came first: the deadline cut the
// body off (as httpx.ReadFailure has it for Go's own transport).
type boundBody struct {
	ctx  context.Context
	body io.ReadCloser
	stop func() bool     // stops the close at the context's end
	reqs chan int        // a read of up to n bytes into buf, for pump; nil until the first Read
	res  chan readResult // pump's answer to a read (buffered: pump never waits on it)
	buf  []byte          // pump's: written only between a request and its answer
	done error           // what every later Read returns: the context's end, or Close
}

// readResult is what one Read of the caller's body returned.
type readResult struct {
	n   int
	err error
}

// newBoundBody returns body bounded by ctx.
func newBoundBody(ctx context.Context, body io.ReadCloser) *boundBody {
	b := &boundBody{ctx: ctx, body: body}
	b.stop = context.AfterFunc(ctx, func() { CloseDetached(body) })
	return b
}

// Read reads from the caller's body on pump's goroutine, returning when
// that read does or the context ends.
func (b *boundBody) Read(p []byte) (int, error) {
	if b.done != nil {
		return 0, b.done
	}
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if b.reqs == nil {
		b.reqs, b.res = make(chan int), make(chan readResult, 1)
		go b.pump()
	}
	n := min(len(p), maxBoundRead)
	if cap(b.buf) < n {
		b.buf = make([]byte, n)
	}
	b.reqs <- n
	select {
	case r := <-b.res:
		if err := b.ctx.Err(); err != nil && r.err != nil {
			return copy(p, b.buf[:r.n]), err
		}
		return copy(p, b.buf[:r.n]), r.err
	case <-b.ctx.Done():
		b.done = b.ctx.Err() // the read under way is left to pump
		return 0, b.done
	}
}

// pump runs the reads Read asks for, until Close.
func (b *boundBody) pump() {
	for n := range b.reqs {
		k, err := b.body.Read(b.buf[:n])
		b.res <- readResult{k, err}
	}
}

// Close closes the caller's body, waiting for its Close no longer than the
// context lives (see Await: a panic of Close is carried to the calling
// goroutine), since a body that ignored the context may not return from
// Close either.
func (b *boundBody) Close() error {
	b.stop()
	if b.reqs != nil {
		close(b.reqs)
		b.reqs = nil
	}
	if b.done == nil {
		b.done = http.ErrBodyReadAfterClose
	}
	_, err := Await(b.ctx, time.Time{}, func() (struct{}, error) { return struct{}{}, b.body.Close() }, nil)
	return err
}
