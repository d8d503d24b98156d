package output

import (
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// BatchBuffer keeps batches handed to AddBatches until a flusher takes them.
// Add only appends Batch values (their contents are immutable), so it never
// blocks for long. It is safe for concurrent use.
type BatchBuffer struct {
	mu      sync.Mutex
	batches []metrics.Batch
}

// Add appends bs.
func (b *BatchBuffer) Add(bs []metrics.Batch) {
	b.mu.Lock()
	b.batches = append(b.batches, bs...)
	b.mu.Unlock()
}

// Swap returns everything added since the last call, giving the buffer
// spare's storage (which may be nil) for what comes next.
func (b *BatchBuffer) Swap(spare []metrics.Batch) []metrics.Batch {
	clear(spare)
	b.mu.Lock()
	out := b.batches
	b.batches = spare[:0]
	b.mu.Unlock()
	return out
}

// Flusher calls a function every interval on its own goroutine, and once
// more at Stop. Calls never overlap.
type Flusher struct {
	fn   func()
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// NewFlusher starts calling fn every interval (which must be > 0).
func NewFlusher(interval time.Duration, fn func()) *Flusher {
	f := &Flusher{fn: fn, stop: make(chan struct{}), done: make(chan struct{})}
	go f.loop(interval)
	return f
}

func (f *Flusher) loop(interval time.Duration) {
	defer close(f.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-f.stop:
			f.fn()
			return
		case <-t.C:
			f.fn()
		}
	}
}

// Stop ends the loop after one last call of fn, and waits for it. Calling
// it again does nothing.
func (f *Flusher) Stop() {
	f.once.Do(func() { close(f.stop) })
	<-f.done
}
