package llm

import (
	"strconv"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// Metrics is the llm_* metric set (SPEC §5). The formulas live on Timing
// and SLO; Batch is the only place that turns a Result into samples.
type Metrics struct {
	Requests        *metrics.Metric // Counter: one per request
	RequestFailed   *metrics.Metric // Rate: 1 when the request failed
	TTFT            *metrics.Metric // Trend (time)
	TTFO            *metrics.Metric // Trend (time)
	Duration        *metrics.Metric // Trend (time): llm_request_duration, E2E
	TPOT            *metrics.Metric // Trend (time)
	ITL             *metrics.Metric // Trend (time): one sample per gap
	TokensPerSecond *metrics.Metric // Trend
	InputTokens     *metrics.Metric // Counter
	OutputTokens    *metrics.Metric // Counter
	ReasoningTokens *metrics.Metric // Counter
	Goodput         *metrics.Metric // Rate: only when an SLO is configured
	// Interrupted is how long each request cut by the end of the test
	// (ErrInterrupted) had been open: their count and the latency they
	// had reached, which llm_request_duration (successes only) leaves out.
	Interrupted *metrics.Metric // Trend (time)

	// TTFTFromSchedule and DurationFromSchedule are llm_ttft and
	// llm_request_duration measured from the iteration's scheduled start
	// (arrival-rate executors only): free of coordinated omission.
	TTFTFromSchedule     *metrics.Metric // Trend (time)
	DurationFromSchedule *metrics.Metric // Trend (time)
}

// RegisterMetrics creates (or finds) the llm_* metrics in r.
func RegisterMetrics(r *metrics.Registry) (*Metrics, error) {
	var err error
	mk := func(name string, t metrics.Type, vt metrics.ValueType) *metrics.Metric {
		if err != nil {
			return nil
		}
		var m *metrics.Metric
		m, err = r.NewMetric(name, t, vt)
		return m
	}
	m := &Metrics{
		Requests:        mk("llm_requests", metrics.Counter, metrics.Default),
		RequestFailed:   mk("llm_request_failed", metrics.Rate, metrics.Default),
		TTFT:            mk("llm_ttft", metrics.Trend, metrics.Time),
		TTFO:            mk("llm_ttfo", metrics.Trend, metrics.Time),
		Duration:        mk("llm_request_duration", metrics.Trend, metrics.Time),
		TPOT:            mk("llm_tpot", metrics.Trend, metrics.Time),
		ITL:             mk("llm_itl", metrics.Trend, metrics.Time),
		TokensPerSecond: mk("llm_tokens_per_second", metrics.Trend, metrics.Default),
		InputTokens:     mk("llm_input_tokens", metrics.Counter, metrics.Default),
		OutputTokens:    mk("llm_output_tokens", metrics.Counter, metrics.Default),
		ReasoningTokens: mk("llm_reasoning_tokens", metrics.Counter, metrics.Default),
		Goodput:         mk("llm_goodput", metrics.Rate, metrics.Default),
		Interrupted:     mk(InterruptedMetric, metrics.Trend, metrics.Time),

		TTFTFromSchedule:     mk("llm_ttft_from_schedule", metrics.Trend, metrics.Time),
		DurationFromSchedule: mk("llm_request_duration_from_schedule", metrics.Trend, metrics.Time),
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Batch turns a finished request into one batch stamped at its end, tagged
// with tags (VU, scenario, group, client and request tags) plus model,
// endpoint, status, token_source and, for a failed request, error_code.
//
// Every request gives llm_requests and llm_request_failed (and llm_goodput
// when slo is set). A failed request gives nothing else (but an interrupted
// one adds llm_interrupted_duration): its latencies and
// tokens are left out of the distributions, as vLLM and AIPerf do. A
// successful one adds llm_request_duration, the token counters (input and
// reasoning only when non-zero), and each latency that is defined: llm_ttft,
// llm_ttft_from_schedule and llm_request_duration_from_schedule (when
// Timing.Scheduled is set), llm_ttfo, llm_tpot (outputTokens > 1), llm_tokens_per_second, and one
// llm_itl per gap between token-bearing chunks.
func (m *Metrics) Batch(r *Result, slo SLO, tags *metrics.TagSet) metrics.Batch {
	t := &r.Timing
	at := t.End
	if at.IsZero() {
		at = time.Now()
	}
	tags = m.tags(r, tags)
	n := 3 + len(t.Gaps) + 11
	s := make([]metrics.Sample, 0, n)
	failed := 0.0
	if !r.OK {
		failed = 1
	}
	s = append(s, metrics.Sample{Metric: m.Requests, Value: 1}, metrics.Sample{Metric: m.RequestFailed, Value: failed})
	if slo.Set() {
		good := 0.0
		if slo.Good(r.OK, t, r.OutputTokens) {
			good = 1
		}
		s = append(s, metrics.Sample{Metric: m.Goodput, Value: good})
	}
	if !r.OK {
		s = appendInterrupted(s, m.Interrupted, r)
		return metrics.Batch{Time: at, Tags: tags, Samples: s}
	}
	if d, ok := t.E2E(); ok {
		s = append(s, metrics.Sample{Metric: m.Duration, Value: metrics.D(d)})
	}
	if d, ok := t.TTFT(); ok {
		s = append(s, metrics.Sample{Metric: m.TTFT, Value: metrics.D(d)})
	}
	if d, ok := t.TTFTFromSchedule(); ok {
		s = append(s, metrics.Sample{Metric: m.TTFTFromSchedule, Value: metrics.D(d)})
	}
	if d, ok := t.E2EFromSchedule(); ok {
		s = append(s, metrics.Sample{Metric: m.DurationFromSchedule, Value: metrics.D(d)})
	}
	if d, ok := t.TTFO(); ok {
		s = append(s, metrics.Sample{Metric: m.TTFO, Value: metrics.D(d)})
	}
	if d, ok := t.TPOT(r.OutputTokens); ok {
		s = append(s, metrics.Sample{Metric: m.TPOT, Value: metrics.D(d)})
	}
	if v, ok := t.TokensPerSecond(r.OutputTokens); ok {
		s = append(s, metrics.Sample{Metric: m.TokensPerSecond, Value: v})
	}
	for _, g := range t.Gaps {
		s = append(s, metrics.Sample{Metric: m.ITL, Value: metrics.D(g)})
	}
	if r.Endpoint != Embeddings { // embeddings generate no tokens
		s = append(s, metrics.Sample{Metric: m.OutputTokens, Value: float64(r.OutputTokens)})
	}
	if r.InputTokens > 0 {
		s = append(s, metrics.Sample{Metric: m.InputTokens, Value: float64(r.InputTokens)})
	}
	if r.ReasoningTokens > 0 {
		s = append(s, metrics.Sample{Metric: m.ReasoningTokens, Value: float64(r.ReasoningTokens)})
	}
	return metrics.Batch{Time: at, Tags: tags, Samples: s}
}

// tags adds the request's own tags over base. Tags already set in base
// (user tags) win for "model"; the others describe the request and are set.
func (m *Metrics) tags(r *Result, base *metrics.TagSet) *metrics.TagSet {
	add := map[string]string{
		"endpoint": r.Endpoint.String(),
		"status":   strconv.Itoa(r.Status),
	}
	if _, ok := base.Get("model"); !ok && r.Model != "" {
		add["model"] = r.Model
	}
	if r.TokenSource != "" {
		add["token_source"] = r.TokenSource
	}
	if !r.OK {
		add["error_code"] = r.ErrorCode
	}
	return base.WithMap(add)
}
