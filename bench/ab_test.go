package bench

import (
	"context"
	"sync"
	"testing"
	"time"
)

// abCallers is how many goroutines the parallel half of BenchmarkAB uses.
const abCallers = 64

// BenchmarkAB measures the client CPU per GetSession that bench/ab.sh
// compares between two checkouts of the SDK. Each iteration runs, one after
// the other, a block of calls from each contender, so drift on a shared
// machine falls on all of them alike:
//
//   - serial: this SDK and the hand-written client, one goroutine each;
//   - callers=64: this SDK, Okta's v2 SDK and the hand-written client, 64
//     goroutines each, with the connections the server accepted during each
//     contender's blocks (its clients are made once, before the first block,
//     so the count includes their cold start).
//
// It reports each contender's CPU per call (getrusage, user + system) and
// the ratios. Run it alone with
//
//	go test -run '^$' -bench '^BenchmarkAB$' -benchtime 20x
func BenchmarkAB(b *testing.B) {
	b.Run("serial", func(b *testing.B) {
		abRun(b, 1, []string{"sdk", "handwritten"}, []client{newSDK(), newHandwritten()})
	})
	b.Run("callers=64", func(b *testing.B) {
		abRun(b, abCallers, []string{"sdk", "oktav2", "handwritten"}, []client{newSDK(), newOktaV2(), newHandwritten()})
	})
}

// abRun alternates blocks of GetSession calls of clients from workers
// goroutines, and reports each one's CPU per call, connections, and the CPU
// ratios of the first client to each other one.
func abRun(b *testing.B, workers int, names []string, clients []client) {
	const block = 640 // calls per client per iteration
	ctx := context.Background()
	cpu := make([]time.Duration, len(clients))
	conns := make([]int64, len(clients))
	calls := 0
	for b.Loop() {
		for i, c := range clients {
			before := clientConns(b)
			start := cpuTime()
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for range block / workers {
						if err := c.get(ctx, "101W_juydrDRByB7fUdRyE2JQ"); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			cpu[i] += cpuTime() - start
			conns[i] += clientConns(b) - before
		}
		calls += block / workers * workers
	}
	for i, name := range names {
		b.ReportMetric(float64(cpu[i])/float64(calls), name+"-cpu-ns/call")
		if workers > 1 {
			b.ReportMetric(float64(conns[i]), name+"-conns")
		}
		if i > 0 {
			b.ReportMetric(float64(cpu[0])/float64(cpu[i]), "sdk/"+name)
		}
	}
}
