// Package bench measures okta-session-go against a hand-written net/http
// client and Okta's own Go SDK v2, with the server in another process so
// that allocations and CPU time are the client's alone. Run it with
//
//	bench/run.sh
//
// which runs each benchmark with the -benchtime and -count it needs (a
// plain -bench . would run BenchmarkHostileBody100MiB, 100 MiB a call, for a
// whole second, and BenchmarkAB, which bench/ab.sh runs) and writes the
// results to bench/results/. README.md says what the figures are.
//
// Besides ns/op, B/op and allocs/op, each benchmark reports cpu-ns/op (the
// process's user+system time from getrusage, divided by the calls) and, for
// the 32-way runs, conns-new (connections the server accepted during the
// measured run) and conns-total (since the client was made, warm-up included).
package bench

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"
)

// callers is how many goroutines the parallel runs use.
const callers = 32

// contenders are the clients compared, made fresh for each benchmark.
var contenders = []struct {
	name string
	make func() client
}{
	{"sdk", newSDK},
	{"handwritten", newHandwritten},
	{"oktav2", newOktaV2},
}

// operations are the calls compared.
var operations = []struct {
	name string
	call func(c client, ctx context.Context) error
}{
	{"GetSession", func(c client, ctx context.Context) error { return c.get(ctx, "101W_juydrDRByB7fUdRyE2JQ") }},
	{"CreateSession", func(c client, ctx context.Context) error {
		return c.create(ctx, "20111bench0session0token000000000000000")
	}},
	{"EndSession", func(c client, ctx context.Context) error { return c.end(ctx, "101W_juydrDRByB7fUdRyE2JQ") }},
}

// cpuTime is the process's user plus system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkSerial(b *testing.B) {
	ctx := context.Background()
	for _, op := range operations {
		for _, ct := range contenders {
			b.Run(op.name+"/"+ct.name, func(b *testing.B) {
				c := ct.make()
				b.ReportAllocs()
				cpu := cpuTime()
				for b.Loop() {
					if err := op.call(c, ctx); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// BenchmarkParallel32 runs each client from 32 goroutines. The client is
// made once per sub-benchmark, so the framework's calibration rounds warm its
// connection pool: conns-new counts the connections opened during the
// measured run, conns-total all since the client was made.
func BenchmarkParallel32(b *testing.B) {
	ctx := context.Background()
	for _, op := range operations {
		for _, ct := range contenders {
			first := clientConns(b)
			c := ct.make()
			b.Run(op.name+"/"+ct.name, func(b *testing.B) {
				b.SetParallelism((callers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
				b.ReportAllocs()
				before := clientConns(b)
				cpu := cpuTime()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := op.call(c, ctx); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.StopTimer()
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
				now := clientConns(b)
				b.ReportMetric(float64(now-before), "conns-new")
				b.ReportMetric(float64(now-first), "conns-total")
			})
		}
	}
}

// heapObjects is the metric sampled for the peak heap: bytes of heap objects,
// live or not yet swept.
const heapObjects = "/memory/classes/heap/objects:bytes"

// peakHeap runs f and returns the largest heap it saw above the heap before,
// sampling every 100 µs on another goroutine.
func peakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		s := []metrics.Sample{{Name: heapObjects}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > base && v-base > peak {
				peak = v - base
			}
			select {
			case <-done:
				return
			case <-time.After(100 * time.Microsecond):
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	return peak
}

// BenchmarkHostileBody100MiB reports the peak heap while the server streams
// a 100 MiB answer to GetSession, as a 200 and as a 500. Run it with a small
// -benchtime (each call moves up to 100 MiB): -bench HostileBody -benchtime 3x
func BenchmarkHostileBody100MiB(b *testing.B) {
	ctx := context.Background()
	for _, id := range []string{hugeID, hugeErrorID} {
		for _, ct := range contenders {
			b.Run(id+"/"+ct.name, func(b *testing.B) {
				c := ct.make()
				var worst uint64
				for b.Loop() {
					peak := peakHeap(func() {
						if err := c.get(ctx, id); err == nil {
							b.Log("a 100 MiB session was accepted")
						}
					})
					worst = max(worst, peak)
				}
				b.ReportMetric(float64(worst)/(1<<20), "peak-heap-MiB")
			})
		}
	}
}

// BenchmarkInterleavedCPU compares client CPU per call of this SDK and the
// hand-written client in one process, alternating blocks of calls, so that
// the machine's drift (frequency, the server's GC, other load) falls on both
// alike. Blocks run serially or from 32 goroutines. It reports each one's CPU
// per call and sdk/handwritten, the ratio:
//
//	go test -run '^$' -bench InterleavedCPU -benchtime 20x -count 3
func BenchmarkInterleavedCPU(b *testing.B) {
	const block = 640 // calls per client per round; 20 per goroutine at 32
	ctx := context.Background()
	for _, workers := range []int{1, callers} {
		for _, op := range operations {
			b.Run(fmt.Sprintf("%s/workers=%d", op.name, workers), func(b *testing.B) {
				clients := [2]client{newSDK(), newHandwritten()}
				var cpu [2]time.Duration
				calls := 0
				for b.Loop() {
					for i, c := range clients {
						start := cpuTime()
						var wg sync.WaitGroup
						for range workers {
							wg.Go(func() {
								for range block / workers {
									if err := op.call(c, ctx); err != nil {
										b.Error(err)
										return
									}
								}
							})
						}
						wg.Wait()
						cpu[i] += cpuTime() - start
					}
					calls += block
				}
				b.ReportMetric(float64(cpu[0])/float64(calls), "sdk-cpu-ns/call")
				b.ReportMetric(float64(cpu[1])/float64(calls), "handwritten-cpu-ns/call")
				b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "sdk/handwritten")
			})
		}
	}
}
