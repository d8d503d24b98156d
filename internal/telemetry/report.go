package telemetry

import (
	"fmt"
	"math"
	"strings"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/redact"
)

// TargetStats are one endpoint's scrape counts.
type TargetStats struct {
	URL        string `json:"url"`
	Scrapes    int    `json:"scrapes"`
	Failures   int    `json:"failures"`
	FirstError string `json:"first_error,omitempty"`
	// NonFinite counts the NaN and ±Inf values the endpoint served; they
	// are skipped (no sample, no stat), never written as JSON.
	NonFinite int `json:"non_finite,omitempty"`
}

// SeriesStats summarise one recorded series (one metric, one label set) over
// the run. JSON-ready for handleSummary's data (e.g. data.server_metrics).
type SeriesStats struct {
	Metric  string            `json:"metric"`
	Tags    map[string]string `json:"tags"`
	Samples int               `json:"samples"`
	Min     float64           `json:"min"`
	Max     float64           `json:"max"`
	Avg     float64           `json:"avg"`
	First   float64           `json:"first"`
	Last    float64           `json:"last"`
	// Counter says the series is a Prometheus counter; Increase is then its
	// growth over the run, resets excluded (e.g. generation tokens, or a
	// DCGM GPU's energy in mJ).
	Counter  bool    `json:"counter"`
	Increase float64 `json:"increase,omitempty"`
}

// Summary is what the scraper saw, for the end-of-test summary.
type Summary struct {
	Targets []TargetStats `json:"targets"`
	Series  []SeriesStats `json:"series"`
	// EnergyJ is the growth of every scraped DCGM total-energy counter over
	// the run, in joules: the server GPUs' energy (0 without DCGM).
	EnergyJ float64 `json:"energy_j"`
	// GenerationTokens is the growth of vllm:generation_tokens_total over
	// the run, summed over endpoints and engines (0 without vLLM).
	GenerationTokens float64 `json:"generation_tokens"`
	// JoulesPerGenerationToken is EnergyJ / GenerationTokens when both are
	// known: the server-side energy per output token.
	JoulesPerGenerationToken float64 `json:"joules_per_generation_token"`
}

// The series the server-side energy per token is computed from.
var (
	energySeries = MetricName("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION") // mJ
	tokenSeries  = MetricName("vllm:generation_tokens_total")
)

// seriesStats accumulate SeriesStats.
type seriesStats struct {
	SeriesStats
	sum  float64
	tags *metrics.TagSet
}

// observe folds one value into the series' stats (t.mu held).
func (t *target) observe(metric, key string, tags *metrics.TagSet, v float64, counter bool) {
	if !finite(v) {
		return // counted by record's add
	}
	k := metric + "\x00" + key
	st := t.stats[k]
	if st == nil {
		st = &seriesStats{SeriesStats: SeriesStats{Metric: metric, Counter: counter, Min: v, Max: v, First: v}, tags: tags}
		t.stats[k] = st
		t.statsOrder = append(t.statsOrder, k)
	} else if counter && v >= st.Last {
		st.Increase += v - st.Last
	}
	st.Samples++
	st.sum += v
	st.Avg = st.sum / float64(st.Samples)
	st.Min, st.Max, st.Last = math.Min(st.Min, v), math.Max(st.Max, v), v
}

// Summary returns the scrape counts and per-series stats so far.
func (s *Scraper) Summary() Summary {
	var out Summary
	for _, t := range s.targets {
		t.mu.Lock()
		out.Targets = append(out.Targets, TargetStats{URL: redact.URL(t.url.String()), Scrapes: t.scrapes, Failures: t.failures, FirstError: t.firstErr, NonFinite: t.nonFinite})
		for _, k := range t.statsOrder {
			st := t.stats[k]
			ss := st.SeriesStats
			ss.Tags = st.tags.Map()
			out.Series = append(out.Series, ss)
			switch ss.Metric {
			case energySeries:
				out.EnergyJ += ss.Increase / 1000
			case tokenSeries:
				out.GenerationTokens += ss.Increase
			}
		}
		t.mu.Unlock()
	}
	if out.EnergyJ > 0 && out.GenerationTokens > 0 {
		out.JoulesPerGenerationToken = out.EnergyJ / out.GenerationTokens
	}
	return out
}

// Report returns one line per endpoint that had failed scrapes, for the CLI
// to print at the end of the run; nil when every scrape worked.
func (s *Scraper) Report() []string {
	var lines []string
	for _, t := range s.Summary().Targets {
		if t.Failures > 0 {
			lines = append(lines, fmt.Sprintf("server metrics: %d of %d scrapes of %s failed (first error: %s)", t.Failures, t.Scrapes, t.URL, t.FirstError))
		}
	}
	return lines
}

// Text renders the summary's SERVER METRICS section: one line per series
// (gauges: avg, min, max; counters: increase over the run), then the failed
// scrape counts. "" when nothing was recorded and nothing failed.
func (s Summary) Text() string {
	var b strings.Builder
	for _, st := range s.Series {
		name := st.Metric
		if tags := tagText(st.Tags); tags != "" {
			name += "{" + tags + "}"
		}
		dots := strings.Repeat(".", max(2, 60-len(name)))
		if st.Counter {
			fmt.Fprintf(&b, "    %s%s: increase=%s last=%s\n", name, dots, num(st.Increase), num(st.Last))
		} else {
			fmt.Fprintf(&b, "    %s%s: avg=%s min=%s max=%s\n", name, dots, num(st.Avg), num(st.Min), num(st.Max))
		}
	}
	if s.JoulesPerGenerationToken > 0 {
		fmt.Fprintf(&b, "    server energy per generated token (DCGM energy / vLLM generation tokens): %.4g J/token (%.4g J, %.0f tokens)\n",
			s.JoulesPerGenerationToken, s.EnergyJ, s.GenerationTokens)
	}
	for _, t := range s.Targets {
		if t.Failures > 0 {
			fmt.Fprintf(&b, "    %d of %d scrapes of %s failed (first error: %s)\n", t.Failures, t.Scrapes, t.URL, t.FirstError)
		}
		if t.NonFinite > 0 {
			fmt.Fprintf(&b, "    %d NaN/±Inf values from %s skipped\n", t.NonFinite, t.URL)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "  █ SERVER METRICS \n\n" + b.String()
}

// textHidden are the DCGM exporter's identity labels, left out of the text
// summary (gpu and source say which GPU; the JSON keeps them all).
var textHidden = map[string]bool{"UUID": true, "pci_bus_id": true, "device": true, "modelName": true,
	"Hostname": true, "DCGM_FI_DRIVER_VERSION": true}

// tagText prints tags k6-style ("k:v,k2:v2"), sorted by key.
func tagText(tags map[string]string) string {
	ts := metrics.NewTagSet(tags)
	parts := make([]string, 0, ts.Len())
	for _, t := range ts.List() {
		if !textHidden[t.Key] {
			parts = append(parts, t.Key+":"+t.Value)
		}
	}
	return strings.Join(parts, ",")
}

func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
}

// finite reports whether v is neither NaN nor an infinity: only finite
// values become samples and stats (JSON has no NaN).
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
