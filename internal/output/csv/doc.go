// Package csv holds the csv output (--out csv[=FILE | =k=v,...]): k6's
// columns (metric_name, timestamp, metric_value, one column per enabled
// indexable system tag, extra_tags, metadata), its options fileName,
// saveInterval and timeFormat (and K6_CSV_*), gzip for .gz names and
// stdout for "-". Rows are buffered and written every saveInterval on the
// output's own goroutine, and completely at Stop.
package csv
