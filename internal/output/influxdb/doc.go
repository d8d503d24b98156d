// Package influxdb holds the influxdb output (--out influxdb=URL): InfluxDB
// v1 line protocol over HTTP in k6's layout, one measurement per metric,
// the sample tags as tags except those of K6_INFLUXDB_TAGS_AS_FIELDS (url
// by default), which become fields next to the value field "value".
//
// AddBatches only buffers. Every push interval (1s) a goroutine encodes
// what arrived and hands the body to a writer; at most concurrentWrites (4)
// writes are in flight. A write is retried with backoff on network errors,
// 429 and 5xx; a batch that still fails is dropped and counted, and the
// drops are reported once, at Stop. The line-protocol encoding is
// github.com/influxdata/line-protocol/v2, InfluxData's own encoder.
package influxdb
