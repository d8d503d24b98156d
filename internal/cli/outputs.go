package cli

import (
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/catalog"
)

// NewOutputs builds one output per --out spec ("TYPE" or "TYPE=ARG"), in
// order: json, csv, influxdb and experimental-prometheus-rw. Each gets p
// with ConfigArgument set to its ARG and JSONConfig to p.Collectors[TYPE].
// An unknown type or a bad configuration is an exit.InvalidConfig error.
// The outputs go after the aggregate in the Manager's list.
func NewOutputs(specs []string, p output.Params) ([]output.Output, error) {
	return catalog.New(specs, p)
}
