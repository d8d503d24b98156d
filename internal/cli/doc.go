// Package cli holds llmbench's command line: the cobra commands (run,
// inspect, version), the wiring of the engine's parts for a run (script
// runtime, configuration layers, scheduler, outputs, summary, progress) and
// the mapping of the run's outcome to k6's exit codes. It is the only package
// that sees the process's arguments, environment, standard streams and
// signals, all received through Env.
package cli
