package report

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// bigRun writes a run of about mb megabytes of JSON output to a file in
// dir: 32-token requests (40 Point lines each) with 2 GPUs sampled.
func bigRun(tb testing.TB, dir string, mb int, i int) (string, int64) {
	tb.Helper()
	// One request is about 40 lines of about 210 bytes.
	reqs := mb << 20 / (40 * 210)
	g := genRun{start: t0.Add(time.Duration(i) * time.Hour), requests: reqs, gap: 20 * time.Millisecond,
		ttft: func(k int) float64 { return 30 + float64(k%97) + float64(i)*5 },
		e2e:  func(k int) float64 { return 400 + float64(k%389) + float64(i)*20 }, tokens: 32, failEach: 101,
		gpus: 2, power: 250 + float64(i)*10}
	p := filepath.Join(dir, "run-"+strconv.Itoa(i)+".json")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	g.write(w)
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	fi, _ := f.Stat()
	return p, fi.Size()
}

// peakHeap samples the live heap every 5 ms until stop is called, and
// returns the highest value seen.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); <-finished; return peak.Load() }
}

// BenchmarkReadLarge streams one large JSON output (REPORT_BENCH_MB, 200 by
// default) and reports the peak live heap, which must not grow with the
// file.
func BenchmarkReadLarge(b *testing.B) {
	mb := 200
	if v, err := strconv.Atoi(os.Getenv("REPORT_BENCH_MB")); err == nil && v > 0 {
		mb = v
	}
	path, size := bigRun(b, b.TempDir(), mb, 0)
	b.SetBytes(size)
	runtime.GC()
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		stop := peakHeap()
		runs, err := Load([]string{path})
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteHTML(io.Discard, Build(runs, t0)); err != nil {
			b.Fatal(err)
		}
		peak = max(peak, stop())
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
}

// BenchmarkTenRuns loads ten 20 MB runs and renders their HTML comparison.
func BenchmarkTenRuns(b *testing.B) {
	dir := b.TempDir()
	var paths []string
	for i := range 10 {
		p, _ := bigRun(b, dir, 20, i)
		paths = append(paths, p)
	}
	b.ResetTimer()
	for b.Loop() {
		runs, err := Load(paths)
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteHTML(io.Discard, Build(runs, t0)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderTenRuns renders the HTML comparison of ten loaded runs.
func BenchmarkRenderTenRuns(b *testing.B) {
	dir := b.TempDir()
	var paths []string
	for i := range 10 {
		p, _ := bigRun(b, dir, 2, i)
		paths = append(paths, p)
	}
	runs, err := Load(paths)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := WriteHTML(io.Discard, Build(runs, t0)); err != nil {
			b.Fatal(err)
		}
	}
}
