// Package k6data holds the "k6/data" built-in module: SharedArray, whose
// data is built once per process (the first builder per name wins) and
// read by every VU.
package k6data
