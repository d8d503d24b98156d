package llm

import (
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// InterruptedMetric is the Trend of how long each request cut by the end
// of the test (errorCode "interrupted") had been open when it was cut.
const InterruptedMetric = "llm_interrupted_duration"

// appendInterrupted adds r's open time to s when r was interrupted: from
// sending to now, the cut (Batch runs as the request returns). Timing.End
// is no measure of it: it is the arrival of the last byte received, which
// may be long before a stalled stream is cut.
func appendInterrupted(s []metrics.Sample, m *metrics.Metric, r *Result) []metrics.Sample {
	if r.ErrorCode != ErrInterrupted || m == nil {
		return s
	}
	var d time.Duration
	if !r.Timing.Send.IsZero() {
		d = max(time.Since(r.Timing.Send), 0)
	}
	return append(s, metrics.Sample{Metric: m, Value: metrics.D(d)})
}
