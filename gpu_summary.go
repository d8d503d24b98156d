package llm

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/llmbench/llmbench/internal/aggregate"
)

// GPUStats are one GPU's numbers over the run, computed by the sampler from
// every sample it took. JSON-ready for handleSummary's data.gpu.gpus.
type GPUStats struct {
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

// GPUSummary is the GPU section of the end-of-test summary and of
// handleSummary's data (the CLI puts it under data.gpu).
type GPUSummary struct {
	GPUs    []GPUStats `json:"gpus"`
	EnergyJ float64    `json:"energy_j"` // all GPUs
	// OutputTokens is llm_output_tokens' count, set by WithTokens.
	OutputTokens float64 `json:"output_tokens"`
	// JoulesPerOutputToken is EnergyJ / OutputTokens (0 without tokens).
	JoulesPerOutputToken float64 `json:"joules_per_output_token"`
	// OutputTokensPerJoule is OutputTokens / EnergyJ (0 without energy).
	OutputTokensPerJoule float64 `json:"output_tokens_per_joule"`
}

// record folds one sample of one GPU into its stats.
func (s *GPUSampler) record(g *gpuState, vals [numFields]float64, ok [numFields]bool, joules float64, haveJoules bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &g.stats
	st.Samples++
	if ok[fieldUtil] {
		g.util.total += vals[fieldUtil]
		g.util.n++
		st.UtilizationAvg = g.util.total / float64(g.util.n)
		st.UtilizationMax = math.Max(st.UtilizationMax, vals[fieldUtil])
	}
	if ok[fieldMemory] {
		st.MemoryPeakBytes = math.Max(st.MemoryPeakBytes, vals[fieldMemory])
	}
	if ok[fieldPower] {
		g.power.total += vals[fieldPower]
		g.power.n++
		st.PowerAvg = g.power.total / float64(g.power.n)
		st.PowerMax = math.Max(st.PowerMax, vals[fieldPower])
	}
	if ok[fieldTemperature] {
		st.TemperatureMax = math.Max(st.TemperatureMax, vals[fieldTemperature])
	}
	if ok[fieldSMClock] {
		st.SMClockMax = math.Max(st.SMClockMax, vals[fieldSMClock])
	}
	for f := fieldUtil; f < fieldEnergy; f++ {
		g.seen[f] = g.seen[f] || ok[f]
	}
	if haveJoules {
		st.EnergyJ += joules
		g.seen[fieldEnergy] = true
		st.EnergySource = "counter"
		if g.noEnergyCounter {
			st.EnergySource = "power"
		}
	}
}

// Summary returns every sampled GPU's numbers so far, and their total
// energy. Call WithTokens to add the per-token figures.
func (s *GPUSampler) Summary() GPUSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out GPUSummary
	for _, g := range s.gpus {
		st := g.stats
		st.Missing = nil
		for f := fieldUtil; f < numFields; f++ {
			if !g.seen[f] {
				st.Missing = append(st.Missing, s.m[f].Name)
			}
		}
		out.GPUs = append(out.GPUs, st)
		out.EnergyJ += st.EnergyJ
	}
	return out
}

// WithTokens returns the summary with the energy-per-token figures computed
// from the snapshot's llm_output_tokens count. A nil snapshot, or one
// without output tokens, leaves them 0.
func (g GPUSummary) WithTokens(snap *aggregate.Snapshot) GPUSummary {
	if snap == nil {
		return g
	}
	m := snap.Get("llm_output_tokens")
	if m == nil {
		return g
	}
	n, err := snap.Stat(m, "count")
	if err != nil {
		return g
	}
	return g.withOutputTokens(n)
}

func (g GPUSummary) withOutputTokens(n float64) GPUSummary {
	g.OutputTokens = n
	g.JoulesPerOutputToken, g.OutputTokensPerJoule = 0, 0
	if n > 0 && g.EnergyJ > 0 {
		g.JoulesPerOutputToken = g.EnergyJ / n
		g.OutputTokensPerJoule = n / g.EnergyJ
	}
	return g
}

// Text renders the GPU section of the end-of-test summary, in the text
// summary's layout; "" when no GPU was sampled.
func (g GPUSummary) Text() string {
	if len(g.GPUs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("  █ GPU \n\n")
	for _, st := range g.GPUs {
		fmt.Fprintf(&b, "    gpu %d: %s (%s)\n", st.Index, st.Name, st.UUID)
		line := func(k, v string) {
			fmt.Fprintf(&b, "      %s%s: %s\n", k, strings.Repeat(".", max(2, 22-len(k))), v)
		}
		stat := func(k, metric, v string) {
			if slices.Contains(st.Missing, metric) {
				v = "n/a"
			}
			line(k, v)
		}
		stat("utilization", MetricGPUUtilization, fmt.Sprintf("avg=%s max=%s", pct(st.UtilizationAvg), pct(st.UtilizationMax)))
		mem := "peak=" + bytesText(st.MemoryPeakBytes)
		if st.MemoryTotalBytes > 0 {
			mem += " of " + bytesText(float64(st.MemoryTotalBytes))
		}
		stat("memory", MetricGPUMemoryUsed, mem)
		stat("power", MetricGPUPower, fmt.Sprintf("avg=%.1fW max=%.1fW", st.PowerAvg, st.PowerMax))
		stat("temperature", MetricGPUTemperature, fmt.Sprintf("max=%.0f°C", st.TemperatureMax))
		stat("sm_clock", MetricGPUSMClock, fmt.Sprintf("max=%.0fMHz", st.SMClockMax))
		e := joulesText(st.EnergyJ)
		if st.EnergySource == "power" {
			e += " (estimated from power × time)"
		}
		stat("energy", MetricGPUEnergy, e)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "    energy.........................: %s on %d GPU(s)\n", joulesText(g.EnergyJ), len(g.GPUs))
	if g.JoulesPerOutputToken > 0 {
		fmt.Fprintf(&b, "    energy_per_output_token........: %.4g J/token\n", g.JoulesPerOutputToken)
		fmt.Fprintf(&b, "    output_tokens_per_joule........: %.4g tokens/J\n", g.OutputTokensPerJoule)
	} else {
		b.WriteString("    energy_per_output_token........: n/a (no output tokens or no energy measured)\n")
	}
	return b.String()
}

func pct(v float64) string { return fmt.Sprintf("%.1f%%", v) }

// bytesText prints bytes in k6's decimal units (kB, MB, GB).
func bytesText(v float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	i := 0
	for v >= 1000 && i < len(units)-1 {
		v /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f %s", v, units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

func joulesText(j float64) string {
	switch {
	case j >= 1e6:
		return fmt.Sprintf("%.2f MJ", j/1e6)
	case j >= 1e3:
		return fmt.Sprintf("%.2f kJ", j/1e3)
	}
	return fmt.Sprintf("%.1f J", j)
}
