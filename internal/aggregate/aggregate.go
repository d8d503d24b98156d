package aggregate

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/threshold"
)

// Options configure an Aggregate. The zero value is usable.
type Options struct {
	// Abort is called once, from the evaluation goroutine, when an
	// abortOnFail threshold fails after its delayAbortEval. The error
	// carries exit code 99.
	Abort func(error)
	// Elapsed returns the test run duration so far (for Counter rates and
	// delayAbortEval). Default: the time since Start.
	Elapsed func() time.Duration
	// Interval is the period of threshold evaluation during the run
	// (default 2s).
	Interval time.Duration
	// NoThresholds turns evaluation off (--no-thresholds); submetrics named
	// by thresholds are still aggregated.
	NoThresholds bool
	// Submetrics are kept whether or not a threshold names them, as k6
	// keeps http_req_duration{expected_response:true}: metric name → one
	// tag and value. A metric missing from the registry is skipped.
	Submetrics []Submetric
}

// Submetric names a submetric by its parent and one tag.
type Submetric struct{ Metric, Tag, Value string }

// sub is one submetric: a sink fed by the parent's samples whose tags
// contain all of Tags.
type sub struct {
	name, suffix string
	tags         *metrics.TagSet
	sink         metrics.Sink
	// hideEmpty leaves the submetric out of snapshots until it has a
	// sample (Options.Submetrics; those named by thresholds always show).
	hideEmpty bool
	// last and lastOK remember the last tag set matched: a VU's samples
	// come with the same (cached, immutable) set request after request.
	last   *metrics.TagSet
	lastOK bool
}

// matches reports whether tags contain the submetric's tags.
func (s *sub) matches(tags *metrics.TagSet) bool {
	if tags != s.last || s.last == nil {
		s.last, s.lastOK = tags, tags.Contains(s.tags)
	}
	return s.lastOK
}

// tracked is one threshold key bound to its sink.
type tracked struct {
	entry  *threshold.Entry
	metric *metrics.Metric
	sink   metrics.Sink
}

// Aggregate is an output.Output that keeps sinks, checks and groups and
// evaluates thresholds.
type Aggregate struct {
	reg  *metrics.Registry
	ths  threshold.Set
	opts Options

	mu      sync.Mutex
	sinks   []metrics.Sink // by Metric.Index; nil until the first sample
	subs    [][]*sub       // by parent Metric.Index
	tracked []tracked
	checks  checkBook
	started time.Time
	aborted bool

	stopTick func()
	tickDone chan struct{}
}

// New builds an Aggregate for the metrics of reg and the thresholds ths.
// Every threshold key must name a metric of reg (see threshold.Set.Validate).
func New(reg *metrics.Registry, ths threshold.Set, opts Options) (*Aggregate, error) {
	if opts.Interval <= 0 {
		opts.Interval = 2 * time.Second
	}
	a := &Aggregate{reg: reg, ths: ths, opts: opts}
	a.checks.init(reg)
	for _, e := range ths {
		m := reg.Get(e.Metric)
		if m == nil {
			return nil, exit.Errorf(exit.InvalidConfig, "invalid threshold defined on %s; reason: no metric name %q found", e.Name, e.Metric)
		}
		a.grow(m.Index)
		var sink metrics.Sink
		if e.Tags == nil {
			sink = a.sinkFor(m)
		} else {
			s := &sub{name: e.Name, suffix: e.Suffix, tags: e.Tags, sink: metrics.NewSink(m.Type)}
			a.subs[m.Index] = append(a.subs[m.Index], s)
			sink = s.sink
		}
		a.tracked = append(a.tracked, tracked{entry: e, metric: m, sink: sink})
	}
	for _, sm := range opts.Submetrics {
		m := reg.Get(sm.Metric)
		if m == nil {
			continue
		}
		a.grow(m.Index)
		suffix := sm.Tag + ":" + sm.Value
		name := m.Name + "{" + suffix + "}"
		dup := false
		for _, s := range a.subs[m.Index] {
			dup = dup || s.name == name
		}
		if !dup {
			a.subs[m.Index] = append(a.subs[m.Index], &sub{name: name, suffix: suffix,
				tags: metrics.NewTagSet(map[string]string{sm.Tag: sm.Value}), sink: metrics.NewSink(m.Type), hideEmpty: true})
		}
	}
	return a, nil
}

func (a *Aggregate) grow(i int) {
	for len(a.sinks) <= i {
		a.sinks = append(a.sinks, nil)
		a.subs = append(a.subs, nil)
	}
}

