package aggregate

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/threshold"
)

type fixture struct {
	reg   *metrics.Registry
	b     *metrics.Builtins
	ttft  *metrics.Metric
	errs  *metrics.Metric
	reqs  *metrics.Metric
	gauge *metrics.Metric
}

func newFixture() *fixture {
	reg := metrics.NewRegistry()
	return &fixture{
		reg: reg, b: metrics.RegisterBuiltins(reg),
		ttft:  reg.MustNewMetric("llm_ttft", metrics.Trend, metrics.Time),
		errs:  reg.MustNewMetric("llm_request_failed", metrics.Rate),
		reqs:  reg.MustNewMetric("llm_requests", metrics.Counter),
		gauge: reg.MustNewMetric("queue", metrics.Gauge),
	}
}

func mustSet(t *testing.T, reg *metrics.Registry, js string) threshold.Set {
	t.Helper()
	set, err := threshold.Parse(json.RawMessage(js))
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate(reg); err != nil {
		t.Fatal(err)
	}
	return set
}

func batch(tags map[string]string, samples ...metrics.Sample) metrics.Batch {
	return metrics.Batch{Time: time.Unix(0, 0), Tags: metrics.NewTagSet(tags), Samples: samples}
}

func TestSinksAndSubmetrics(t *testing.T) {
	t.Parallel()
	f := newFixture()
	set := mustSet(t, f.reg, `{"llm_ttft{model:a}": ["p(50)<100"], "llm_ttft{model:b,status:200}": ["max<1"], "vus": ["value<10"]}`)
	a, err := New(f.reg, set, Options{Elapsed: func() time.Duration { return 10 * time.Second }})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 10; i++ {
		model := "a"
		if i%2 == 0 {
			model = "b"
		}
		a.AddBatches([]metrics.Batch{
			batch(map[string]string{"model": model, "status": "200"}, metrics.Sample{Metric: f.ttft, Value: float64(i)}, metrics.Sample{Metric: f.reqs, Value: 1}),
		})
	}
	if err := a.Stop(nil); err != nil {
		t.Fatal(err)
	}
	snap := a.Snapshot()
	var names []string
	for _, m := range snap.Metrics {
		names = append(names, m.Name)
	}
	want := []string{"llm_requests", "llm_ttft", "llm_ttft{model:a}", "llm_ttft{model:b,status:200}", "vus"}
	if d := cmp.Diff(want, names); d != "" {
		t.Fatalf("metrics (-want +got):\n%s", d)
	}
	stat := func(name, s string) float64 {
		v, err := snap.Stat(snap.Get(name), s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	checks := []struct {
		name, stat string
		want       float64
	}{
		{"llm_requests", "count", 10}, {"llm_requests", "rate", 1},
		{"llm_ttft", "count", 10}, {"llm_ttft{model:a}", "count", 5}, {"llm_ttft{model:a}", "max", 9},
		{"llm_ttft{model:b,status:200}", "min", 2}, {"vus", "value", 0},
	}
	for _, c := range checks {
		if got := stat(c.name, c.stat); got != c.want {
			t.Errorf("%s %s = %v, want %v", c.name, c.stat, got, c.want)
		}
	}
	sub := snap.Get("llm_ttft{model:b,status:200}")
	if sub.Parent != "llm_ttft" || sub.Suffix != "model:b,status:200" || len(sub.Thresholds) != 1 || !sub.Thresholds[0].LastFailed {
		t.Errorf("submetric = %+v", sub)
	}
	if d := cmp.Diff([]string{"llm_ttft{model:b,status:200}"}, a.Failed()); d != "" {
		t.Errorf("Failed (-want +got):\n%s", d)
	}
	err = a.FailedError()
	if exit.CodeOf(err) != exit.ThresholdsFailed || err.Error() != "thresholds on metrics 'llm_ttft{model:b,status:200}' have been crossed" {
		t.Errorf("FailedError = %v", err)
	}
}

func TestFinalEvaluationEmptySinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, thresholds string
		failed           []string
	}{
		{"empty rate passes", `{"llm_request_failed": ["rate>0.5"]}`, nil},
		{"empty trend is zero", `{"llm_ttft": ["avg>1", "p(99)<1"]}`, []string{"llm_ttft"}},
		{"empty counter is zero", `{"llm_requests": ["count>0"], "queue": ["value==0"]}`, []string{"llm_requests"}},
		{"empty submetric", `{"llm_ttft{model:x}": ["max>0"]}`, []string{"llm_ttft{model:x}"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture()
			a, err := New(f.reg, mustSet(t, f.reg, tc.thresholds), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			_ = a.Stop(nil)
			if d := cmp.Diff(tc.failed, a.Failed()); d != "" {
				t.Errorf("Failed (-want +got):\n%s", d)
			}
		})
	}
}

func TestNoThresholds(t *testing.T) {
	t.Parallel()
	f := newFixture()
	a, err := New(f.reg, mustSet(t, f.reg, `{"llm_requests": ["count>0"]}`), Options{NoThresholds: true})
	if err != nil {
		t.Fatal(err)
	}
	_ = a.Start(context.Background())
	_ = a.Stop(nil)
	if got := a.Failed(); got != nil {
		t.Errorf("Failed = %v with NoThresholds", got)
	}
}

func TestAbortOnFail(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := newFixture()
		set := mustSet(t, f.reg, `{"llm_request_failed": [{"threshold": "rate<0.5", "abortOnFail": true, "delayAbortEval": "5s"}], "llm_ttft": ["p(95)<1"]}`)
		var mu sync.Mutex
		var aborts []error
		var abortAt time.Duration
		start := time.Now()
		a, err := New(f.reg, set, Options{Abort: func(err error) {
			mu.Lock()
			defer mu.Unlock()
			aborts = append(aborts, err)
			abortAt = time.Since(start)
		}})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		// Failing from the start; ttft failing too but without abortOnFail.
		a.AddBatches([]metrics.Batch{batch(nil, metrics.Sample{Metric: f.errs, Value: 1}, metrics.Sample{Metric: f.ttft, Value: 5})})
		time.Sleep(11 * time.Second)
		synctest.Wait()
		_ = a.Stop(nil)
		mu.Lock()
		defer mu.Unlock()
		if len(aborts) != 1 {
			t.Fatalf("Abort called %d times, want 1", len(aborts))
		}
		want := "thresholds on metrics 'llm_request_failed' were crossed; at least one has abortOnFail enabled, stopping test prematurely"
		if aborts[0].Error() != want || exit.CodeOf(aborts[0]) != exit.ThresholdsFailed {
			t.Errorf("abort error = %v (code %d)", aborts[0], exit.CodeOf(aborts[0]))
		}
		// Ticks at 2s and 4s are within the delay; the one at 6s aborts.
		if abortAt != 6*time.Second {
			t.Errorf("aborted at %v, want 6s", abortAt)
		}
		if d := cmp.Diff([]string{"llm_request_failed", "llm_ttft"}, a.Failed()); d != "" {
			t.Errorf("Failed (-want +got):\n%s", d)
		}
	})
}

