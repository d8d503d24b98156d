// Package threshold holds k6's thresholds: the parser for threshold keys
// (metric{tag:value}) and expressions ("p(95)<200"), the object form with
// abortOnFail and delayAbortEval, the check of which aggregation each metric
// type allows, and the comparison of an aggregated value against a threshold.
//
// Everything here is a pure function over strings and values; evaluation
// against live sinks belongs to the aggregate package.
package threshold
