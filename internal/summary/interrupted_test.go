package summary

import (
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/metrics"
)

// TestInterruptedWarning: requests cut by the end of the test are counted
// in the summary's warning, and dropped iterations are then not blamed on
// the load generator (the server held the VUs).
func TestInterruptedWarning(t *testing.T) {
	reg := metrics.NewRegistry()
	b := metrics.RegisterBuiltins(reg)
	cut, err := reg.NewMetric(interruptedMetric, metrics.Trend, metrics.Time)
	if err != nil {
		t.Fatal(err)
	}
	agg, err := aggregate.New(reg, nil, aggregate.Options{Elapsed: func() time.Duration { return 10 * time.Second }})
	if err != nil {
		t.Fatal(err)
	}
	agg.AddBatches([]metrics.Batch{{Time: time.Now(), Tags: metrics.NewTagSet(nil), Samples: []metrics.Sample{
		{Metric: cut, Value: 2000}, {Metric: cut, Value: 4000}, {Metric: b.DroppedIterations, Value: 3},
	}}})
	snap := agg.Snapshot()
	w := Interrupted(snap)
	if !strings.HasPrefix(w, "WARNING: 2 requests were still open at the end of the test") || !strings.Contains(w, "max=4s") {
		t.Errorf("Interrupted = %q", w)
	}
	if s := Saturation(snap); s != "" {
		t.Errorf("Saturation blames the client for a server that held the VUs: %q", s)
	}
}
