// Package aggregate holds the Output that aggregates every sample of a run:
// one sink per metric and per submetric named by a threshold, the checks and
// groups seen (for the summary's checks block and root_group), and the
// threshold evaluation — every Interval during the run, skipping empty
// sinks, and once at Stop including them — that can abort a run through the
// Abort callback when an abortOnFail threshold fails.
//
// An Aggregate is safe for concurrent use: AddBatches (the output manager's
// goroutine), the periodic evaluation and Snapshot share one mutex.
package aggregate
