package summary

import (
	"fmt"
	"slices"
	"strings"

	"github.com/llmbench/llmbench/internal/gpustat"
)

// GPUText renders the GPU section of the end-of-test summary, in the text
// summary's layout; "" when no GPU was sampled. Bytes are in k6's decimal
// units, as in the rest of the summary.
func GPUText(g gpustat.Summary) string {
	if len(g.GPUs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("  █ GPU \n\n")
	for _, st := range g.GPUs {
		fmt.Fprintf(&b, "    gpu %d: %s (%s)\n", st.Index, st.Name, st.UUID)
		stat := func(k, metric, v string) {
			if slices.Contains(st.Missing, metric) {
				v = "n/a"
			}
			fmt.Fprintf(&b, "      %s%s: %s\n", k, strings.Repeat(".", max(2, 22-len(k))), v)
		}
		stat("utilization", gpustat.MetricUtilization, fmt.Sprintf("avg=%s max=%s", pct(st.UtilizationAvg), pct(st.UtilizationMax)))
		mem := "peak=" + humanizeBytes(st.MemoryPeakBytes)
		if st.MemoryTotalBytes > 0 {
			mem += " of " + humanizeBytes(float64(st.MemoryTotalBytes))
		}
		stat("memory", gpustat.MetricMemoryUsed, mem)
		stat("power", gpustat.MetricPower, fmt.Sprintf("avg=%.1fW max=%.1fW", st.PowerAvg, st.PowerMax))
		stat("temperature", gpustat.MetricTemperature, fmt.Sprintf("max=%.0f°C", st.TemperatureMax))
		stat("sm_clock", gpustat.MetricSMClock, fmt.Sprintf("max=%.0fMHz", st.SMClockMax))
		e := joules(st.EnergyJ)
		if st.EnergySource == "power" {
			e += " (estimated from power × time)"
		}
		stat("energy", gpustat.MetricEnergy, e)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "    energy.........................: %s on %d GPU(s)\n", joules(g.EnergyJ), len(g.GPUs))
	if g.JoulesPerOutputToken > 0 {
		fmt.Fprintf(&b, "    energy_per_output_token........: %.4g J/token\n", g.JoulesPerOutputToken)
		fmt.Fprintf(&b, "    output_tokens_per_joule........: %.4g tokens/J\n", g.OutputTokensPerJoule)
	} else {
		b.WriteString("    energy_per_output_token........: n/a (no output tokens or no energy measured)\n")
	}
	return b.String()
}

// GPUList renders `llmbench gpu`: one line per GPU read once.
func GPUList(rs []gpustat.Reading) []string {
	lines := make([]string, 0, len(rs))
	for _, r := range rs {
		parts := make([]string, 0, len(r.Fields))
		for _, f := range r.Fields {
			label, value := gpuField(f, r.MemoryTotalBytes)
			switch {
			case f.NotSupported:
				value = "not supported"
			case f.Err != "":
				value = "error (" + f.Err + ")"
			}
			parts = append(parts, label+" "+value)
		}
		lines = append(lines, fmt.Sprintf("GPU %d: %s (%s): %s", r.Index, r.Name, r.UUID, strings.Join(parts, ", ")))
	}
	return lines
}

// gpuField is a listing's label and value text for one field.
func gpuField(f gpustat.Field, memTotal uint64) (label, value string) {
	switch f.Metric {
	case gpustat.MetricUtilization:
		return "utilization", fmt.Sprintf("%.0f%%", f.Value)
	case gpustat.MetricMemoryUsed:
		v := humanizeBytes(f.Value)
		if memTotal > 0 {
			v += " of " + humanizeBytes(float64(memTotal))
		}
		return "memory used", v
	case gpustat.MetricPower:
		return "power", fmt.Sprintf("%.1f W", f.Value)
	case gpustat.MetricTemperature:
		return "temperature", fmt.Sprintf("%.0f °C", f.Value)
	case gpustat.MetricSMClock:
		return "SM clock", fmt.Sprintf("%.0f MHz", f.Value)
	case gpustat.MetricEnergy:
		return "energy counter", joules(f.Value)
	}
	return f.Metric, fixedNoZeros(f.Value, 6)
}

func pct(v float64) string { return fmt.Sprintf("%.1f%%", v) }

// joules prints energy in J, kJ or MJ.
func joules(j float64) string {
	switch {
	case j >= 1e6:
		return fmt.Sprintf("%.2f MJ", j/1e6)
	case j >= 1e3:
		return fmt.Sprintf("%.2f kJ", j/1e3)
	}
	return fmt.Sprintf("%.1f J", j)
}
