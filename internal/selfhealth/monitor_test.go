package selfhealth

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/metrics"
)

// spin keeps one goroutine busy until stop closes.
func spin(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	x := 0
	for {
		select {
		case <-stop:
			_ = x
			return
		default:
			for i := range 10000 {
				x += i
			}
		}
	}
}

// TestMonitorMeasures runs a Monitor around real work: busy goroutines
// (more than GOMAXPROCS, so some wait for a thread) and forced GC cycles.
// The figures must show the work; the bounds hold on a loaded machine.
func TestMonitorMeasures(t *testing.T) {
	m := New(50 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Run(ctx, metrics.Discard) }()
	time.Sleep(20 * time.Millisecond)
	m.MarkRunning()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go spin(stop, &wg)
	}
	for range 5 {
		runtime.GC()
	}
	time.Sleep(400 * time.Millisecond)
	close(stop)
	wg.Wait()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s := m.Summary()
	if s.Cores != runtime.GOMAXPROCS(0) {
		t.Errorf("Cores = %d", s.Cores)
	}
	if s.WallSeconds < 0.35 || s.WallSeconds > 5 {
		t.Errorf("WallSeconds = %v, want about 0.4", s.WallSeconds)
	}
	// The spinners were runnable for 0.4s: even sharing the machine they
	// got a good part of a core, and never more than the cores allow.
	if s.CPUSeconds < 0.1 || s.CPUCores > float64(s.Cores)+0.2 {
		t.Errorf("CPUSeconds = %v, CPUCores = %v (of %d)", s.CPUSeconds, s.CPUCores, s.Cores)
	}
	if s.CPUPeakCores < s.CPUCores {
		t.Errorf("CPUPeakCores %v < CPUCores %v", s.CPUPeakCores, s.CPUCores)
	}
	if s.GCCycles < 5 || s.GCPauses < 5 || s.GCPauseTotalMs <= 0 || s.GCPauseMaxMs <= 0 {
		t.Errorf("GC: %d cycles, %d pauses, total %vms, max %vms; want ≥ 5 forced cycles", s.GCCycles, s.GCPauses, s.GCPauseTotalMs, s.GCPauseMaxMs)
	}
	l := s.SchedLatency
	if l.Samples == 0 || l.MaxMs <= 0 || l.P50Ms > l.P99Ms || l.P99Ms > l.MaxMs {
		t.Errorf("SchedLatency = %+v", l)
	}
	if runtime.GOOS == "linux" && s.MaxRSSBytes < 1<<20 {
		t.Errorf("MaxRSSBytes = %d", s.MaxRSSBytes)
	}
	txt := s.Text()
	for _, want := range []string{"CLIENT", "cpu", "gc", "sched_latency"} {
		if !strings.Contains(txt, want) {
			t.Errorf("Text lacks %q:\n%s", want, txt)
		}
	}
}

// TestSummaryWithoutRun: a Monitor that never ran still summarises (zero
// interval) rather than failing.
func TestSummaryWithoutRun(t *testing.T) {
	s := New(0).Summary()
	if s.Cores == 0 || s.CPUUtilization < 0 {
		t.Errorf("Summary = %+v", s)
	}
}

// TestStealShare: the steal between two /proc/stat readings, and none when
// either is missing or time did not advance.
func TestStealShare(t *testing.T) {
	at := func(total, steal uint64) reading { return reading{totalTicks: total, stealTicks: steal, ticksOK: true} }
	tests := []struct {
		name     string
		from, to reading
		want     float64
	}{
		{"a quarter", at(1000, 10), at(1400, 110), 0.25},
		{"none", at(1000, 10), at(1400, 10), 0},
		{"unknown", reading{}, at(1400, 110), 0},
		{"no time", at(1000, 10), at(1000, 10), 0},
	}
	for _, tt := range tests {
		if got := stealShare(tt.from, tt.to); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if total, _, ok := cpuTicks(); runtime.GOOS == "linux" && (!ok || total == 0) {
		t.Errorf("cpuTicks on Linux: total %d, ok %v", total, ok)
	}
}

func TestReasons(t *testing.T) {
	tests := []struct {
		name string
		s    Summary
		want []string
	}{
		{"healthy", Summary{Cores: 2, WallSeconds: 10, CPUCores: 1, CPUUtilization: 0.5, SchedLatency: Latency{Samples: 1e4, P99Ms: 0.2}}, []string{}},
		{"cpu", Summary{Cores: 2, WallSeconds: 10, CPUCores: 1.9, CPUUtilization: 0.95}, []string{"client CPU 1.9 of 2 cores (95%)"}},
		{"cpu too short", Summary{Cores: 2, WallSeconds: 0.5, CPUCores: 1.9, CPUUtilization: 0.95}, []string{}},
		{"sched", Summary{Cores: 2, WallSeconds: 10, SchedLatency: Latency{Samples: 1e4, P99Ms: 12}}, []string{"Go scheduler latency p(99)=12.00ms > 5.00ms"}},
		{"sched few samples", Summary{Cores: 2, WallSeconds: 10, SchedLatency: Latency{Samples: 20, P99Ms: 12}}, []string{}},
		{"steal", Summary{Cores: 2, WallSeconds: 10, CPUSteal: 0.28}, []string{"hypervisor took 28% of the machine's CPU (steal)"}},
		{"little steal", Summary{Cores: 2, WallSeconds: 10, CPUSteal: 0.04}, []string{}},
		{"both", Summary{Cores: 4, WallSeconds: 10, CPUCores: 4, CPUUtilization: 1, SchedLatency: Latency{Samples: 1e4, P99Ms: 1500}},
			[]string{"client CPU 4.0 of 4 cores (100%)", "Go scheduler latency p(99)=1.50s > 5.00ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.s.reasons()); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHistogram(t *testing.T) {
	h := hist{counts: []uint64{1, 97, 2, 0}, buckets: []float64{0, 1, 2, 4, 8}}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"p50", h.quantile(0.5), 2},
		{"p99", h.quantile(0.99), 4},
		{"max", h.max(), 4},
		{"sum", h.sum(), 0.5 + 97*1.5 + 2*3},
		{"sub", h.sub(hist{counts: []uint64{1, 97, 0, 0}}).quantile(0.5), 4},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}
