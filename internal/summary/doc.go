// Package summary holds the end-of-test summary: k6's legacy data object
// passed to handleSummary (Data), the compact text summary printed on stdout
// (Text), the --summary-export JSON (Export), the writing of handleSummary's
// result to stdout, stderr and files (WriteResults), and the warning printed
// when the load generator itself was the bottleneck (Saturation).
//
// Everything here is a pure function of an aggregate.Snapshot and Options.
//
// # Choices where k6 is silent
//
//   - Only k6's compact layout is rendered (no full-mode group and scenario
//     breakdowns).
//   - schedule_lag, llmbench's engine metric, is listed under EXECUTION.
//   - A submetric threshold whose parent also has thresholds is headed by
//     "{k:v}" indented two more spaces, its results too.
//   - Trend percentiles come from a DDSketch (see metrics.TrendSink), so
//     p(N) and med are within metrics.TrendRelativeAccuracy of k6's exact
//     interpolation; count, sum, min, max and avg are exact.
//   - The saturation warning (Saturation) is one line after TOTAL RESULTS:
//     schedule_lag p(99) above 100ms, any dropped_iterations, or a reason
//     from the client's self-health (Options.Saturated: CPU near all cores,
//     Go scheduler latency).
//   - Export re-encodes through Go maps, so object keys come out sorted
//     (k6's order follows JavaScript insertion order; readers use keys).
package summary
