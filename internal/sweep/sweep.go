// Package sweep holds the pure parts of `llmbench sweep` (GuideLLM's sweep
// profile, done with k6 executors): the stage plan, the figures kept per
// stage, the knee and the highest rate meeting the SLOs, and the written
// report (JSON, Markdown and an SVG latency–throughput curve). Running the
// stages is the CLI's job.
package sweep

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Stage kinds.
const (
	Synchronous = "synchronous" // one VU, closed loop: the unloaded latency
	Throughput  = "throughput"  // many VUs, closed loop: the maximum rate
	Constant    = "constant"    // constant-arrival-rate at Rate
)

// Stage is one run of the sweep and what it measured.
type Stage struct {
	Kind string  `json:"kind"`
	Rate float64 `json:"rate,omitempty"` // requested starts per second (constant)
	VUs  int64   `json:"vus"`
	// The figures, from the run's summary: requests and output tokens
	// per second of the stage's duration (requests finishing in the
	// gracefulStop tail count too), latencies in ms, the failed fraction
	// and dropped starts.
	RequestsPerSec  float64 `json:"requests_per_sec"`
	OutputTokensSec float64 `json:"output_tokens_per_sec"`
	TTFTp50         float64 `json:"ttft_p50_ms"`
	TTFTp99         float64 `json:"ttft_p99_ms"`
	E2Ep50          float64 `json:"e2e_p50_ms"`
	E2Ep99          float64 `json:"e2e_p99_ms"`
	Failed          float64 `json:"failed_rate"`
	Dropped         float64 `json:"dropped_iterations"`
	// ThresholdsOK is false when a threshold of the script failed.
	ThresholdsOK bool `json:"thresholds_ok"`
	// Dir is where the run's results were kept.
	Dir string `json:"dir,omitempty"`
}

// Name labels the stage: "synchronous", "throughput" or "12.5/s".
func (s Stage) Name() string {
	if s.Kind == Constant {
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", s.Rate), "0"), ".") + "/s"
	}
	return s.Kind
}

// Rates returns n rates spaced evenly strictly between lo and hi (the
// synchronous and throughput runs' achieved rates), as GuideLLM's sweep:
// lo + (hi−lo)·i/(n+1), i = 1…n. hi ≤ lo gives n rates spread below hi.
func Rates(lo, hi float64, n int) []float64 {
	if n <= 0 {
		return nil
	}
	if hi <= lo {
		lo = 0
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i+1)/float64(n+1)
	}
	return out
}

// Knee returns the index of the stage with the highest power
// (throughput ÷ median E2E latency, Kleinrock's operating point: past it,
// latency grows faster than throughput), or −1 with no usable stage.
func Knee(stages []Stage) int {
	best, at := 0.0, -1
	for i, s := range stages {
		if s.E2Ep50 <= 0 || s.RequestsPerSec <= 0 {
			continue
		}
		if p := s.RequestsPerSec / s.E2Ep50; p > best {
			best, at = p, i
		}
	}
	return at
}

// BestRate returns the index of the constant-rate stage with the highest
// requested rate whose thresholds all held, or −1.
func BestRate(stages []Stage) int {
	at := -1
	for i, s := range stages {
		if s.Kind == Constant && s.ThresholdsOK && (at < 0 || s.Rate > stages[at].Rate) {
			at = i
		}
	}
	return at
}

// Result is the whole sweep, as sweep.json holds it.
type Result struct {
	Script string  `json:"script"`
	Stages []Stage `json:"stages"`
	// Knee and Best index Stages (−1: none).
	Knee int `json:"knee"`
	Best int `json:"best"`
}

// NewResult computes the knee and the best rate of stages.
func NewResult(script string, stages []Stage) Result {
	return Result{Script: script, Stages: stages, Knee: Knee(stages), Best: BestRate(stages)}
}

