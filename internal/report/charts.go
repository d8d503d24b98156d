package report

import (
	"html/template"
	"math"
	"slices"
)

// cdfSteps is the number of quantiles drawn per distribution.
const cdfSteps = 100

// figure is one chart of the page: its SVG for HTML and its data for the
// PDF (chart for line charts, bars for bar charts).
type figure struct {
	SVG  template.HTML
	Note string

	chart *chart
	bars  *barChart
}

// barChart is a bar chart's description.
type barChart struct {
	Title, YLabel string
	Bars          []bar
}

// figures builds the page's charts from the runs; the GPU charts only when
// a run has GPU samples, and the comparison charts only for several runs.
func (rep *Report) figures() []figure {
	var figs []figure
	add := func(c *chart, note string) { figs = append(figs, figure{SVG: c.svg(), Note: note, chart: c}) }
	addBars := func(id string, b *barChart) {
		figs = append(figs, figure{SVG: barSVG(id, b.Title, b.YLabel, b.Bars), bars: b})
	}
	add(rep.cdf("cdf-ttft", "TTFT distribution (CDF)", "ttft", "TTFT (ms)"), "")
	add(rep.cdf("cdf-e2e", "E2E latency distribution (CDF)", "e2e", "E2E request duration (ms)"), "")
	add(rep.overTime("ttft-time", "TTFT over time: p50 dashed, p95 solid", "TTFT (ms)", func(b *bucket, _ float64) (float64, float64) {
		return pOrNaN(b.ttft, 0.5), pOrNaN(b.ttft, 0.95)
	}), "")
	add(rep.overTime("itl-time", "ITL over time: p50 dashed, p95 solid", "ITL (ms)", func(b *bucket, _ float64) (float64, float64) {
		return pOrNaN(b.itl, 0.5), pOrNaN(b.itl, 0.95)
	}), "")
	add(rep.overTime("tokens-time", "Output tokens/s over time", "output tokens/s", func(b *bucket, w float64) (float64, float64) {
		return math.NaN(), b.outTokens / w
	}), "")
	add(rep.overTime("inflight-time", "In-flight requests (solid) and VUs (dashed) over time", "requests / VUs", func(b *bucket, w float64) (float64, float64) {
		vus := math.NaN()
		if b.vusN > 0 {
			vus = b.vusSum / float64(b.vusN)
		}
		return vus, b.busy / w
	}), "In-flight requests are the time successful requests spent in flight per second of the bucket.")
	if slices.ContainsFunc(rep.runs, func(r *Run) bool { return r.hasGPU }) {
		add(rep.overTime("gpu-util-time", "GPU utilization over time (mean of GPUs)", "utilization (%)", func(b *bucket, _ float64) (float64, float64) {
			return math.NaN(), gpuMean(b.gpuUtil, false)
		}), "")
		add(rep.overTime("gpu-power-time", "GPU power over time (sum of GPUs)", "power (W)", func(b *bucket, _ float64) (float64, float64) {
			return math.NaN(), gpuMean(b.gpuPower, true)
		}), "")
	}
	if len(rep.Runs) > 1 {
		var p95, tps []bar
		for i, rt := range rep.Runs {
			p95 = append(p95, bar{rt.Name, color(i), rt.Latency["ttft"].P95})
			tps = append(tps, bar{rt.Name, color(i), rt.OutputTokensPS})
		}
		addBars("bar-ttft-p95", &barChart{"TTFT p95 by run", "TTFT p95 (ms)", p95})
		addBars("bar-tokens", &barChart{"Output tokens/s by run", "output tokens/s", tps})
		add(rep.latencyThroughput(), "Runs ordered by throughput, one point per run (load level).")
	}
	return figs
}

func pOrNaN(s interface {
	Empty() bool
	P(float64) float64
}, q float64) float64 {
	if s.Empty() {
		return math.NaN()
	}
	return s.P(q)
}

// gpuMean is the mean over GPUs of each GPU's mean, or their sum.
func gpuMean(m map[string]*mean, sum bool) float64 {
	if len(m) == 0 {
		return math.NaN()
	}
	t := 0.0
	for _, v := range m {
		t += v.value()
	}
	if sum {
		return t
	}
	return t / float64(len(m))
}

// cdf overlays the distribution of one latency metric of every run.
func (rep *Report) cdf(id, title, key, xLabel string) *chart {
	c := &chart{ID: id, Title: title, XLabel: xLabel, YLabel: "fraction of requests", YMin0: true, YMax: 1}
	for i, r := range rep.runs {
		s := r.total().latency[key]
		se := series{Name: r.Name, Color: color(i)}
		if !s.Empty() {
			for k := 0; k <= cdfSteps; k++ {
				q := float64(k) / cdfSteps
				se.Points = append(se.Points, xy{s.P(q), q})
			}
		}
		c.Series = append(c.Series, se)
	}
	return c
}

// overTime draws, per run, one or two values per time bucket against the
// seconds since the run's start: the first dashed (NaN → not drawn), the
// second solid.
func (rep *Report) overTime(id, title, yLabel string, val func(b *bucket, width float64) (dashed, solid float64)) *chart {
	c := &chart{ID: id, Title: title, XLabel: "seconds since the run's start", YLabel: yLabel, YMin0: true}
	for i, r := range rep.runs {
		if r.tl == nil {
			continue
		}
		w := r.tl.width.Seconds()
		solid := series{Name: r.Name, Color: color(i)}
		dashed := series{Color: color(i), Dash: true}
		end := r.last.Sub(r.tl.start).Seconds()
		for j, b := range r.tl.buckets {
			x := (float64(j) + 0.5) * w
			// The last bucket covers only up to the last sample: rates
			// use that time, and a sliver of a bucket is left out.
			covered := math.Min(w, end-float64(j)*w)
			if b == nil || covered < w/10 {
				solid.Points = append(solid.Points, xy{x, math.NaN()})
				dashed.Points = append(dashed.Points, xy{x, math.NaN()})
				continue
			}
			d, s := val(b, covered)
			solid.Points = append(solid.Points, xy{x, s})
			dashed.Points = append(dashed.Points, xy{x, d})
		}
		for _, se := range []series{solid, dashed} {
			if slices.ContainsFunc(se.Points, func(p xy) bool { return finite(p.Y) }) {
				c.Series = append(c.Series, se)
			}
		}
	}
	return c
}

// latencyThroughput is the latency–throughput curve across runs: TTFT p95
// and E2E p95 against output tokens/s, runs sorted by throughput.
func (rep *Report) latencyThroughput() *chart {
	idx := make([]int, len(rep.Runs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmpFloat(rep.Runs[a].OutputTokensPS, rep.Runs[b].OutputTokensPS)
	})
	ttft := series{Name: "TTFT p95", Color: "#0f172a", Marks: true}
	e2e := series{Name: "E2E p95", Color: "#64748b", Marks: true, Dash: true}
	for _, i := range idx {
		rt := rep.Runs[i]
		ttft.Points = append(ttft.Points, xy{rt.OutputTokensPS, rt.Latency["ttft"].P95})
		ttft.Labels = append(ttft.Labels, rt.Name)
		e2e.Points = append(e2e.Points, xy{rt.OutputTokensPS, rt.Latency["e2e"].P95})
		e2e.Labels = append(e2e.Labels, "")
	}
	c := &chart{ID: "latency-throughput", Title: "Latency–throughput across runs", XLabel: "output tokens/s",
		YLabel: "p95 latency (ms)", YMin0: true, Series: []series{ttft, e2e}}
	return c
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