func TestPeriodicSkipsEmptySinks(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := newFixture()
		aborted := false
		a, err := New(f.reg, mustSet(t, f.reg, `{"llm_ttft": [{"threshold": "avg>1", "abortOnFail": true}]}`),
			Options{Abort: func(error) { aborted = true }})
		if err != nil {
			t.Fatal(err)
		}
		_ = a.Start(t.Context())
		time.Sleep(5 * time.Second)
		synctest.Wait()
		_ = a.Stop(nil)
		if aborted {
			t.Error("an empty trend aborted the run during periodic evaluation")
		}
		if d := cmp.Diff([]string{"llm_ttft"}, a.Failed()); d != "" {
			t.Errorf("final evaluation should fail the empty trend (-want +got):\n%s", d)
		}
	})
}

func TestChecksAndGroups(t *testing.T) {
	t.Parallel()
	f := newFixture()
	a, err := New(f.reg, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(group, name string, ok bool) metrics.Batch {
		v := 0.0
		if ok {
			v = 1
		}
		return batch(map[string]string{"group": group, "check": name}, metrics.Sample{Metric: f.b.Checks, Value: v})
	}
	a.AddBatches([]metrics.Batch{
		check("", "status is 200", true),
		check("::login", "logged in", true),
		batch(map[string]string{"group": "::a::b"}, metrics.Sample{Metric: f.b.GroupDuration, Value: 3}),
		check("", "body ok", true),
		check("", "status is 200", false),
		check("::login", "logged in", false),
		check("::login", "logged in", true),
	})
	snap := a.Snapshot()
	type c struct {
		Name, Path, Group string
		Passes, Fails     int64
	}
	var got []c
	for _, ch := range snap.Checks {
		got = append(got, c{ch.Name, ch.Path, ch.Group, ch.Passes, ch.Fails})
	}
	want := []c{
		{"status is 200", "::status is 200", "", 1, 1},
		{"logged in", "::login::logged in", "::login", 2, 1},
		{"body ok", "::body ok", "", 1, 0},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("checks (-want +got):\n%s", d)
	}
	r := snap.Root
	if len(r.Checks) != 2 || len(r.Groups) != 2 || r.Groups[0].Path != "::login" || r.Groups[1].Name != "a" ||
		r.Groups[1].Groups[0].Path != "::a::b" || r.Groups[1].Groups[0].Name != "b" || r.Groups[0].Checks[0] != snap.Checks[1] {
		t.Errorf("group tree wrong: %+v", r)
	}
}

func TestNewUnknownMetric(t *testing.T) {
	t.Parallel()
	f := newFixture()
	set, _ := threshold.Parse(json.RawMessage(`{"nope": ["avg<1"]}`))
	_, err := New(f.reg, set, Options{})
	var e *exit.Error
	if !errors.As(err, &e) || e.Code != exit.InvalidConfig || !strings.Contains(err.Error(), `no metric name "nope" found`) {
		t.Errorf("New error = %v", err)
	}
}

func TestAddBatchesDoesNotAllocate(t *testing.T) {
	f := newFixture()
	a, err := New(f.reg, mustSet(t, f.reg, `{"llm_ttft{model:a}": ["p(95)<1"]}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	bs := []metrics.Batch{
		batch(map[string]string{"model": "a", "group": "", "check": "ok"},
			metrics.Sample{Metric: f.ttft, Value: 12}, metrics.Sample{Metric: f.reqs, Value: 1}, metrics.Sample{Metric: f.b.Checks, Value: 1}),
	}
	a.AddBatches(bs)
	if n := testing.AllocsPerRun(100, func() { a.AddBatches(bs) }); n != 0 {
		t.Errorf("AddBatches allocates %v times per call", n)
	}
}

func BenchmarkAddBatches(b *testing.B) {
	f := newFixture()
	set, _ := threshold.Parse(json.RawMessage(`{"llm_ttft{model:a}": ["p(95)<1"]}`))
	a, _ := New(f.reg, set, Options{})
	tags := metrics.NewTagSet(map[string]string{"model": "a", "status": "200"})
	bs := make([]metrics.Batch, 100)
	for i := range bs {
		bs[i] = metrics.Batch{Tags: tags, Samples: []metrics.Sample{{Metric: f.ttft, Value: float64(i)}, {Metric: f.reqs, Value: 1}}}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a.AddBatches(bs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*200), "ns/sample")
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	f := newFixture()
	a, err := New(f.reg, mustSet(t, f.reg, `{"llm_ttft": ["p(95)<100"]}`), Options{Interval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range 2000 {
			a.AddBatches([]metrics.Batch{batch(nil, metrics.Sample{Metric: f.ttft, Value: float64(i % 50)}, metrics.Sample{Metric: nil})})
		}
	}()
	go func() {
		defer wg.Done()
		for range 50 {
			_ = a.Snapshot()
			_ = a.Failed()
		}
	}()
	wg.Wait()
	_ = a.Stop(nil)
	if s := a.Snapshot(); s.Get("llm_ttft").Sink.(*metrics.TrendSink).Count != 2000 || len(a.Failed()) != 0 {
		t.Errorf("after concurrent use: %+v, failed %v", s.Get("llm_ttft"), a.Failed())
	}
}

// TestDefaultSubmetric: Options.Submetrics keeps a submetric without a
// threshold, shown only once it has a sample, and not twice when a
// threshold names it too.
func TestDefaultSubmetric(t *testing.T) {
	reg := metrics.NewRegistry()
	dur := reg.MustNewMetric("http_req_duration", metrics.Trend, metrics.Time)
	sm := []Submetric{{Metric: "http_req_duration", Tag: "expected_response", Value: "true"}, {Metric: "absent", Tag: "a", Value: "b"}}
	a, err := New(reg, nil, Options{Submetrics: sm})
	if err != nil {
		t.Fatal(err)
	}
	has := func(a *Aggregate) int {
		n := 0
		for _, m := range a.Snapshot().Metrics {
			if m.Name == "http_req_duration{expected_response:true}" {
				n++
			}
		}
		return n
	}
	emit := func(a *Aggregate, expected string, v float64) {
		a.AddBatches([]metrics.Batch{{Tags: metrics.NewTagSet(map[string]string{"expected_response": expected}),
			Samples: []metrics.Sample{{Metric: dur, Value: v}}}})
	}
	emit(a, "false", 5)
	if n := has(a); n != 0 {
		t.Errorf("shown with no matching sample (%d)", n)
	}
	emit(a, "true", 7)
	if n := has(a); n != 1 {
		t.Errorf("shown %d times after a matching sample, want once", n)
	}
	ths, err := threshold.Parse([]byte(`{"http_req_duration{expected_response:true}": ["p(95)<100"]}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(reg, ths, Options{Submetrics: sm})
	if err != nil {
		t.Fatal(err)
	}
	if n := has(b); n != 1 {
		t.Errorf("with a threshold on it: shown %d times, want once (even empty)", n)
	}
}
