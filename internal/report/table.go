package report

import (
	"math"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// Report is the computed tables of one or more runs: the ".json" output,
// and what the Markdown and HTML writers render.
type Report struct {
	Generated time.Time  `json:"generated"`
	Runs      []RunTable `json:"runs"`
	runs      []*Run
}

// RunTable is one run's row, with its totals and one row per group.
type RunTable struct {
	Name     string    `json:"name"`
	Source   string    `json:"source"`
	Start    time.Time `json:"start"`
	Duration float64   `json:"duration_s"`
	Row
	Groups []Row `json:"groups"`
	// EnergyJ is the GPU energy used (gpu_energy), when sampled.
	EnergyJ *float64 `json:"gpu_energy_j,omitempty"`
	// EnergyPerToken is EnergyJ over the output tokens, in joules.
	EnergyPerToken *float64 `json:"gpu_energy_per_token_j,omitempty"`
}

// Row is the numbers of a run or of one of its groups.
type Row struct {
	GroupKey
	Requests       float64 `json:"requests"`
	Failed         int64   `json:"failed"`
	SuccessRate    float64 `json:"success_rate"`
	InputTokens    float64 `json:"input_tokens"`
	OutputTokens   float64 `json:"output_tokens"`
	OutputTokensPS float64 `json:"output_tokens_per_s"`
	// Goodput is the share of requests within the SLO (llm_goodput), when set.
	Goodput *float64         `json:"goodput,omitempty"`
	Latency map[string]Stats `json:"latency_ms"`
}

// Stats summarises one latency distribution, in milliseconds.
type Stats struct {
	Count  int64   `json:"count"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	P95    float64 `json:"p95"`
	P99    float64 `json:"p99"`
}

func statsOf(s *metrics.TrendSink) Stats {
	if s.Empty() {
		return Stats{}
	}
	return Stats{Count: s.Count, Mean: round6(s.Avg()), Median: round6(s.P(0.5)), P90: round6(s.P(0.9)),
		P95: round6(s.P(0.95)), P99: round6(s.P(0.99))}
}

// round6 keeps a latency to the nanosecond (6 decimals of a millisecond).
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// Build computes the tables of runs.
func Build(runs []*Run, now time.Time) *Report {
	rep := &Report{Generated: now, runs: runs}
	for _, r := range runs {
		secs := r.Duration().Seconds()
		rt := RunTable{Name: r.Name, Source: r.Source, Start: r.Start(), Duration: secs}
		r.settle()
		tot := r.total()
		rt.Row = rowOf(tot, r.common(), secs)
		if len(r.order) > 1 {
			for _, k := range r.order {
				rt.Groups = append(rt.Groups, rowOf(r.groups[k], k, secs))
			}
		}
		if r.hasEnergy {
			e := r.energy
			rt.EnergyJ = &e
			if tot.outTokens > 0 {
				per := e / tot.outTokens
				rt.EnergyPerToken = &per
			}
		}
		rep.Runs = append(rep.Runs, rt)
	}
	return rep
}

func rowOf(g *group, k GroupKey, secs float64) Row {
	row := Row{
		GroupKey:     k,
		Requests:     g.requests,
		Failed:       g.failed.Trues,
		InputTokens:  g.inTokens,
		OutputTokens: g.outTokens,
		Latency:      map[string]Stats{},
	}
	if g.failed.Total > 0 {
		row.SuccessRate = 1 - float64(g.failed.Trues)/float64(g.failed.Total)
	}
	if secs > 0 {
		row.OutputTokensPS = g.outTokens / secs
	}
	if g.goodput.Total > 0 {
		v := float64(g.goodput.Trues) / float64(g.goodput.Total)
		row.Goodput = &v
	}
	for _, m := range latencyMetrics {
		row.Latency[m.Key] = statsOf(g.latency[m.Key])
	}
	return row
}

// label names a row's group, "all" when nothing names it.
func (k GroupKey) label() string {
	s := ""
	for _, p := range []string{k.Workload, k.Model, k.Target} {
		if p == "" {
			continue
		}
		if s != "" {
			s += " · "
		}
		s += p
	}
	if s == "" {
		return "all"
	}
	return s
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
