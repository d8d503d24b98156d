// Package gpustat is what the engine knows of GPU sampling: the gpu_*
// metric names, the Source and Sampler contract, and what a run measured as
// plain data (each GPU's Stats, the summary section Summary, the one-shot
// Reading of `llmbench gpu`).
//
// The root package's NVML sampler implements Source (llm.GPUSource) and
// cmd/llmbench hands it to cli.Main; internal/summary renders the data as
// text and the CLI puts Summary in handleSummary's data.gpu. So the engine
// never imports the root package, and the root needs nothing of the engine
// but this package and internal/metrics (its only import).
package gpustat

import (
	"log/slog"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// DefaultInterval is how often GPUs are sampled unless told otherwise.
const DefaultInterval = time.Second

// Source is GPU sampling as the CLI uses it.
type Source interface {
	// Register adds the gpu_* metrics to reg, so that thresholds may name
	// them on machines where sampling is off.
	Register(reg *metrics.Registry) error
	// Open prepares sampling of the GPUs that o.Selection names ("all",
	// "none" or indexes such as "0,1"). With nothing to sample it returns
	// a nil Sampler and why, a line for the log. The error is for an
	// invalid selection or interval.
	Open(o Options) (Sampler, string, error)
	// List reads the selected GPUs once. With none to read it returns why.
	// The error is for an invalid selection.
	List(selection string) ([]Reading, string, error)
}

// Options configure Source.Open.
type Options struct {
	Selection string
	Interval  time.Duration // DefaultInterval when 0
	Registry  *metrics.Registry
	Log       *slog.Logger
}

// Sampler samples GPUs while the test runs (metrics.Source) and sums the
// run up.
type Sampler interface {
	metrics.Source
	// Summary is every sampled GPU's numbers so far, without the per-token
	// figures (see Summary.WithTokens).
	Summary() Summary
}

// The GPU metric names (SPEC §6).
const (
	MetricUtilization = "gpu_utilization" // Gauge, percent of time a kernel ran
	MetricMemoryUsed  = "gpu_memory_used" // Gauge (data), bytes
	MetricPower       = "gpu_power"       // Gauge, watts
	MetricTemperature = "gpu_temperature" // Gauge, °C
	MetricSMClock     = "gpu_sm_clock"    // Gauge, MHz
	MetricEnergy      = "gpu_energy"      // Counter, joules used since the previous sample
)

// Stats are one GPU's numbers over the run, computed by the sampler from
// every sample it took. JSON-ready for handleSummary's data.gpu.gpus.
type Stats struct {
	Index            int     `json:"index"`
	Name             string  `json:"name"`
	UUID             string  `json:"uuid"`
	Samples          int     `json:"samples"`
	UtilizationAvg   float64 `json:"utilization_avg"`    // percent
	UtilizationMax   float64 `json:"utilization_max"`    // percent
	MemoryPeakBytes  float64 `json:"memory_peak_bytes"`  // bytes
	MemoryTotalBytes uint64  `json:"memory_total_bytes"` // bytes; 0 if unknown
	PowerAvg         float64 `json:"power_avg_w"`        // watts
	PowerMax         float64 `json:"power_max_w"`        // watts
	TemperatureMax   float64 `json:"temperature_max_c"`  // °C
	SMClockMax       float64 `json:"sm_clock_max_mhz"`   // MHz
	EnergyJ          float64 `json:"energy_j"`           // joules used during the run
	// EnergySource is "counter" (NVML total-energy counter deltas), "power"
	// (power × time, for GPUs without the counter) or "" (no energy).
	EnergySource string `json:"energy_source"`
	// Missing lists the gpu_* metrics this GPU never gave (not supported or
	// failing); their numbers above are 0.
	Missing []string `json:"missing,omitempty"`
}

// Summary is the GPU section of the end-of-test summary and of
// handleSummary's data (the CLI puts it under data.gpu).
type Summary struct {
	GPUs    []Stats `json:"gpus"`
	EnergyJ float64 `json:"energy_j"` // all GPUs
	// OutputTokens is llm_output_tokens' count, set by WithTokens.
	OutputTokens float64 `json:"output_tokens"`
	// JoulesPerOutputToken is EnergyJ / OutputTokens (0 without tokens).
	JoulesPerOutputToken float64 `json:"joules_per_output_token"`
	// OutputTokensPerJoule is OutputTokens / EnergyJ (0 without energy).
	OutputTokensPerJoule float64 `json:"output_tokens_per_joule"`
}

// WithTokens returns the summary with the energy-per-token figures for n
// output tokens (llm_output_tokens' count). Without tokens or without
// energy the ratios are 0.
func (g Summary) WithTokens(n float64) Summary {
	g.OutputTokens = n
	g.JoulesPerOutputToken, g.OutputTokensPerJoule = 0, 0
	if n > 0 && g.EnergyJ > 0 {
		g.JoulesPerOutputToken = g.EnergyJ / n
		g.OutputTokensPerJoule = n / g.EnergyJ
	}
	return g
}

// Reading is one GPU read once, for `llmbench gpu`.
type Reading struct {
	Index            int
	Name             string
	UUID             string
	MemoryTotalBytes uint64 // 0 if unknown
	// Fields are the gpu_* quantities in metric order (utilization, memory,
	// power, temperature, SM clock, energy).
	Fields []Field
}

// Field is one quantity of a Reading: its value in the metric's unit, or
// why there is none. For MetricEnergy the value is NVML's total-energy
// counter in joules (since the driver loaded), not a delta.
type Field struct {
	Metric       string
	Value        float64
	NotSupported bool   // the GPU does not have it
	Err          string // the read failed: why
}
