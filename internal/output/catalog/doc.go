// Package catalog holds the map of --out types (json, csv, influxdb,
// experimental-prometheus-rw) to their constructors, and New, which builds
// the outputs of a run's --out specs with exit.InvalidConfig errors for
// unknown types and bad configurations. The CLI calls it through
// cli.NewOutputs.
package catalog
