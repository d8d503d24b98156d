// Package json holds the json output (--out json[=FILE]): k6's NDJSON
// format, one "Metric" line before each metric's first point and one
// "Point" line per sample, gzipped when FILE ends in .gz, on stdout when
// FILE is "" or "-". Batches are buffered and written every 200ms on the
// output's own goroutine, and completely at Stop.
package json
