package output_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
)

// recorder is an Output that records its calls and the values it got.
type recorder struct {
	name     string
	startErr error
	stopErr  error
	log      *[]string
	mu       sync.Mutex
	values   []float64
	calls    int
	stopWith error
}

func (r *recorder) Description() string { return r.name }

func (r *recorder) Start(context.Context) error {
	*r.log = append(*r.log, "start "+r.name)
	return r.startErr
}

func (r *recorder) AddBatches(bs []metrics.Batch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	for _, b := range bs {
		for _, s := range b.Samples {
			r.values = append(r.values, s.Value)
		}
	}
}

func (r *recorder) Stop(err error) error {
	*r.log = append(*r.log, "stop "+r.name)
	r.stopWith = err
	return r.stopErr
}

func (r *recorder) got() ([]float64, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]float64(nil), r.values...), r.calls
}

func TestManagerFlow(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		reg := metrics.NewRegistry()
		b := metrics.RegisterBuiltins(reg)
		agg, err := aggregate.New(reg, nil, aggregate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var log []string
		rec := &recorder{name: "rec", log: &log}
		buf := &metrics.Buffer{}
		m := output.NewManager(buf, []output.Output{agg, rec}, 0, nil)
		if err := m.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		emit := func(v float64) {
			buf.Emit(metrics.Batch{Time: time.Now(), Samples: []metrics.Sample{{Metric: b.Iterations, Value: v}}})
		}
		emit(1)
		emit(2)
		time.Sleep(output.DefaultFlushInterval + time.Millisecond)
		synctest.Wait()
		if vals, calls := rec.got(); !cmp.Equal(vals, []float64{1, 2}) || calls != 1 {
			t.Fatalf("after one interval: values %v in %d calls", vals, calls)
		}
		time.Sleep(10 * output.DefaultFlushInterval) // nothing new: no empty calls
		synctest.Wait()
		if _, calls := rec.got(); calls != 1 {
			t.Errorf("AddBatches called %d times without samples", calls-1)
		}
		emit(3)
		runErr := errors.New("run failed")
		if err := m.Stop(runErr); err != nil {
			t.Fatal(err)
		}
		emit(4) // after Stop: dropped
		if vals, _ := rec.got(); !cmp.Equal(vals, []float64{1, 2, 3}) {
			t.Errorf("values after Stop = %v", vals)
		}
		if rec.stopWith != runErr {
			t.Errorf("Stop got %v", rec.stopWith)
		}
		snap := agg.Snapshot()
		if n, _ := snap.Stat(snap.Get("iterations"), "count"); n != 6 {
			t.Errorf("aggregate iterations = %v, want 6", n)
		}
	})
}

func TestManagerStartFailure(t *testing.T) {
	t.Parallel()
	var log []string
	boom := errors.New("boom")
	a := &recorder{name: "a", log: &log}
	b := &recorder{name: "b", log: &log}
	c := &recorder{name: "c", log: &log, startErr: boom}
	d := &recorder{name: "d", log: &log}
	m := output.NewManager(&metrics.Buffer{}, []output.Output{a, b, c, d}, time.Millisecond, nil)
	err := m.Start(context.Background())
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "starting output c: boom") {
		t.Fatalf("Start error = %v", err)
	}
	if d := cmp.Diff([]string{"start a", "start b", "start c", "stop b", "stop a"}, log); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if !errors.Is(a.stopWith, boom) {
		t.Errorf("a stopped with %v", a.stopWith)
	}
}

