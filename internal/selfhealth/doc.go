// Package selfhealth watches the load generator itself during a run: the
// process's CPU time against the cores it may use, garbage-collection
// pauses, and the Go scheduler's latency (how long runnable goroutines —
// the ones that timestamp tokens — waited for a thread), read from
// runtime/metrics and getrusage. A Monitor is a metrics.Source that samples
// once per interval; its Summary is printed after the run (CLIENT section),
// handed to handleSummary as data.client, and says why the generator looks
// saturated, in which case the results describe the client rather than the
// server.
package selfhealth
