package httpx

import (
	"io"
	"net/http"
	"strings"
)

// CappedBody reads a body up to a cap, as http.MaxBytesReader does, and
// records a read that failed, as opposed to one that found the end or the
// cap.
type CappedBody struct {
	r       io.Reader
	left    int64 // bytes still allowed
	limit   int64 // the cap
	readErr error // the first error of r other than io.EOF
}

// NewCappedBody returns a CappedBody reading r up to limit bytes.
func NewCappedBody(r io.Reader, limit int64) *CappedBody {
	return &CappedBody{r: r, left: limit, limit: limit}
}

// Read reads from the body, failing with *http.MaxBytesError past the cap.
func (b *CappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, &http.MaxBytesError{Limit: b.limit}
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte more, to see whether the body goes on
	}
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		n, b.left = int(b.left), -1
		return n, &http.MaxBytesError{Limit: b.limit}
	}
	b.left -= int64(n)
	if err != nil && err != io.EOF && b.readErr == nil {
		b.readErr = err
	}
	return n, err
}

// Over reports whether the body went past the cap.
func (b *CappedBody) Over() bool { return b.left < 0 }

// ReadErr is the first error of the body's reads other than io.EOF and the
// cap, or nil.
func (b *CappedBody) ReadErr() error { return b.readErr }

// ReadFailure is why reading resp's body failed: the attempt's context error
// when the context has ended (its deadline cut the body off; with a caller's
// transport the body was closed then, and the read reports only that), else
// err.
func ReadFailure(resp *http.Response, err error) error {
	if resp.Request != nil {
		if ctxErr := resp.Request.Context().Err(); ctxErr != nil {
			return ctxErr
		}
	}
	return err
}

// firstBuffer is where ReadCapped starts; Okta's error bodies are a few
// hundred bytes.
const firstBuffer = 512

// ReadCapped reads r, which stops at limit, into a buffer that doubles but
// never grows past limit, so that a hostile body costs at most limit for the
// result and less than that in garbage. It returns what it read before any
// error.
func ReadCapped(r io.Reader, limit int) []byte {
	b := make([]byte, 0, firstBuffer)
	for {
		if len(b) == cap(b) {
			if cap(b) >= limit {
				return b
			}
			b = append(make([]byte, 0, min(2*cap(b), limit)), b...)
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			return b
		}
	}
}

// IsJSON reports whether a Content-Type is application/json or a +json
// type, parameters aside. It allocates nothing, unlike mime.ParseMediaType,
// since it runs on every answer.
func IsJSON(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	typ, sub, ok := strings.Cut(ct, "/")
	return ok && strings.EqualFold(typ, "application") &&
		(strings.EqualFold(sub, "json") || len(sub) > 5 && strings.EqualFold(sub[len(sub)-5:], "+json"))
}
