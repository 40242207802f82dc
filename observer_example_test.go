package okta_test

import (
	"context"
	"fmt"
	"log"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// metrics is an okta.Observer that feeds counters, as a Prometheus or
// OpenTelemetry counter vector would be fed, keyed by their labels.
type metrics struct {
	mu     sync.Mutex
	counts map[string]int
}

// add counts one more of name.
func (m *metrics) add(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[name]++
}

// OnCall counts a call by operation and outcome.
func (m *metrics) OnCall(c okta.CallInfo) {
	m.add("okta_calls_total{op=" + c.Op + ",outcome=" + string(c.Outcome) + "}")
}

// OnAttempt counts an attempt by operation and status.
func (m *metrics) OnAttempt(a okta.AttemptInfo) {
	m.add("okta_attempts_total{op=" + a.Op + ",status=" + strconv.Itoa(a.StatusCode) + "}")
}

// OnWait counts a wait by reason, and a retry by operation and reason.
func (m *metrics) OnWait(w okta.WaitInfo) {
	if w.Retry {
		m.add("okta_retries_total{op=" + w.Op + ",reason=" + string(w.Reason) + "}")
	}
	m.add("okta_waits_total{reason=" + string(w.Reason) + "}")
}

// ExampleObserver feeds counters from an Observer: calls, attempts (a retry
// included) and waits.
func ExampleObserver() {
	// The fake Okta on a fake clock, so that the retry's backoff takes no time.
	srv, err := oktatest.Start(oktatest.WithClock(oktatest.NewFakeClock(time.Now())))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	m := &metrics{counts: map[string]int{}}
	cfg := srv.Config()
	cfg.Observer = m
	client := okta.NewAPIClient(cfg)

	ctx := context.Background()
	s, _, err := client.SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: srv.IssueSessionToken(oktatest.User{})})
	if err != nil {
		log.Fatal(err)
	}
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Status: http.StatusServiceUnavailable})
	_, _, _ = client.SessionApi.GetSession(ctx, s.Id) // 503, then retried: 200
	_, _, _ = client.SessionApi.GetSession(ctx, "")   // refused before any I/O

	for _, name := range slices.Sorted(maps.Keys(m.counts)) {
		fmt.Println(name, m.counts[name])
	}
	// Output:
	// okta_attempts_total{op=CreateSession,status=200} 1
	// okta_attempts_total{op=GetSession,status=200} 1
	// okta_attempts_total{op=GetSession,status=503} 1
	// okta_calls_total{op=CreateSession,outcome=ok} 1
	// okta_calls_total{op=GetSession,outcome=invalid} 1
	// okta_calls_total{op=GetSession,outcome=ok} 1
	// okta_retries_total{op=GetSession,reason=server_error} 1
	// okta_waits_total{reason=server_error} 1
}
