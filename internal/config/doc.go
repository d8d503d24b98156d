// Package config holds llmbench's run options and their consolidation, as k6
// does it.
//
// Each source of options is a layer: the --config JSON file (FromFile), the
// script's exported options (FromScriptJSON), K6_* and LLMBENCH_* environment
// variables (FromEnv) and the command-line flags (RegisterFlags, then
// Flags.Options). Every field of Options records whether its layer set it, so
// a higher layer overrides only what it set. Consolidate merges the layers,
// low to high, applies the defaults, turns the shortcut options (vus,
// duration, iterations, stages) into a "default" scenario and validates the
// result into one immutable Run.
//
// # Layering
//
// Precedence, low to high: defaults < file < script < env < flags. A layer
// that sets any of duration, iterations, stages or scenarios erases all four
// from the layers below it.
//
// # Errors
//
// Every invalid option gives an error naming its key, wrapped in an
// exit.Error with exit.InvalidConfig (104). Unknown top-level keys of the
// script's options are not errors: they give one warning.
//
// Nothing in this package reads the process environment or flags by itself.
package config
