package aggregate

import (
	"sort"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/threshold"
)

// Snapshot is a copy of the aggregate's state for the summary.
type Snapshot struct {
	// Duration is the test run duration.
	Duration time.Duration
	// Metrics are the observed metrics (≥1 sample, or thresholds), and the
	// submetrics named by thresholds, sorted by Name.
	Metrics []*Metric
	// Checks are every check in first-seen order.
	Checks []*Check
	// Root is the root group with its checks and subgroups.
	Root *Group
}

// Metric is one metric or submetric of a Snapshot.
type Metric struct {
	// Name is the metric name, or "parent{k:v}" for a submetric.
	Name string
	// Metric is the (parent) metric definition: type and value type.
	Metric *metrics.Metric
	// Parent is the parent's name for a submetric, else "".
	Parent string
	// Suffix is the submetric's "k:v,k2:v2" text, else "".
	Suffix string
	// Tags are the submetric's tags (nil for a metric).
	Tags *metrics.TagSet
	// Sink is a copy of the aggregated values.
	Sink metrics.Sink
	// Thresholds are copies of the key's thresholds with their results.
	Thresholds []threshold.Threshold
}

// Stat returns one aggregate of the metric over the snapshot's duration.
func (s *Snapshot) Stat(m *Metric, name string) (float64, error) {
	return m.Sink.Stat(name, s.Duration)
}

// Get returns the snapshot metric called name, or nil.
func (s *Snapshot) Get(name string) *Metric {
	for _, m := range s.Metrics {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Snapshot copies the current state. It is safe to call at any time; after
// Stop it holds the final threshold results.
func (a *Aggregate) Snapshot() *Snapshot {
	a.mu.Lock()
	defer a.mu.Unlock()
	snap := &Snapshot{Duration: a.elapsed(), Root: copyGroup(a.checks.root)}
	byName := map[string]*Metric{}
	for _, m := range a.reg.All() {
		if m.Index < len(a.sinks) && a.sinks[m.Index] != nil {
			sm := &Metric{Name: m.Name, Metric: m, Sink: copySink(m.Type, a.sinks[m.Index])}
			byName[m.Name] = sm
			snap.Metrics = append(snap.Metrics, sm)
		}
		if m.Index < len(a.subs) {
			for _, s := range a.subs[m.Index] {
				if s.hideEmpty && s.sink.Empty() {
					continue // k6 shows these only once they have a sample
				}
				sm := &Metric{Name: s.name, Metric: m, Parent: m.Name, Suffix: s.suffix, Tags: s.tags, Sink: copySink(m.Type, s.sink)}
				byName[s.name] = sm
				snap.Metrics = append(snap.Metrics, sm)
			}
		}
	}
	for _, t := range a.tracked {
		sm := byName[t.entry.Name]
		if sm == nil {
			continue
		}
		for _, th := range t.entry.Thresholds {
			sm.Thresholds = append(sm.Thresholds, *th)
		}
	}
	sort.Slice(snap.Metrics, func(i, j int) bool { return snap.Metrics[i].Name < snap.Metrics[j].Name })
	// The copies in the tree, in first-seen order across groups.
	idx := map[string]*Check{}
	var collect func(g *Group)
	collect = func(g *Group) {
		for _, ch := range g.Checks {
			idx[ch.Path] = ch
		}
		for _, sg := range g.Groups {
			collect(sg)
		}
	}
	collect(snap.Root)
	for _, ch := range a.checks.order {
		snap.Checks = append(snap.Checks, idx[ch.Path])
	}
	return snap
}

func copySink(t metrics.Type, s metrics.Sink) metrics.Sink {
	out := metrics.NewSink(t)
	_ = out.Merge(s)
	return out
}
