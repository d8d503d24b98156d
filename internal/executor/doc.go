// Package executor holds llmbench's six k6 executors (shared-iterations,
// per-vu-iterations, constant-vus, ramping-vus, constant-arrival-rate and
// ramping-arrival-rate): strict decoding of a scenario's options with k6's
// defaults and validation (ParseConfig), the pure schedule math
// (schedule.go: elapsed → VUs, k-th iteration start), and the executors that
// run iterations on VUs borrowed from a pool (Env).
//
// # Stopping
//
// Every executor has a regular end (its duration, maxDuration, or the sum of
// its stages) and a hard end, gracefulStop later. After the regular end no
// iteration starts; at the hard end running iterations are interrupted.
// Cancelling the context given to Run is a graceful stop: no new
// iterations, and running ones are interrupted gracefulStop later at the
// latest. Cancelling Env.Kill interrupts every running iteration at once
// (test.abort, abortOnFail).
//
// # Execution segments
//
// Schedules are computed for a Segment of the whole test (0:1 by default), so
// that N instances (k6-operator runners) split one test exactly as k6 does:
// VU counts are Segment.Scale'd; shared-iterations splits its iterations,
// and the arrival-rate executors their arrivals, by the tuple re-segmented
// by vus or maxVUs (Segment.Resegment); iterationInTest is the striped
// global index (core.ids). A new executor applies the same three calls in
// its New (see Segment's doc for the recipe).
//
// Executors are safe to observe (Progress) from any goroutine while Run runs.
package executor
