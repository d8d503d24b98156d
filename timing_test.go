package llm

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/metrics"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(ms float64) time.Time { return t0.Add(time.Duration(ms * float64(time.Millisecond))) }

// fixedTiming: send at 0, reasoning chunks at 100 and 110, output at 130,
// 140, 150, end at 160.
func fixedTiming() Timing {
	var tm Timing
	tm.Send = at(0)
	tm.Token(at(100), false)
	tm.Token(at(110), false)
	tm.Token(at(130), true)
	tm.Token(at(140), true)
	tm.Token(at(150), true)
	tm.End = at(160)
	return tm
}

func TestTimingFormulas(t *testing.T) {
	t.Parallel()
	tm := fixedTiming()
	d := func(f func() (time.Duration, bool)) float64 { v, _ := f(); return metrics.D(v) }
	got := map[string]float64{
		"ttft": d(tm.TTFT), "ttfo": d(tm.TTFO), "e2e": d(tm.E2E),
		"tpot_5":  d(func() (time.Duration, bool) { return tm.TPOT(5) }),
		"tpot_11": d(func() (time.Duration, bool) { return tm.TPOT(11) }),
	}
	tps, _ := tm.TokensPerSecond(5)
	got["tps_5"] = tps
	want := map[string]float64{"ttft": 100, "ttfo": 130, "e2e": 160, "tpot_5": 15, "tpot_11": 6, "tps_5": 80}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("formulas (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}, tm.Gaps); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	for _, n := range []int{0, 1} {
		if _, ok := tm.TPOT(n); ok {
			t.Errorf("TPOT(%d) defined", n)
		}
		if _, ok := tm.TokensPerSecond(n); ok {
			t.Errorf("TokensPerSecond(%d) defined", n)
		}
	}
	var empty Timing
	if _, ok := empty.TTFT(); ok {
		t.Error("TTFT of no tokens defined")
	}
}

func TestSLO(t *testing.T) {
	t.Parallel()
	tm := fixedTiming()
	ms := time.Millisecond
	tests := []struct {
		name string
		slo  SLO
		ok   bool
		n    int
		want bool
	}{
		{"all held", SLO{TTFT: 100 * ms, TPOT: 15 * ms, E2E: 160 * ms}, true, 5, true},
		{"ttft missed", SLO{TTFT: 99 * ms}, true, 5, false},
		{"tpot missed", SLO{TPOT: 14 * ms}, true, 5, false},
		{"tpot undefined counts as held", SLO{TPOT: 1 * ms}, true, 1, true},
		{"e2e missed", SLO{E2E: 159 * ms}, true, 5, false},
		{"failed never good", SLO{E2E: time.Hour}, false, 5, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.slo.Good(tc.ok, &tm, tc.n); got != tc.want {
				t.Errorf("Good = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBatch(t *testing.T) {
	t.Parallel()
	m, err := RegisterMetrics(metrics.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	base := metrics.NewTagSet(map[string]string{"scenario": "default", "target": "x"})
	type sample struct {
		Name  string
		Value float64
	}
	flat := func(b metrics.Batch) []sample {
		var out []sample
		for _, s := range b.Samples {
			out = append(out, sample{s.Metric.Name, s.Value})
		}
		return out
	}
	t.Run("ok", func(t *testing.T) {
		r := &Result{OK: true, Status: 200, Model: "m", Endpoint: Chat, Timing: fixedTiming(),
			InputTokens: 7, OutputTokens: 5, ReasoningTokens: 2, TokenSource: TokensFromUsage}
		b := m.Batch(r, SLO{TTFT: time.Second}, base)
		want := []sample{{"llm_requests", 1}, {"llm_request_failed", 0}, {"llm_goodput", 1}, {"llm_request_duration", 160},
			{"llm_ttft", 100}, {"llm_ttfo", 130}, {"llm_tpot", 15}, {"llm_tokens_per_second", 80},
			{"llm_itl", 10}, {"llm_itl", 20}, {"llm_itl", 10}, {"llm_itl", 10},
			{"llm_output_tokens", 5}, {"llm_input_tokens", 7}, {"llm_reasoning_tokens", 2}}
		if diff := cmp.Diff(want, flat(b)); diff != "" {
			t.Errorf("samples (-want +got):\n%s", diff)
		}
		wantTags := map[string]string{"scenario": "default", "target": "x", "model": "m", "endpoint": "chat", "status": "200", "token_source": "usage"}
		if diff := cmp.Diff(wantTags, b.Tags.Map()); diff != "" {
			t.Errorf("tags (-want +got):\n%s", diff)
		}
		if !b.Time.Equal(at(160)) {
			t.Errorf("time %v", b.Time)
		}
	})
	t.Run("failed", func(t *testing.T) {
		r := &Result{Status: 429, ErrorCode: ErrHTTP429, Model: "m", Endpoint: Completions, Timing: Timing{Send: at(0), End: at(5)}}
		b := m.Batch(r, SLO{}, base)
		if diff := cmp.Diff([]sample{{"llm_requests", 1}, {"llm_request_failed", 1}}, flat(b)); diff != "" {
			t.Errorf("samples (-want +got):\n%s", diff)
		}
		if v, _ := b.Tags.Get("error_code"); v != "http_429" {
			t.Errorf("error_code %q", v)
		}
		if v, _ := b.Tags.Get("endpoint"); v != "completions" {
			t.Errorf("endpoint %q", v)
		}
	})
}

func TestPrepareBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, model, in, want string
		stream                bool
	}{
		{"defaults", `"m"`, `{"messages":[]}`, `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[]}`, true},
		{"empty object", "", ` {}`, ` {"stream":true,"stream_options":{"include_usage":true}}`, true},
		{"caller model and options win", `"m"`, `{"model":"x","stream_options":{"include_usage":false}}`, `{"stream":true,"model":"x","stream_options":{"include_usage":false}}`, true},
		{"stream false", "", `{"stream":false}`, `{"stream":false}`, false},
		{"stream true", "", `{"stream":true}`, `{"stream_options":{"include_usage":true},"stream":true}`, true},
		{"not an object", "", `[1]`, `[1]`, true},
		{"invalid", "", `{"a":`, `{"a":`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, stream := PrepareBody([]byte(tc.in), []byte(tc.model))
			if string(got) != tc.want || stream != tc.stream {
				t.Errorf("PrepareBody(%s) = %s, %v; want %s, %v", tc.in, got, stream, tc.want, tc.stream)
			}
		})
	}
}
