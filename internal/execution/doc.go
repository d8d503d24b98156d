// Package execution holds the Scheduler, which runs a test the way k6's
// does: it initialises the planned VUs (Init), then marks the test started,
// runs setup(), starts every scenario's executor at its startTime, waits for
// them, runs teardown() and reports vus and vus_max every second.
//
// # Contexts
//
// Run takes two contexts. Cancelling runCtx (first Ctrl-C, end of
// --duration) gracefully stops every executor: no new iterations, and
// running ones get gracefulStop to finish. globalCtx covers teardown; when
// it ends, everything is interrupted. vu.State.Abort (exec.test.abort,
// abortOnFail thresholds) interrupts every iteration at once, still runs
// teardown, and makes Run return the abort error.
//
// VUs live in one pool shared by every scenario: a VU released by a
// scenario that ended is reused by a later one.
package execution