func (a *Aggregate) sinkFor(m *metrics.Metric) metrics.Sink {
	if s := a.sinks[m.Index]; s != nil {
		return s
	}
	s := metrics.NewSink(m.Type)
	a.sinks[m.Index] = s
	return s
}

// Description implements output.Output.
func (a *Aggregate) Description() string { return "aggregate (summary and thresholds)" }

// Start implements output.Output: it starts the periodic threshold
// evaluation, which ends with ctx or Stop.
func (a *Aggregate) Start(ctx context.Context) error {
	a.mu.Lock()
	a.started = time.Now()
	a.mu.Unlock()
	if a.opts.NoThresholds || len(a.tracked) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	a.stopTick = cancel
	a.tickDone = make(chan struct{})
	go a.tick(ctx)
	return nil
}

func (a *Aggregate) tick(ctx context.Context) {
	defer close(a.tickDone)
	t := time.NewTicker(a.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.evaluate(false); err != nil && a.opts.Abort != nil {
				a.opts.Abort(err)
			}
		}
	}
}

// AddBatches implements output.Output. It allocates only when a metric or
// check is seen for the first time.
func (a *Aggregate) AddBatches(batches []metrics.Batch) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range batches {
		b := &batches[i]
		for _, s := range b.Samples {
			m := s.Metric
			if m == nil {
				continue
			}
			if m.Index >= len(a.sinks) {
				a.grow(m.Index)
			}
			a.sinkFor(m).Add(s.Value)
			for _, sm := range a.subs[m.Index] {
				if sm.matches(b.Tags) {
					sm.sink.Add(s.Value)
				}
			}
			a.checks.observe(m, b.Tags, s.Value)
		}
	}
}

// Stop implements output.Output: it ends the periodic evaluation and runs
// the final one, which includes empty sinks.
func (a *Aggregate) Stop(error) error {
	if a.stopTick != nil {
		a.stopTick()
		<-a.tickDone
		a.stopTick = nil
	}
	if a.opts.NoThresholds {
		return nil
	}
	_ = a.evaluate(true)
	return nil
}

func (a *Aggregate) elapsed() time.Duration {
	if a.opts.Elapsed != nil {
		return a.opts.Elapsed()
	}
	if a.started.IsZero() {
		return 0
	}
	return time.Since(a.started)
}

// evaluate checks every threshold; final includes empty sinks. It returns
// the abort error the first time an abortOnFail threshold fails past its
// delay.
func (a *Aggregate) evaluate(final bool) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	elapsed := a.elapsed()
	var abortNames []string
	for _, t := range a.tracked {
		if !final && t.sink.Empty() {
			continue
		}
		abort := false
		for _, th := range t.entry.Thresholds {
			v, ok := statValue(t.sink, t.metric.Type, th.Agg, elapsed)
			if !ok { // an empty Rate has no value: the threshold passes
				th.LastFailed = false
				continue
			}
			if !th.Check(v) && th.AbortOnFail && (th.DelayAbortEval == 0 || th.DelayAbortEval < elapsed) {
				abort = true
			}
		}
		if abort {
			abortNames = append(abortNames, t.entry.Name)
		}
	}
	if len(abortNames) == 0 || a.aborted || final {
		return nil
	}
	a.aborted = true
	sort.Strings(abortNames)
	return exit.Errorf(exit.ThresholdsFailed,
		"thresholds on metrics '%s' were crossed; at least one has abortOnFail enabled, stopping test prematurely",
		strings.Join(abortNames, ", "))
}

// statValue returns a sink's aggregate for a threshold; ok is false when the
// value is absent (an empty Rate).
func statValue(s metrics.Sink, t metrics.Type, agg string, elapsed time.Duration) (float64, bool) {
	if t == metrics.Rate && s.Empty() {
		return 0, false
	}
	v, err := s.Stat(agg, elapsed)
	if err != nil {
		return 0, false
	}
	return v, true
}

// Failed returns the names of the threshold keys with a failed threshold
// after the latest evaluation, sorted.
func (a *Aggregate) Failed() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, t := range a.tracked {
		for _, th := range t.entry.Thresholds {
			if th.LastFailed {
				out = append(out, t.entry.Name)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// FailedError returns k6's end-of-test error for Failed (exit 99), or nil.
func (a *Aggregate) FailedError() error {
	names := a.Failed()
	if len(names) == 0 {
		return nil
	}
	return exit.Errorf(exit.ThresholdsFailed, "thresholds on metrics '%s' have been crossed", strings.Join(names, ", "))
}

func (a *Aggregate) String() string { return fmt.Sprintf("aggregate(%d thresholds)", len(a.tracked)) }
