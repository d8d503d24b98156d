// Package dashboards holds the Grafana (10+) dashboards for llmbench's
// time-series outputs, embedded so that tools can write them out:
// llmbench-influxdb.json (InfluxQL, for --out influxdb) and
// llmbench-prometheus.json (PromQL, for --out experimental-prometheus-rw).
// Each has a data source variable, a model variable and a testrun_name
// variable on every query (All also matches series without the tag); the
// Prometheus one also has a collapsed row of native-histogram percentiles
// merged across instances (docs/distributed.md). docs/outputs.md shows how
// to import them.
package dashboards

import "embed"

// FS holds the dashboard JSON files.
//
//go:embed *.json
var FS embed.FS