// JSON returns the indented sweep.json.
func (r Result) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// Markdown returns the sweep's table and conclusions.
func (r Result) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Sweep of %s\n\n", r.Script)
	b.WriteString("| stage | VUs | req/s | output tok/s | TTFT p50 | TTFT p99 | E2E p50 | E2E p99 | failed | dropped | thresholds |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for i, s := range r.Stages {
		mark := ""
		if i == r.Knee {
			mark += " (knee)"
		}
		if i == r.Best {
			mark += " (best)"
		}
		ok := "pass"
		if !s.ThresholdsOK {
			ok = "FAIL"
		}
		fmt.Fprintf(&b, "| %s%s | %d | %.2f | %.1f | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.2f%% | %.0f | %s |\n",
			s.Name(), mark, s.VUs, s.RequestsPerSec, s.OutputTokensSec, s.TTFTp50, s.TTFTp99, s.E2Ep50, s.E2Ep99, 100*s.Failed, s.Dropped, ok)
	}
	b.WriteString("\n")
	if r.Knee >= 0 {
		k := r.Stages[r.Knee]
		fmt.Fprintf(&b, "Knee: %s — %.2f req/s at E2E p50 %.1f ms (the highest throughput ÷ latency).\n", k.Name(), k.RequestsPerSec, k.E2Ep50)
	}
	if r.Best >= 0 {
		s := r.Stages[r.Best]
		fmt.Fprintf(&b, "Highest rate meeting the script's thresholds: %s (%.2f req/s achieved).\n", s.Name(), s.RequestsPerSec)
	} else {
		b.WriteString("No constant-rate stage met the script's thresholds.\n")
	}
	for _, s := range r.Stages {
		if s.Kind == Throughput {
			fmt.Fprintf(&b, "Maximum throughput (closed loop, %d VUs): %.2f req/s.\n", s.VUs, s.RequestsPerSec)
		}
	}
	return b.String()
}

// SVG returns the latency–throughput curve: achieved requests per second
// (x) against TTFT and E2E p50 (y, ms), one point per stage in the order
// of throughput, the knee circled.
func (r Result) SVG() string {
	const w, h, left, bottom, top, right = 720.0, 420.0, 70.0, 50.0, 30.0, 20.0
	pts := slices.Clone(r.Stages)
	slices.SortStableFunc(pts, func(a, b Stage) int { return cmpF(a.RequestsPerSec, b.RequestsPerSec) })
	var xmax, ymax float64
	for _, s := range pts {
		xmax = math.Max(xmax, s.RequestsPerSec)
		ymax = math.Max(ymax, math.Max(s.E2Ep50, s.TTFTp50))
	}
	xmax, ymax = niceMax(xmax), niceMax(ymax)
	x := func(v float64) float64 { return left + (w-left-right)*v/xmax }
	y := func(v float64) float64 { return h - bottom - (h-bottom-top)*v/ymax }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g" font-family="sans-serif" font-size="12">`, w, h, w, h)
	fmt.Fprintf(&b, `<rect width="%g" height="%g" fill="white"/>`, w, h)
	fmt.Fprintf(&b, `<text x="%g" y="18" font-size="14">Latency vs throughput</text>`, left)
	for i := 0; i <= 4; i++ {
		fx, fy := xmax*float64(i)/4, ymax*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, x(0), y(fy), x(xmax), y(fy))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%g</text>`, left-6, y(fy)+4, fy)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%g</text>`, x(fx), h-bottom+18, fx)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">requests/s achieved</text>`, (left+w-right)/2, h-12)
	fmt.Fprintf(&b, `<text transform="translate(16 %.1f) rotate(-90)" text-anchor="middle">latency p50 (ms)</text>`, (top+h-bottom)/2)
	line := func(val func(Stage) float64, color, label string, ly float64) {
		var d []string
		for _, s := range pts {
			d = append(d, fmt.Sprintf("%.1f,%.1f", x(s.RequestsPerSec), y(val(s))))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, color, strings.Join(d, " "))
		for _, s := range pts {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, x(s.RequestsPerSec), y(val(s)), color)
		}
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="12" height="3" fill="%s"/><text x="%g" y="%g">%s</text>`, w-170, ly-4, color, w-152, ly, label)
	}
	line(func(s Stage) float64 { return s.E2Ep50 }, "#1f77b4", "E2E p50", top+10)
	line(func(s Stage) float64 { return s.TTFTp50 }, "#ff7f0e", "TTFT p50", top+26)
	if r.Knee >= 0 {
		k := r.Stages[r.Knee]
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="8" fill="none" stroke="#d62728" stroke-width="2"/><text x="%.1f" y="%.1f" fill="#d62728">knee</text>`,
			x(k.RequestsPerSec), y(k.E2Ep50), x(k.RequestsPerSec)+10, y(k.E2Ep50)-10)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// niceMax rounds v up to 1, 2 or 5 times a power of ten (1 for v ≤ 0).
func niceMax(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
