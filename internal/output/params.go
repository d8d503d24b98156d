package output

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/threshold"
)

// Params is what an output constructor gets: its --out argument, its JSON
// config, the environment and the run's IO. Nothing below the CLI reads
// os.* directly; everything comes from here.
type Params struct {
	// ConfigArgument is the text after "=" in --out TYPE=ARG ("" if none).
	ConfigArgument string
	// JSONConfig is the config file's collectors.<type> value (nil if none).
	JSONConfig json.RawMessage
	// Collectors is the config file's whole "collectors" object by output
	// type; cli.NewOutputs copies each output's entry into JSONConfig.
	Collectors map[string]json.RawMessage
	// Environment holds the process environment (K6_* variables).
	Environment map[string]string
	// Stdout and Stderr are the run's streams ("-" writes to Stdout).
	Stdout, Stderr io.Writer
	// Dir resolves relative file names (the working directory).
	Dir string
	// Logger receives warnings; nil discards them.
	Logger *slog.Logger
	// Registry holds the run's metrics.
	Registry *metrics.Registry
	// Thresholds are the run's thresholds (written into json Metric lines).
	Thresholds threshold.Set
	// SystemTags are the enabled system tags (nil: k6's default set). The
	// csv output makes a column of each indexable one.
	SystemTags []string
}

// Log returns p.Logger, or a logger that discards everything.
func (p Params) Log() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}

// Env returns the environment variable key ("" when unset).
func (p Params) Env(key string) (string, bool) {
	v, ok := p.Environment[key]
	return v, ok
}

// DefaultSystemTags is k6's default set of enabled system tags (reference §2.4).
var DefaultSystemTags = []string{
	"proto", "subproto", "status", "method", "url", "name", "group", "check",
	"error", "error_code", "tls_version", "scenario", "service", "expected_response",
}

// ParseKeyValues reads "k=v,k2=v2" into pairs in order; an empty string
// gives none. A part without "=" is an error.
func ParseKeyValues(s string) ([][2]string, error) {
	if s == "" {
		return nil, nil
	}
	var out [][2]string
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not key=value", part)
		}
		out = append(out, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	return out, nil
}

// JSONSetting turns one value of an output's JSON config (collectors.<type>)
// into the string form its env variable and URL settings take: scalars as
// printed, arrays joined with ",".
func JSONSetting(raw json.RawMessage) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	arr, ok := v.([]any)
	if !ok {
		return fmt.Sprint(v), nil
	}
	parts := make([]string, len(arr))
	for i, a := range arr {
		parts[i] = fmt.Sprint(a)
	}
	return strings.Join(parts, ","), nil
}
