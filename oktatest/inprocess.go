package oktatest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sync"
)

// InProcessURL is the org URL of a server of NewInProcess. Its host is in
// the reserved .invalid domain, so a request that misses the fake's
// transport fails instead of reaching a real host.
const InProcessURL = "https://oktatest.invalid"

// ErrDropped is the error of a request to an in-process server whose
// connection a Fault dropped.
var ErrDropped = errors.New("oktatest: connection dropped")

// NewInProcess returns a fake Okta org that starts no listener: its URL is InProcessURL, and requests reach it through
// RoundTripper (which Config sets as the transport of its HTTPClient) or,
// for suites that mock with httpmock, Responder. It answers as a listening
// server does, streams its answers (slow and oversized bodies included) and
// turns a dropped connection into ErrDropped; as on a socket, header keys
// reach it canonical, and a cancelled context fails the request or the read
// of its body with the context's error. It returns an error for bad
// options, and for WithAddr. Close ends the delays of its faults.
func NewInProcess(opts ...Option) (*Server, error) {
	o, err := newOptions(opts)
	if err != nil {
		return nil, err
	}
	if o.addr != "" {
		return nil, errors.New("an in-process server has no address")
	}
	s := newServer(o)
	s.URL = InProcessURL
	return s, nil
}

// RoundTripper returns an http.RoundTripper that serves every request with
// the server itself, whatever its host, without a network.
func (s *Server) RoundTripper() http.RoundTripper { return roundTripper{s} }

// Responder returns the server as an httpmock responder (its type is
// assignable to httpmock.Responder), for suites that already mock with
// github.com/jarcoal/httpmock:
//
//	httpmock.RegisterNoResponder(srv.Responder())
func (s *Server) Responder() func(*http.Request) (*http.Response, error) {
	return roundTripper{s}.RoundTrip
}

// roundTripper is the server as an http.RoundTripper.
type roundTripper struct{ s *Server }

// RoundTrip serves req on a goroutine and returns the answer once its
// header is written; the body streams from the handler through a pipe.
func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	r := req.Clone(ctx) // the chain sets path values: leave the caller's request alone
	r.Header = canonicalHeader(r.Header)
	if r.URL.Scheme == "https" {
		r.TLS = &tls.ConnectionState{} // links follow the scheme, as on a listener
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	pr, pw := io.Pipe()
	w := &pipeWriter{header: make(http.Header), pw: pw, ready: make(chan struct{})}
	w.resp = &http.Response{
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Body: pr, ContentLength: -1, Request: req,
	}
	// A cancelled context breaks the body with its error, as a transport's
	// read does: the writer's side is closed, so reads return ctx.Err() (the
	// reader's side would make them return io.ErrClosedPipe).
	stop := context.AfterFunc(ctx, func() { pw.CloseWithError(ctx.Err()) })
	go func() {
		defer stop()
		defer r.Body.Close()
		defer w.finish(ctx)
		rt.s.ServeHTTP(w, r)
	}()
	select {
	case <-w.ready:
		return w.resp, w.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// canonicalHeader returns h with its keys in canonical form, as net/http's
// server reads them off the wire: values of keys that differ only in case
// are joined in the order a client writes them (keys sorted).
func canonicalHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for _, key := range slices.Sorted(maps.Keys(h)) {
		ck := http.CanonicalHeaderKey(key)
		out[ck] = append(out[ck], h[key]...)
	}
	return out
}

// pipeWriter is the http.ResponseWriter of an in-process request: the
// header makes the response, the body goes through the pipe.
type pipeWriter struct {
	header http.Header
	pw     *io.PipeWriter
	once   sync.Once
	ready  chan struct{} // closed when resp or err is set
	resp   *http.Response
	err    error
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(code int) {
	w.once.Do(func() {
		w.resp.StatusCode = code
		w.resp.Status = fmt.Sprintf("%d %s", code, http.StatusText(code))
		w.resp.Header = w.header.Clone()
		close(w.ready)
	})
}

func (w *pipeWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.pw.Write(b)
}

// Flush sends the header, as a listening server's flush does; the body is
// never buffered.
func (w *pipeWriter) Flush() { w.WriteHeader(http.StatusOK) }

// finish ends the answer when the handler returns: a handler that aborted
// (a dropped connection) fails the request, or breaks its body if the header
// was sent; one that wrote nothing before the client gave up fails it; one
// that wrote nothing else answered 200.
func (w *pipeWriter) finish(ctx context.Context) {
	var err error
	if p := recover(); p != nil {
		err = ErrDropped
		if p != http.ErrAbortHandler {
			err = fmt.Errorf("oktatest: handler panic: %v", p)
		}
	} else if !w.sent() {
		err = ctx.Err()
	}
	if err == nil {
		w.WriteHeader(http.StatusOK)
		w.pw.CloseWithError(ctx.Err()) // a handler that stopped for the context leaves its error, not EOF
		return
	}
	w.once.Do(func() {
		w.resp, w.err = nil, err
		close(w.ready)
	})
	w.pw.CloseWithError(io.ErrUnexpectedEOF)
}

// sent reports whether the header was sent.
func (w *pipeWriter) sent() bool {
	select {
	case <-w.ready:
		return true
	default:
		return false
	}
}
