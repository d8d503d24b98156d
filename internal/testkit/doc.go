// Package testkit holds small fakes for engine tests: FuncRunner, a
// vu.Runner whose iteration is a Go function and whose VUs emit iterations
// and iteration_duration as real VUs do, and CaptureEmitter, a
// metrics.Emitter that records batches for assertions. Both are safe for
// concurrent use and work inside testing/synctest bubbles.
package testkit
