package metrics

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
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
// It is safe for concurrent use; the zero value is ready.
//
// It is sharded: For(id) gives VU id an Emitter on one of a few shards,
// each with its own mutex and storage on its own cache lines, so that VUs
// running on different cores do not all take one lock per request. Emit
// itself uses the first shard. Swap gathers the shards; batches keep their
// order within a shard (a VU's order), not across shards, which no
// consumer needs (every sample carries its time).
type Buffer struct {
	once   sync.Once
	shards []bufferShard
	full   atomic.Pointer[fullHook]
}

// fullHook is what OnFull set.
type fullHook struct {
	at int
	f  func(held int)
}

// bufferShard is one shard, padded to its own cache lines.
type bufferShard struct {
	mu      sync.Mutex
	batches []Batch
	closed  bool
	full    *atomic.Pointer[fullHook] // the Buffer's
	_       [64]byte
}

// Emit appends batch to the shard. After Close, batches are dropped.
func (s *bufferShard) Emit(batch Batch) {
	s.mu.Lock()
	n := 0
	if !s.closed {
		s.batches = append(s.batches, batch)
		n = len(s.batches)
	}
	s.mu.Unlock()
	if h := s.full.Load(); h != nil && n >= h.at {
		h.f(n)
	}
}

// OnFull makes an Emit that leaves its shard holding n or more batches
// call f with that number, on the emitting goroutine, after the shard's
// lock is released.
// The consumer drains the buffer on its own schedule; when VUs that never
// block (CPU-bound iterations) keep its goroutine from running, f lets
// the producers drain it (a helping flush), which bounds the buffer.
func (b *Buffer) OnFull(n int, f func(held int)) {
	b.once.Do(b.init)
	b.full.Store(&fullHook{at: n, f: f})
}

// bufferShards is the number of shards: a few per P.
func bufferShards() int { return min(4*runtime.GOMAXPROCS(0), 256) }

func (b *Buffer) init() {
	b.shards = make([]bufferShard, bufferShards())
	for i := range b.shards {
		b.shards[i].full = &b.full
	}
}

// Emit appends batch. After Close, batches are dropped.
func (b *Buffer) Emit(batch Batch) {
	b.once.Do(b.init)
	b.shards[0].Emit(batch)
}

// For returns the Emitter VU id should use: one shard of b.
func (b *Buffer) For(id uint64) Emitter {
	b.once.Do(b.init)
	return &b.shards[id%uint64(len(b.shards))]
}

// Swap returns the batches collected since the last call, appended to
// spare[:0] (which may be nil), so a consumer can recycle slices.
func (b *Buffer) Swap(spare []Batch) []Batch {
	b.once.Do(b.init)
	out := spare[:0]
	for i := range b.shards {
		s := &b.shards[i]
		s.mu.Lock()
		out = append(out, s.batches...)
		clear(s.batches) // drop the references the shard's storage held
		s.batches = s.batches[:0]
		s.mu.Unlock()
	}
	return out
}

// Close makes later Emits drop their batches.
func (b *Buffer) Close() {
	b.once.Do(b.init)
	for i := range b.shards {
		s := &b.shards[i]
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
	}
}

// Sharded is an Emitter that gives each VU its own Emitter (Buffer).
type Sharded interface {
	For(id uint64) Emitter
}

// D converts a duration to k6's float milliseconds.
func D(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
