// Package js holds llmbench's script runtime: the ES module loader that
// compiles a k6-dialect script once per process, the per-VU sobek runtimes
// with their globals (__VU, __ITER, __ENV, open, console, timers) and event
// loop, and the Runner that implements vu.Runner (NewVU, Setup, Teardown)
// plus options reading and handleSummary. Package builtin registers the k6
// built-in modules (k6, k6/metrics, k6/execution, k6/data, k6/timers).
package js
