package llm

import (
	"math"

	"github.com/llmbench/llmbench/internal/gpustat"
)

// GPUStats are one GPU's numbers over the run (internal/gpustat), computed
// by the sampler from every sample it took.
type GPUStats = gpustat.Stats

// GPUSummary is the GPU section of the end-of-test summary and of
// handleSummary's data (internal/gpustat). The CLI adds the per-token
// figures with WithTokens and renders it with internal/summary.
type GPUSummary = gpustat.Summary

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
// energy. Its WithTokens adds the per-token figures.
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
