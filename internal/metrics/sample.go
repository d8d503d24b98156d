package metrics

import (
	"context"
	"sync"
	"time"
)

// Sample is one value of one metric.
type Sample struct {
	Metric *Metric
	Value  float64
}

// Batch is a group of samples that share a time, tags and metadata: the
// samples of one request, one check, one iteration end.
type Batch struct {
	Time time.Time
	Tags *TagSet
	// Metadata holds non-indexed values such as vu and iter (k6's metadata):
	// written by the JSON and CSV outputs, never used for aggregation.
	Metadata map[string]string
	Samples  []Sample
}

// Emitter receives batches. Emit must never block the caller for long and
// must not retain the Samples slice's backing array beyond the call unless the
// caller hands it over (callers build a fresh slice per batch).
type Emitter interface{ Emit(Batch) }

// EmitterFunc adapts a function to Emitter.
type EmitterFunc func(Batch)

// Emit calls f(b).
func (f EmitterFunc) Emit(b Batch) { f(b) }

// Discard is an Emitter that drops everything.
var Discard Emitter = EmitterFunc(func(Batch) {})

// Source produces batches on its own schedule until ctx ends (GPU samplers,
// server-metrics scrapers).
type Source interface {
	Run(ctx context.Context, out Emitter) error
}

// Buffer is an Emitter that appends batches under a short mutex; a consumer
// takes everything collected so far with Swap. No channel send can stall a VU.
// It is safe for concurrent use.
type Buffer struct {
	mu      sync.Mutex
	batches []Batch
	closed  bool
}

// Emit appends b. After Close, batches are dropped.
func (b *Buffer) Emit(batch Batch) {
	b.mu.Lock()
	if !b.closed {
		b.batches = append(b.batches, batch)
	}
	b.mu.Unlock()
}

// Swap returns the batches collected since the last call, replacing the
// buffer's storage with spare (which may be nil; its contents are discarded),
// so a consumer can recycle slices.
func (b *Buffer) Swap(spare []Batch) []Batch {
	b.mu.Lock()
	out := b.batches
	b.batches = spare[:0]
	b.mu.Unlock()
	return out
}

// Close makes later Emits drop their batches.
func (b *Buffer) Close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
}

// D converts a duration to k6's float milliseconds.
func D(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
