package js

import (
	"context"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"

	"github.com/llmbench/llmbench/internal/metrics"
)

// TestConcurrentVUs creates and runs VUs from several goroutines at once
// (meant for -race).
func TestConcurrentVUs(t *testing.T) {
	for _, script := range []string{"shared.js", "checks.js", "async.js"} {
		t.Run(script, func(t *testing.T) {
			e := load(t, script, nil)
			s := scenario("default", "default")
			var wg sync.WaitGroup
			for id := uint64(1); id <= 4; id++ {
				wg.Go(func() {
					v, err := e.r.NewVU(context.Background(), id, e.out)
					if err != nil {
						t.Errorf("NewVU(%d): %v", id, err)
						return
					}
					for range 3 {
						if err := v.RunOnce(context.Background(), iteration(s)); err != nil {
							t.Errorf("VU %d: %v", id, err)
						}
					}
				})
			}
			wg.Wait()
			if n := len(e.out.samples("iterations")); n != 12 {
				t.Errorf("%d iterations, want 12", n)
			}
		})
	}
}

func BenchmarkIterationEmptyDefault(b *testing.B) {
	e := load(b, "empty.js", nil)
	v, err := e.r.NewVU(context.Background(), 1, metrics.Discard)
	if err != nil {
		b.Fatal(err)
	}
	s := scenario("default", "default")
	it := iteration(s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		if err := v.RunOnce(ctx, it); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIterationAsyncCheck(b *testing.B) {
	e := load(b, "async_check.js", nil)
	v, err := e.r.NewVU(context.Background(), 1, metrics.Discard)
	if err != nil {
		b.Fatal(err)
	}
	it := iteration(scenario("default", "default"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		if err := v.RunOnce(ctx, it); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryPerVU reports the Go heap each VU of a minimal script
// keeps (100 VUs per round).
func BenchmarkMemoryPerVU(b *testing.B) {
	const n = 100
	e := load(b, "minimal.js", nil)
	s := scenario("default", "default")
	var perVU float64
	for b.Loop() {
		vus := make([]*VU, 0, n)
		before := heapInUse()
		for id := uint64(1); id <= n; id++ {
			v, err := e.r.NewVU(context.Background(), id, metrics.Discard)
			if err != nil {
				b.Fatal(err)
			}
			if err := v.RunOnce(context.Background(), iteration(s)); err != nil {
				b.Fatal(err)
			}
			vus = append(vus, v.(*VU))
		}
		after := heapInUse()
		perVU = float64(after-before) / n
		runtime.KeepAlive(vus)
	}
	b.ReportMetric(perVU, "heap-B/VU")
	b.ReportMetric(0, "ns/op")
}

func heapInUse() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
