package selfhealth

import (
	"fmt"
	"strings"

	"github.com/llmbench/llmbench/internal/metrics"
)

// Summary is the generator's health over the test (handleSummary's
// data.client). Times are in milliseconds; the latency and pause figures
// are bucket upper bounds of the runtime's histograms (within ~15%).
type Summary struct {
	// Cores is GOMAXPROCS: the CPUs the process may use.
	Cores       int     `json:"cores"`
	WallSeconds float64 `json:"wall_seconds"`
	// CPUSeconds is user + system CPU time; CPUCores = CPUSeconds /
	// WallSeconds; CPUUtilization = CPUCores / Cores; CPUPeakCores is the
	// busiest sampling interval.
	CPUSeconds     float64 `json:"cpu_seconds"`
	CPUCores       float64 `json:"cpu_cores"`
	CPUUtilization float64 `json:"cpu_utilization"`
	CPUPeakCores   float64 `json:"cpu_peak_cores"`
	// GCCycles completed; GCPauses stop-the-world pauses, their total and
	// longest.
	GCCycles       uint64  `json:"gc_cycles"`
	GCPauses       uint64  `json:"gc_pauses"`
	GCPauseTotalMs float64 `json:"gc_pause_total_ms"`
	GCPauseMaxMs   float64 `json:"gc_pause_max_ms"`
	// GOGC and MemoryLimitBytes are the GC settings in force (see TuneRuntime);
	// GOGC -1 means off, MemoryLimitBytes 0 no limit.
	GOGC             int64 `json:"gogc"`
	MemoryLimitBytes int64 `json:"memory_limit_bytes"`
	// CPUSteal is the share of the machine's CPU time the hypervisor took
	// during the test (Linux /proc/stat "steal"; 0 elsewhere or on bare
	// metal): time the VM's vCPUs, and so every timestamp, stood still.
	CPUSteal float64 `json:"cpu_steal"`
	// SchedLatency is how long goroutines waited to run once runnable.
	SchedLatency Latency `json:"sched_latency"`
	// MaxRSSBytes is the process's peak resident set (0 when unknown).
	MaxRSSBytes int64 `json:"max_rss_bytes"`
	// Saturated lists why the generator looks saturated; empty when healthy.
	Saturated []string `json:"saturated"`
}

// Latency is a distribution summary in milliseconds.
type Latency struct {
	Samples uint64  `json:"samples"`
	P50Ms   float64 `json:"p50_ms"`
	P99Ms   float64 `json:"p99_ms"`
	MaxMs   float64 `json:"max_ms"`
}

// Runs too short to judge: under a second of test, or fewer scheduler
// latency samples than make a p99 meaningful.
const (
	minWallSeconds  = 1
	minSchedSamples = 200
)

func (s Summary) reasons() []string {
	why := []string{}
	if s.Cores > 0 && s.CPUUtilization >= CPULimit && s.WallSeconds >= minWallSeconds {
		why = append(why, fmt.Sprintf("client CPU %.1f of %d cores (%.0f%%)", s.CPUCores, s.Cores, 100*s.CPUUtilization))
	}
	limit := metrics.D(SchedLatencyLimit)
	if s.SchedLatency.P99Ms > limit && s.SchedLatency.Samples >= minSchedSamples {
		why = append(why, fmt.Sprintf("Go scheduler latency p(99)=%s > %s", ms(s.SchedLatency.P99Ms), ms(limit)))
	}
	if s.CPUSteal > StealLimit && s.WallSeconds >= minWallSeconds {
		why = append(why, fmt.Sprintf("hypervisor took %.0f%% of the machine's CPU (steal)", 100*s.CPUSteal))
	}
	return why
}

// Text is the CLIENT section of the text summary.
func (s Summary) Text() string {
	var b strings.Builder
	b.WriteString("  █ CLIENT (load generator self-health)\n\n")
	row := func(k, v string) {
		fmt.Fprintf(&b, "    %s%s: %s\n", k, strings.Repeat(".", max(2, 26-len(k))), v)
	}
	cpu := fmt.Sprintf("%.2f of %d cores (%.0f%%), peak %.2f", s.CPUCores, s.Cores, 100*s.CPUUtilization, s.CPUPeakCores)
	if s.CPUSteal >= 0.005 {
		cpu += fmt.Sprintf(", steal %.0f%%", 100*s.CPUSteal)
	}
	row("cpu", cpu)
	row("gc", fmt.Sprintf("%d cycles, %d pauses, total %s, max %s (GOGC=%d)", s.GCCycles, s.GCPauses, ms(s.GCPauseTotalMs), ms(s.GCPauseMaxMs), s.GOGC))
	row("sched_latency", fmt.Sprintf("p(50)=%s p(99)=%s max=%s", ms(s.SchedLatency.P50Ms), ms(s.SchedLatency.P99Ms), ms(s.SchedLatency.MaxMs)))
	if s.MaxRSSBytes > 0 {
		row("max_rss", fmt.Sprintf("%.1f MB", float64(s.MaxRSSBytes)/1e6))
	}
	return b.String()
}

// ms formats milliseconds the way the summary does: µs below 1ms, ms
// below 1s, then s.
func ms(v float64) string {
	switch {
	case v < 1:
		return fmt.Sprintf("%.0fµs", v*1e3)
	case v < 1000:
		return fmt.Sprintf("%.2fms", v)
	default:
		return fmt.Sprintf("%.2fs", v/1e3)
	}
}
