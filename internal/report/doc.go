// Package report turns the results of one or more runs into a report: the
// tables of `llmbench report` as Markdown, as JSON, and as one
// self-contained HTML page with inline SVG charts that needs no network when
// it is viewed.
//
// # Input
//
// A run is k6's JSON output (`llmbench run --out json=FILE`, plain or
// gzipped: "Metric" lines then "Point" lines), or a results directory
// holding such a samples file (samples.jsonl.gz) and an optional
// metadata.json that names the run and its workload, model and target. A
// directory whose subdirectories are runs stands for all of them.
//
// # Memory
//
// Files are streamed line by line. Every distribution is a
// metrics.TrendSink (a bounded sketch), kept per run, per
// workload/model/target group and per time bucket; there are at most
// MaxBuckets buckets per run, whose width doubles as a run gets longer. So
// memory depends on the number of runs and groups, never on the number of
// samples.
//
// # Output
//
// Build computes the Report (its JSON form is the ".json" output);
// WriteMarkdown and WriteHTML render it. Nothing in the package is safe for
// concurrent use.
package report
