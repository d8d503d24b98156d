package summary

import (
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/metrics"
)

func TestTextGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
	}{
		{"compact", Options{}},
		{"time_unit_ms_stats", Options{TimeUnit: "ms", TrendStats: []string{"avg", "p(99)", "count"}}},
		{"color", Options{Color: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			golden(t, tc.name+".golden", []byte(Text(fullRun(t), tc.opts)))
		})
	}
}

func TestTextMinimal(t *testing.T) {
	t.Parallel()
	f := newFeeder()
	f.add(f.b.Iterations, nil, 1, 1)
	f.add(f.b.IterationDuration, nil, 0.25, 0.75)
	got := Text(f.snapshot(t, `{}`), Options{})
	golden(t, "minimal.golden", []byte(got))
	if strings.Contains(got, "THRESHOLDS") || strings.Contains(got, "checks_total") || strings.Contains(got, "WARNING") {
		t.Errorf("minimal summary has extra sections:\n%s", got)
	}
}

func TestSaturation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		lag     []float64
		dropped []float64
		extra   []string
		want    string
	}{
		{"fine", []float64{1, 2, 3}, nil, nil, ""},
		{"lag", []float64{5, 150, 300}, nil, nil, "schedule_lag p(99)="},
		{"dropped", nil, []float64{1, 1}, nil, "(2 dropped iterations)"},
		{"both", seq(100, 300), []float64{1}, nil, ", 1 dropped iterations)"},
		{"client cpu", []float64{1, 2, 3}, nil, []string{"client CPU 1.9 of 2 cores (95%)"}, "(client CPU 1.9 of 2 cores (95%)): the results describe the client rather than the server"},
		{"dropped and cpu", nil, []float64{1}, []string{"client CPU 2.0 of 2 cores (100%)"}, "(1 dropped iterations, client CPU 2.0 of 2 cores (100%))"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFeeder()
			f.add(f.b.ScheduleLag, nil, tc.lag...)
			f.add(f.b.DroppedIterations, nil, tc.dropped...)
			s := f.snapshot(t, `{}`)
			got := Saturation(s, tc.extra...)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("Saturation = %q, want it to contain %q", got, tc.want)
			}
			if text := Text(s, Options{Saturated: tc.extra}); tc.want != "" && !strings.Contains(text, "\n  WARNING: the load generator was the bottleneck") {
				t.Errorf("Text lacks the warning:\n%s", text)
			}
		})
	}
}

func TestHumanize(t *testing.T) {
	t.Parallel()
	tm := &metrics.Metric{Type: metrics.Trend, Contains: metrics.Time}
	data := &metrics.Metric{Type: metrics.Counter, Contains: metrics.Data}
	rate := &metrics.Metric{Type: metrics.Rate}
	def := &metrics.Metric{Type: metrics.Counter}
	tests := []struct {
		name string
		v    float64
		m    *metrics.Metric
		unit string
		want string
	}{
		{"zero time", 0, tm, "", "0s"},
		{"ns", 0.000123, tm, "", "123ns"},
		{"µs", 0.12345, tm, "", "123.45µs"},
		{"ms trunc", 10.199, tm, "", "10.19ms"},
		{"ms no zeros", 880, tm, "", "880ms"},
		{"s", 1120.5, tm, "", "1.12s"},
		{"exactly 1m", 60000, tm, "", "1m0s"},
		{"m", 125400, tm, "", "2m5s"},
		{"h", 3725000, tm, "", "1h2m5s"},
		{"unit s", 1234.5, tm, "s", "1.23s"},
		{"unit ms", 1234.5, tm, "ms", "1234.50ms"},
		{"unit us", 1.5, tm, "us", "1500.00µs"},
		{"bytes small", 5, data, "", "5 B"},
		{"bytes", 24000, data, "", "24 kB"},
		{"MB", 1234567, data, "", "1.2 MB"},
		{"kB rounding", 123456, data, "", "124 kB"},
		{"toFixed tie away from zero", 122500, data, "", "123 kB"},
		{"unit tie", 0.125, tm, "ms", "0.13ms"},
		{"rate", 0.985, rate, "", "98.50%"},
		{"rate trunc", 0.12349, rate, "", "12.34%"},
		{"default", 53.5812084, def, "", "53.581208"},
		{"default integer", 2985, def, "", "2985"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := humanize(tc.v, tc.m, tc.unit); got != tc.want {
				t.Errorf("humanize(%v) = %q, want %q", tc.v, got, tc.want)
			}
		})
	}
}
