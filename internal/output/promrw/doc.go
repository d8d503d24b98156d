// Package promrw holds the experimental-prometheus-rw output: Prometheus
// remote write (protobuf WriteRequest, snappy block compression) with k6's
// naming. Every time series (metric and tags) keeps a sink that is
// cumulative from the start of the test: counters become k6_<name>_total,
// gauges k6_<name>, rates k6_<name>_rate, and trends one gauge per stat of
// K6_PROMETHEUS_RW_TREND_STATS, k6_<name>_<stat> (default p99), with time
// values converted from milliseconds to seconds.
//
// AddBatches only buffers; every push interval (5s) a goroutine updates the
// sinks and sends the series that got newer samples. A failed push is not
// lost: the cumulative values are sent again at the next one.
//
// The WriteRequest message is encoded with google.golang.org/protobuf's
// protowire (five fields of prompb's remote.proto), which avoids the whole
// prometheus/prometheus module and its gogo/protobuf dependency for the
// prompb types; snappy comes from github.com/klauspost/compress.
package promrw
