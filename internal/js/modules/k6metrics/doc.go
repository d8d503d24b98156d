// Package k6metrics holds the "k6/metrics" built-in module: the Counter,
// Gauge, Rate and Trend constructors for custom metrics.
package k6metrics
