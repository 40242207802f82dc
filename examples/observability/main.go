// Command observability wires okta-session-go into logs, traces and metrics:
// log/slog records of every attempt and wait, carrying the trace id;
// an OpenTelemetry span for every attempt, retries included, from otelhttp
// wrapped around okta.NewHTTPClient's transport; and counters fed by an
// okta.Observer. It runs against the embedded fake Okta, which fails the
// first GetSession with a 503 so that a retry shows:
//
//	cd examples/observability && go run .
//
// It is a module of its own, so that OpenTelemetry stays out of the
// library's go.mod.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sync"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

func main() {
	srv, err := oktatest.Start()
	if err == nil {
		err = run(context.Background(), os.Stdout, srv)
		srv.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "observability:", err)
		os.Exit(1)
	}
}

// run creates, gets and ends a session on the fake Okta srv, printing log
// records, spans and counters to out.
func run(ctx context.Context, out io.Writer, srv *oktatest.Server) error {

	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(sdktrace.NewSimpleSpanProcessor(shortenSessionIDs{&printer{out: out}})),
	)
	defer func() { _ = tp.Shutdown(ctx) }()

	httpClient := okta.NewHTTPClient() // keeps the tuned pooling, timeouts and redirect rule
	httpClient.Transport = otelhttp.NewTransport(httpClient.Transport, otelhttp.WithTracerProvider(tp))

	counters := &counters{n: map[string]int{}}
	cfg := okta.NewConfiguration()
	cfg.BasePath, cfg.APIToken = srv.URL, srv.APIToken
	cfg.HTTPClient = httpClient
	cfg.Logger = slog.New(withTraceID{slog.NewJSONHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug})})
	cfg.Observer = counters
	client := okta.NewAPIClient(cfg)

	ctx, span := tp.Tracer("observability-example").Start(ctx, "session lifecycle")
	s, _, err := client.SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: srv.IssueSessionToken(oktatest.User{})})
	if err != nil {
		return err
	}
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Status: http.StatusServiceUnavailable})
	if _, _, err := client.SessionApi.GetSession(ctx, s.Id); err != nil {
		return err
	}
	if _, err := client.SessionApi.EndSession(ctx, s.Id); err != nil {
		return err
	}
	span.End()

	for _, name := range slices.Sorted(maps.Keys(counters.n)) {
		fmt.Fprintf(out, "counter %s %d\n", name, counters.n[name])
	}
	return nil
}

// withTraceID is a slog.Handler that adds the trace and span ids of the
// record's context, so that a log record and its span can be found together.
// The client passes each call's context to the logger.
type withTraceID struct{ slog.Handler }

// Handle adds the trace and span ids of ctx, if any, to r and hands it on.
func (h withTraceID) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs returns the handler with as, still adding the ids.
func (h withTraceID) WithAttrs(as []slog.Attr) slog.Handler {
	return withTraceID{h.Handler.WithAttrs(as)}
}

// WithGroup returns the handler with the group name, still adding the ids.
func (h withTraceID) WithGroup(name string) slog.Handler {
	return withTraceID{h.Handler.WithGroup(name)}
}

// sessionIDInPath matches the session id in a Session API URL.
var sessionIDInPath = regexp.MustCompile(`(/api/v1/sessions/)([^/?#]{4})[^/?#]+`)

// shortenSessionIDs is a span exporter that shortens the session id in the
// URL attributes of each span to its first four characters, as the client's
// own log records do, before handing the spans on. otelhttp records the full
// URL (url.full), and a session id is a bearer credential: without this,
// every trace backend that receives the spans holds live session ids. The
// attribute is set after the span starts, so a span processor's OnStart
// cannot do it; an exporter can.
type shortenSessionIDs struct{ sdktrace.SpanExporter }

// ExportSpans hands spans on with their session ids shortened.
func (e shortenSessionIDs) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	out := make([]sdktrace.ReadOnlySpan, len(spans))
	for i, s := range spans {
		out[i] = shortenedSpan{s}
	}
	return e.SpanExporter.ExportSpans(ctx, out)
}

// shortenedSpan is a span whose URL attributes hold no whole session id.
type shortenedSpan struct{ sdktrace.ReadOnlySpan }

// Attributes returns the span's attributes with the session id in url.full
// and http.url shortened to its first four characters.
func (s shortenedSpan) Attributes() []attribute.KeyValue {
	attrs := slices.Clone(s.ReadOnlySpan.Attributes())
	for i, kv := range attrs {
		if kv.Key == "url.full" || kv.Key == "http.url" {
			attrs[i] = attribute.String(string(kv.Key), sessionIDInPath.ReplaceAllString(kv.Value.AsString(), "$1$2..."))
		}
	}
	return attrs
}

// printer is a span exporter that prints one line per span; a real program
// exports to its collector instead (OTLP).
type printer struct {
	mu  sync.Mutex
	out io.Writer
}

// ExportSpans prints one line per span: its name, trace id, URL, status and
// resend count.
func (p *printer) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range spans {
		line := fmt.Sprintf("span %q trace_id=%s", s.Name(), s.SpanContext().TraceID())
		for _, kv := range s.Attributes() {
			switch kv.Key {
			case "url.full", "http.response.status_code", "http.request.resend_count":
				line += fmt.Sprintf(" %s=%s", kv.Key, kv.Value.Emit())
			}
		}
		fmt.Fprintln(p.out, line)
	}
	return nil
}

// Shutdown does nothing: printer holds no resources.
func (p *printer) Shutdown(context.Context) error { return nil }

// counters is an okta.Observer that counts calls, attempts and waits; a real
// program feeds its metrics library's counters instead.
type counters struct {
	mu sync.Mutex
	n  map[string]int
}

// add counts one more of name.
func (c *counters) add(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[name]++
}

// OnCall counts a call by operation and outcome.
func (c *counters) OnCall(i okta.CallInfo) {
	c.add("calls{op=" + i.Op + ",outcome=" + string(i.Outcome) + "}")
}

// OnAttempt counts an attempt by operation and status.
func (c *counters) OnAttempt(i okta.AttemptInfo) {
	c.add(fmt.Sprintf("attempts{op=%s,status=%d}", i.Op, i.StatusCode))
}

// OnWait counts a wait by reason.
func (c *counters) OnWait(i okta.WaitInfo) { c.add("waits{reason=" + string(i.Reason) + "}") }
