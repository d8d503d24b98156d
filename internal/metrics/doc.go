// Package metrics holds llmbench's metric model: metric definitions and their
// registry, immutable tag sets, samples grouped into batches, the Emitter that
// carries batches from a VU to the outputs without blocking, and the sinks that
// aggregate samples (Counter, Gauge, Rate and a bounded-memory Trend).
//
// It imports nothing else from llmbench. Registry, Buffer and the sinks' owners
// are safe for concurrent use as documented on each type; sinks themselves are
// not synchronised and belong to a single goroutine (the aggregate output).
package metrics
