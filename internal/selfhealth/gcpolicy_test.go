package selfhealth

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// TestTuneRuntime: llmbench's GC target and memory limit apply unless the
// environment sets GOGC or GOMEMLIMIT. Not parallel: it sets the
// process's GC settings (restored at the end).
func TestTuneRuntime(t *testing.T) {
	prevPct := debug.SetGCPercent(100)
	prevLim := debug.SetMemoryLimit(math.MaxInt64)
	prevProcs := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { debug.SetGCPercent(prevPct); debug.SetMemoryLimit(prevLim); runtime.GOMAXPROCS(prevProcs) })

	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

	TuneRuntime(env(nil))
	if pct, lim := gcSettings(); pct != GCPercent || (memoryAvailable() > 0 && lim != memoryAvailable()/4*3) {
		t.Errorf("GC percent %d, limit %d; want %d and three quarters of %d", pct, lim, GCPercent, memoryAvailable())
	}
	n := int(availableCores.Load())
	want := n
	if n <= SmallMachineCPUs && !cpuQuota() {
		want = max(MinProcs, n*ProcsPerCPU)
	}
	if got := runtime.GOMAXPROCS(0); got != want {
		t.Errorf("GOMAXPROCS %d on %d CPUs, want %d", got, n, want)
	}
	TuneRuntime(env(nil)) // a second call changes nothing
	if got := runtime.GOMAXPROCS(0); got != want {
		t.Errorf("after a second TuneRuntime: GOMAXPROCS %d, want %d", got, want)
	}

	debug.SetGCPercent(150)
	debug.SetMemoryLimit(1 << 40)
	TuneRuntime(env(map[string]string{"GOGC": "150", "GOMEMLIMIT": "1TiB"}))
	if pct, lim := gcSettings(); pct != 150 || lim != 1<<40 {
		t.Errorf("with GOGC and GOMEMLIMIT set: percent %d, limit %d; want 150, %d (untouched)", pct, lim, int64(1)<<40)
	}
}

// TestGCSettingsReported: the summary reports the settings in force,
// GOGC=off as -1. Not parallel: it sets the GC percent.
func TestGCSettingsReported(t *testing.T) {
	prevPct := debug.SetGCPercent(250)
	prevLim := debug.SetMemoryLimit(3 << 30)
	t.Cleanup(func() { debug.SetGCPercent(prevPct); debug.SetMemoryLimit(prevLim) })
	if p, l := gcSettings(); p != 250 || l != 3<<30 {
		t.Errorf("gcSettings = %d, %d; want 250, %d", p, l, 3<<30)
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(math.MaxInt64)
	if p, l := gcSettings(); p != -1 || l != 0 {
		t.Errorf("gcSettings = %d, %d; want -1 (off), 0 (no limit)", p, l)
	}
}

// TestTuneProcsOnOneCore re-runs the test binary pinned to one CPU
// (taskset): TuneRuntime raises GOMAXPROCS to MinProcs there (unless a CPU
// quota limits the process), and self-health still counts one core.
func TestTuneProcsOnOneCore(t *testing.T) {
	if os.Getenv("LLMBENCH_TUNE_CHILD") == "1" {
		before := runtime.GOMAXPROCS(0)
		TuneRuntime(func(string) string { return "" })
		fmt.Printf("child: before=%d after=%d cores=%d quota=%v\n", before, runtime.GOMAXPROCS(0), cores(), cpuQuota())
		return
	}
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		t.Skipf("no taskset on PATH (util-linux), so the one-core GOMAXPROCS floor is not checked: %v", err)
	}
	cmd := exec.Command(taskset, "-c", "0", os.Args[0], "-test.run=^TestTuneProcsOnOneCore$", "-test.v")
	cmd.Env = append(os.Environ(), "LLMBENCH_TUNE_CHILD=1", "GOMAXPROCS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := fmt.Sprintf("child: before=1 after=%d cores=1 quota=false", MinProcs)
	if cpuQuota() {
		want = "child: before=1 after=1 cores=1 quota=true"
	}
	if !strings.Contains(string(out), want) {
		t.Errorf("child printed:\n%s\nwant a line %q", out, want)
	}
}

// TestGCPercentFor: GCPercent while four times the live heap fits in
// MaxHeadroom, then the headroom stays MaxHeadroom until the target is Go's
// 100%.
func TestGCPercentFor(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		live uint64
		want int
	}{
		{0, GCPercent},
		{7 * mib, GCPercent},  // 50 VUs looping k6/http
		{13 * mib, GCPercent}, // bench/llm.sh's 200 TTFT streams
		{32 * mib, GCPercent}, // 4 × 32 MiB = 128 MiB exactly
		{61 * mib, 209},       // 1,000 TTFT streams: 128/61
		{64 * mib, 200},
		{128 * mib, 100},
		{1 << 30, 100},
	}
	for _, tt := range tests {
		if got := GCPercentFor(tt.live); got != tt.want {
			t.Errorf("GCPercentFor(%d MiB) = %d, want %d", tt.live/mib, got, tt.want)
		}
		if got := GCPercentFor(tt.live); tt.live > 0 && uint64(got)*tt.live/100 > max(MaxHeadroom, tt.live) {
			t.Errorf("GCPercentFor(%d MiB) = %d: headroom over the cap", tt.live/mib, got)
		}
	}
}
