package bench

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// serveEnv, when set, makes the test binary serve instead of benchmarking:
// TestMain starts a copy of itself with it, so that the server's work never
// counts in the client's allocations or CPU time.
const serveEnv = "OKTA_BENCH_SERVE"

// hugeID is the session id whose answer is a hostile 100 MiB body;
// hugeErrorID's is the same body with status 500.
const (
	hugeID      = "huge"
	hugeErrorID = "hugeerror"
)

// hugeSize is the size of the hostile body.
const hugeSize = 100 << 20

// sessionBody is the answer to get, create and refresh: Okta's documented
// example session.
var sessionBody = []byte(`{"id":"101W_juydrDRByB7fUdRyE2JQ","login":"user@example.com","userId":"00ubgaSARVOQDIOXMORI",` +
	`"createdAt":"2015-08-30T16:41:35.818Z","expiresAt":"2015-08-30T18:41:35.818Z","status":"ACTIVE",` +
	`"lastPasswordVerification":"2015-08-30T18:41:35.818Z","lastFactorVerification":null,` +
	`"amr":["pwd","otp","mfa"],"idp":{"id":"00oi5cpnylv792IcF0g3","type":"OKTA"},"mfaActive":true,` +
	`"_links":{"self":{"href":"https://example.okta.com/api/v1/sessions/101W_juydrDRByB7fUdRyE2JQ","hints":{"allow":["GET","DELETE"]}},` +
	`"refresh":{"href":"https://example.okta.com/api/v1/sessions/101W_juydrDRByB7fUdRyE2JQ/lifecycle/refresh","hints":{"allow":["POST"]}},` +
	`"user":{"name":"Isaac Brock","href":"https://example.okta.com/api/v1/users/00ubgaSARVOQDIOXMORI","hints":{"allow":["GET"]}}}}`)

// serve answers the Session API as Okta would, as cheaply as it can, and
// counts the connections it accepts (GET /__conns).
func serve() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var conns atomic.Int64
	srv := &http.Server{
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			if r.URL.Path == "/__conns" {
				_, _ = io.WriteString(w, strconv.FormatInt(conns.Load(), 10))
				return
			}
			_, _ = io.Copy(io.Discard, r.Body)
			h.Set("X-Okta-Request-Id", "reqVy8wsvmBQN27h4soUE3ZEnA")
			h.Set("X-Rate-Limit-Limit", "750")
			h.Set("X-Rate-Limit-Remaining", "749")
			h.Set("X-Rate-Limit-Reset", "1609459200")
			if r.Method == http.MethodDelete {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			h.Set("Content-Type", "application/json;charset=UTF-8")
			switch {
			case strings.HasSuffix(r.URL.Path, "/"+hugeID):
				streamHuge(w)
				return
			case strings.HasSuffix(r.URL.Path, "/"+hugeErrorID):
				w.WriteHeader(http.StatusInternalServerError)
				streamHuge(w)
				return
			}
			h.Set("Content-Length", strconv.Itoa(len(sessionBody)))
			_, _ = w.Write(sessionBody)
		}),
	}
	fmt.Printf("http://%s\n", l.Addr())
	return srv.Serve(l)
}

// streamHuge writes a 100 MiB JSON session whose login never ends.
func streamHuge(w http.ResponseWriter) {
	_, _ = io.WriteString(w, `{"id":"101W_juydrDRByB7fUdRyE2JQ","login":"`)
	chunk := []byte(strings.Repeat("a", 64<<10))
	for n := 0; n < hugeSize; n += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	_, _ = io.WriteString(w, `"}`)
}

// serverURL is the base URL of the server process.
var serverURL string

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) != "" {
		if err := serve(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), serveEnv+"=1", "GOMAXPROCS=2")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: starting the server:", err)
		os.Exit(1)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: the server did not start:", err)
		os.Exit(1)
	}
	serverURL = strings.TrimSpace(line)
	code := m.Run()
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	os.Exit(code)
}

// statsClient opens a new connection for every question, and questions
// counts them, so that they can be left out of the count.
var (
	statsClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	questions   int64
)

// clientConns returns how many connections the server has accepted from
// clients, leaving out those of these questions.
func clientConns(tb testing.TB) int64 {
	tb.Helper()
	questions++
	resp, err := statsClient.Get(serverURL + "/__conns")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	n, _ := strconv.ParseInt(string(b), 10, 64)
	return n - questions
}
