package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/csv"
	"github.com/llmbench/llmbench/internal/output/influxdb"
	"github.com/llmbench/llmbench/internal/output/json"
	"github.com/llmbench/llmbench/internal/output/promrw"
)

// outputConstructors maps --out types to constructors (explicit wiring, no
// self-registration).
var outputConstructors = map[string]func(output.Params) (output.Output, error){
	"json":                       func(p output.Params) (output.Output, error) { return json.New(p) },
	"csv":                        func(p output.Params) (output.Output, error) { return csv.New(p) },
	"influxdb":                   func(p output.Params) (output.Output, error) { return influxdb.New(p) },
	"experimental-prometheus-rw": func(p output.Params) (output.Output, error) { return promrw.New(p) },
}

// unavailableOutputs are k6 output types llmbench does not have, with why.
var unavailableOutputs = map[string]string{
	"kafka":                      "was removed from k6; use the xk6-output-kafka extension with k6",
	"datadog":                    "was removed from k6; use the statsd agent of Datadog with k6",
	"statsd":                     "was removed from k6; use the xk6-output-statsd extension with k6",
	"cloud":                      "is Grafana Cloud k6 only",
	"opentelemetry":              "is not available in llmbench yet; use experimental-prometheus-rw",
	"experimental-opentelemetry": "is not available in llmbench yet; use experimental-prometheus-rw",
	"web-dashboard":              "is not available in llmbench; use the Grafana dashboards in dashboards/",
}

// Types returns the --out types llmbench knows, sorted.
func Types() []string {
	types := make([]string, 0, len(outputConstructors))
	for t := range outputConstructors {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// New builds one output per spec ("TYPE" or "TYPE=ARG", as given to
// --out and K6_OUT), in order. Each gets p with ConfigArgument set to its
// ARG and JSONConfig to p.Collectors[TYPE]. An unknown type or a bad
// configuration is an exit.InvalidConfig error.
func New(specs []string, p output.Params) ([]output.Output, error) {
	outs := make([]output.Output, 0, len(specs))
	for _, spec := range specs {
		typ, arg, _ := strings.Cut(spec, "=")
		typ = strings.TrimSpace(typ)
		newOut, ok := outputConstructors[typ]
		if !ok {
			if why, known := unavailableOutputs[typ]; known {
				return nil, exit.Errorf(exit.InvalidConfig, "output %q %s", typ, why)
			}
			return nil, exit.Errorf(exit.InvalidConfig, "unsupported output type %q; available: %s", typ, strings.Join(Types(), ", "))
		}
		op := p
		op.ConfigArgument = arg
		op.JSONConfig = p.Collectors[typ]
		o, err := newOut(op)
		if err != nil {
			return nil, exit.New(exit.InvalidConfig, fmt.Errorf("--out %s: %w", spec, err))
		}
		outs = append(outs, o)
	}
	return outs, nil
}
