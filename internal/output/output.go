// Package output holds the Output interface that everything after a VU
// implements (the aggregate that feeds thresholds and the summary, and the
// json, csv, influxdb and Prometheus outputs), and the Manager that drains
// the VUs' sample buffer and fans batches out to every output in order.
package output

import (
	"context"

	"github.com/llmbench/llmbench/internal/metrics"
)

// Output consumes sample batches.
type Output interface {
	// Description names the output in the run header, e.g. "json (out.json)".
	Description() string
	// Start prepares the output; it is called once before any batch.
	Start(ctx context.Context) error
	// AddBatches hands over batches. It is called from one goroutine; the
	// output must copy or buffer what it needs and return quickly. The
	// slice is reused after the call; the Batches' contents are immutable.
	AddBatches(b []metrics.Batch)
	// Stop flushes everything and releases resources. It is called once,
	// after the last AddBatches, also after an abort (runErr non-nil).
	Stop(runErr error) error
}
