package outputtest

import (
	"testing"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
)

// Feed runs the fixture's batches through an output.Manager with the
// aggregate first and outs after it, as a run does: emitted in parts into
// the buffer, drained every 50ms, and stopped. It returns the aggregate's
// snapshot.
func Feed(t testing.TB, f *Fixture, outs ...output.Output) *aggregate.Snapshot {
	t.Helper()
	agg, err := aggregate.New(f.Registry, nil, aggregate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	buf := &metrics.Buffer{}
	m := output.NewManager(buf, append([]output.Output{agg}, outs...), 0, nil)
	if err := m.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, part := range f.Split(7) {
		for _, b := range part {
			buf.Emit(b)
		}
		m.Flush()
	}
	if err := m.Stop(nil); err != nil {
		t.Fatal(err)
	}
	return agg.Snapshot()
}

// AggregateTotals returns, per counter, rate and trend metric of snap, the
// number of samples and their sum as the aggregate counted them (a rate's
// sum is its passes). Gauges keep no count and are left out.
func AggregateTotals(snap *aggregate.Snapshot) map[string][2]float64 {
	out := map[string][2]float64{}
	for _, m := range snap.Metrics {
		if m.Parent != "" {
			continue
		}
		switch s := m.Sink.(type) {
		case *metrics.CounterSink:
			out[m.Name] = [2]float64{float64(s.N), s.Sum}
		case *metrics.RateSink:
			out[m.Name] = [2]float64{float64(s.Total), float64(s.Trues)}
		case *metrics.TrendSink:
			out[m.Name] = [2]float64{float64(s.Count), s.Sum}
		}
	}
	return out
}