func TestManagerStopErrors(t *testing.T) {
	t.Parallel()
	var log []string
	e1, e2 := errors.New("e1"), errors.New("e2")
	outs := []output.Output{&recorder{name: "a", log: &log, stopErr: e1}, &recorder{name: "b", log: &log}, &recorder{name: "c", log: &log, stopErr: e2}}
	m := output.NewManager(&metrics.Buffer{}, outs, time.Millisecond, nil)
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := m.Stop(nil)
	if !errors.Is(err, e1) || !errors.Is(err, e2) || !strings.Contains(err.Error(), "stopping output a: e1") {
		t.Errorf("Stop error = %v", err)
	}
	if d := cmp.Diff([]string{"start a", "start b", "start c", "stop a", "stop b", "stop c"}, log); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

// BenchmarkEmitSwapAggregate measures the whole sample path after a VU:
// Emit into the buffer, the manager's swap, and the aggregate's sinks.
func BenchmarkEmitSwapAggregate(b *testing.B) {
	reg := metrics.NewRegistry()
	metrics.RegisterBuiltins(reg)
	ttft := reg.MustNewMetric("llm_ttft", metrics.Trend, metrics.Time)
	itl := reg.MustNewMetric("llm_itl", metrics.Trend, metrics.Time)
	reqs := reg.MustNewMetric("llm_requests", metrics.Counter)
	agg, _ := aggregate.New(reg, nil, aggregate.Options{})
	buf := &metrics.Buffer{}
	m := output.NewManager(buf, []output.Output{agg}, time.Hour, nil) // flushed by hand below
	tags := metrics.NewTagSet(map[string]string{"model": "m", "scenario": "default"})
	samples := []metrics.Sample{{Metric: reqs, Value: 1}, {Metric: ttft, Value: 120}}
	for range 30 {
		samples = append(samples, metrics.Sample{Metric: itl, Value: 20})
	}
	const batchesPerFlush = 100
	b.ReportAllocs()
	for b.Loop() {
		for range batchesPerFlush {
			buf.Emit(metrics.Batch{Tags: tags, Samples: samples})
		}
		m.Flush()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batchesPerFlush*len(samples)), "ns/sample")
}

// blocker is an Output whose first AddBatches waits until release closes.
type blocker struct {
	entered, release chan struct{}
	once             sync.Once
	n                atomic.Int64
}

func (b *blocker) Description() string         { return "blocker" }
func (b *blocker) Start(context.Context) error { return nil }
func (b *blocker) Stop(error) error            { return nil }
func (b *blocker) AddBatches(bs []metrics.Batch) {
	b.n.Add(int64(len(bs)))
	b.once.Do(func() {
		close(b.entered)
		<-b.release
	})
}

// TestManagerHelpsAStarvedFlush: a VU whose Emit fills a shard wakes the
// Manager's goroutine to flush before its interval (here an hour), and from
// four times that it flushes itself or waits for the flush under way (here
// held up by the output; in a run, by VUs that never block keeping it off
// the CPU) rather than grow the buffer without bound.
func TestManagerHelpsAStarvedFlush(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	it := metrics.RegisterBuiltins(reg).Iterations
	out := &blocker{entered: make(chan struct{}), release: make(chan struct{})}
	buf := &metrics.Buffer{}
	m := output.NewManager(buf, []output.Output{out}, time.Hour, nil)
	if err := m.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	emit := func() { buf.Emit(metrics.Batch{Samples: []metrics.Sample{{Metric: it, Value: 1}}}) }
	// The first VU fills the shard and wakes the Manager, whose flush the
	// output then holds.
	go func() {
		for range output.FlushAt {
			emit()
		}
	}()
	select {
	case <-out.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no flush while the Manager's goroutine could not flush")
	}
	if got := out.n.Load(); got != output.FlushAt {
		t.Fatalf("the early flush took %d batches, want %d", got, output.FlushAt)
	}
	// A second VU may fill the shard four times over, then waits.
	var emitted atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 10 * output.FlushAt {
			emit()
			emitted.Add(1)
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for prev := int64(-1); ; {
		time.Sleep(50 * time.Millisecond)
		n := emitted.Load()
		if n == prev {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second VU never waited: %d batches emitted", n)
		}
		prev = n
	}
	if got, want := emitted.Load(), int64(4*output.FlushAt-1); got != want {
		t.Fatalf("the second VU waited after %d batches, want %d", got, want)
	}
	close(out.release)
	<-done
	if err := m.Stop(nil); err != nil {
		t.Fatal(err)
	}
	if got, want := out.n.Load(), int64(11*output.FlushAt); got != want {
		t.Errorf("the output got %d batches, want %d", got, want)
	}
}
