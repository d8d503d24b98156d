// Package k6 holds the "k6" built-in module: check, group, sleep, fail and
// randomSeed, with k6's semantics and error messages.
package k6
