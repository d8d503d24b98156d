package selfhealth

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// GCPercent is the GC target llmbench runs with unless GOGC is set: a
// cycle once the heap has grown by 400% of the live heap, not Go's 100%.
//
// Each GC cycle marks every VU's JS runtime (about 85 KB per VU); while it
// runs, the VU goroutines that allocate are made to help (mark assists), so
// with 200 VUs on one core a cycle held them back for ~80 ms. Streams whose
// reads slip by more than one inter-token gap can no longer be timed to
// the packet (see the llm package's receive timestamps), so a cycle during
// a wave of first tokens spoils their TTFT. Fewer cycles, with more room
// for background marking, fixed that in bench/llm.sh ttft (docs/benchmarks.md:
// 200 streams × 20 ms ITL on one core, p99 first-token error 20–40 ms at
// GOGC=100, 16 µs at 400) for about 12% more RSS at 200 VUs.
//
// The room above the live heap is capped at MaxHeadroom (see GCPercentFor):
// GOGC=400 gives a heap five times the live one, which is what its fewer
// cycles cost in memory, and a test with many VUs would pay it per VU.
const GCPercent = 400

// MaxHeadroom is the most room above the live heap that GCPercent may give
// before the GC target comes down (never below Go's 100%): 128 MiB, four
// times a live heap of 32 MiB. Below that nothing changes: bench/llm.sh's
// 200 TTFT streams (13 MB live) and 200 VUs looping k6/http (16 MB) keep
// the full GCPercent. 1,000 streams (61 MB live) run at about 210%, and
// 1,000 VUs looping k6/http hold a heap of live + 128 MiB rather than five
// times live (docs/benchmarks.md, "k6/http").
const MaxHeadroom = 128 << 20

// GCPercentFor is the GC target for a live heap of live bytes: GCPercent,
// lowered so that the heap grows by at most MaxHeadroom, and never below
// 100.
func GCPercentFor(live uint64) int {
	if live == 0 || live*GCPercent/100 <= MaxHeadroom {
		return GCPercent
	}
	return max(100, int(uint64(MaxHeadroom)*100/live))
}

// gcRetuneEvery is how often the GC target follows the live heap.
const gcRetuneEvery = 500 * time.Millisecond

// MinProcs is the fewest Ps (GOMAXPROCS) llmbench runs with when the CPUs
// it may use are limited by affinity (taskset, cpusets) rather than a CPU
// quota. On one core, a GC cycle's marking otherwise runs on the VUs' only
// P, in stretches the Go scheduler does not interrupt for them; with a
// second P it runs on its own thread and the kernel interleaves it with
// the VUs' reads at a much finer grain. Measured with bench/llm.sh's load
// pinned to one core (200 streams × 20 ms ITL, 8,000 requests, a GC cycle
// mid-run): first-token error max 21 ms with 1 P, 55 µs with 2, for the
// same CPU per chunk. Under a CFS quota a second runnable thread would
// only drain the quota faster and get the process throttled, so quota-
// limited processes keep Go's choice.
const MinProcs = 2

// ProcsPerCPU and SmallMachineCPUs: on a machine (or affinity mask) of at
// most SmallMachineCPUs CPUs, llmbench runs ProcsPerCPU Ps per CPU. A GC
// mark phase takes a quarter of the Ps for its background worker and puts
// the allocating VU goroutines to assist; with as many Ps as CPUs, stream
// goroutines woken during it wait in Go's run queue, on 2 CPUs for 20–30 ms
// (bench/cmd/tracewaits on a run of bench/llm.sh ttft), longer than one
// inter-token gap, so their first token is read with the second. With
// twice the Ps the woken goroutine gets a P and the kernel interleaves the
// threads at a finer grain: 200 streams × 20 ms ITL on 2 vCPUs, first-token
// error p99.9 57–86 µs over 3 runs with 4 Ps against 13–20 ms in 2 of 5
// runs with 2 (docs/benchmarks.md). On bigger machines a quarter of the
// Ps leaves enough for the VUs, and more Ps would only add idle spinning.
const (
	ProcsPerCPU      = 2
	SmallMachineCPUs = 4
)

// TuneRuntime sets the runtime up for steady timing, each setting only
// when the environment (getenv) does not set it: GOGC to GCPercent;
// GOMEMLIMIT to three quarters of the memory the process may use (the
// machine's, or its cgroup's when lower), so that the larger heap goal gives
// way before memory runs short (a quarter is left for stacks, buffers and
// the rest of the machine; a lower limit would make the GC run back to back
// for live heaps that fit); and GOMAXPROCS to ProcsPerCPU Ps per CPU on
// small machines (at least MinProcs) unless a CPU quota limits the process
// (self-health still counts the CPUs available).
func TuneRuntime(getenv func(string) string) {
	// Go's own choice, read once: a second call must not double the Ps again.
	availableCores.CompareAndSwap(0, int64(runtime.GOMAXPROCS(0)))
	if n := int(availableCores.Load()); getenv("GOMAXPROCS") == "" && n <= SmallMachineCPUs && !cpuQuota() {
		runtime.GOMAXPROCS(max(MinProcs, n*ProcsPerCPU))
	}
	if getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
		startRetune.Do(func() { go retuneGC(gcRetuneEvery) })
	}
	if getenv("GOMEMLIMIT") == "" {
		if m := memoryAvailable(); m > 0 {
			debug.SetMemoryLimit(m / 4 * 3)
		}
	}
}

var startRetune sync.Once

// retuneGC sets the GC target to GCPercentFor the live heap every period,
// for the life of the process; only changes of more than a tenth are
// applied.
func retuneGC(period time.Duration) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	cur := GCPercent
	for range time.Tick(period) {
		metrics.Read(s)
		if s[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		if p := GCPercentFor(s[0].Value.Uint64()); p*10 < cur*9 || p*10 > cur*11 {
			debug.SetGCPercent(p)
			cur = p
		}
	}
}

// availableCores is GOMAXPROCS as Go chose it, before TuneRuntime (0: not
// tuned): the CPUs the process may use, which self-health reports.
var availableCores atomic.Int64

// cpuQuota reports whether a cgroup v2 CPU quota (cpu.max) limits the process.
func cpuQuota() bool {
	b, err := os.ReadFile("/sys/fs/cgroup/cpu.max")
	return err == nil && !strings.HasPrefix(string(b), "max")
}

// memoryAvailable is the smaller of the machine's memory (/proc/meminfo)
// and the cgroup v2 limit (memory.max); 0 when neither is known.
func memoryAvailable() int64 {
	var total int64
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					total = kb << 10
				}
			}
		}
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && v > 0 && (total == 0 || v < total) {
			total = v
		}
	}
	return total
}
