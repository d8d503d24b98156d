package testkit

import (
	"sync"

	"github.com/llmbench/llmbench/internal/metrics"
)

// CaptureEmitter records every batch it is given. The zero value is ready.
type CaptureEmitter struct {
	mu      sync.Mutex
	batches []metrics.Batch
}

// Emit records b.
func (c *CaptureEmitter) Emit(b metrics.Batch) {
	c.mu.Lock()
	c.batches = append(c.batches, b)
	c.mu.Unlock()
}

// Batches returns a copy of the batches recorded so far.
func (c *CaptureEmitter) Batches() []metrics.Batch {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]metrics.Batch(nil), c.batches...)
}

// Samples returns the values of every sample of the metric named name, with
// the tags of its batch, in emission order.
func (c *CaptureEmitter) Samples(name string) []TaggedValue {
	var out []TaggedValue
	for _, b := range c.Batches() {
		for _, s := range b.Samples {
			if s.Metric != nil && s.Metric.Name == name {
				out = append(out, TaggedValue{Value: s.Value, Tags: b.Tags, Batch: b})
			}
		}
	}
	return out
}

// TaggedValue is one recorded sample value with its batch.
type TaggedValue struct {
	Value float64
	Tags  *metrics.TagSet
	Batch metrics.Batch
}

// Sum returns the sum of the metric's sample values.
func (c *CaptureEmitter) Sum(name string) float64 {
	var sum float64
	for _, s := range c.Samples(name) {
		sum += s.Value
	}
	return sum
}

// Count returns the number of samples of the metric.
func (c *CaptureEmitter) Count(name string) int { return len(c.Samples(name)) }
