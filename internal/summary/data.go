package summary

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/metrics"
)

type dataGroup struct {
	Name   string       `json:"name"`
	Path   string       `json:"path"`
	ID     string       `json:"id"`
	Groups []*dataGroup `json:"groups"`
	Checks []dataCheck  `json:"checks"`
}

type dataCheck struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	ID     string `json:"id"`
	Passes int64  `json:"passes"`
	Fails  int64  `json:"fails"`
}

type dataOptions struct {
	SummaryTrendStats []string `json:"summaryTrendStats"`
	SummaryTimeUnit   string   `json:"summaryTimeUnit"`
	NoColor           bool     `json:"noColor"`
}

type dataState struct {
	IsStdOutTTY       bool    `json:"isStdOutTTY"`
	IsStdErrTTY       bool    `json:"isStdErrTTY"`
	TestRunDurationMs float64 `json:"testRunDurationMs"`
}

type okResult struct {
	OK bool `json:"ok"`
}

type dataMetric struct {
	Type       metrics.Type         `json:"type"`
	Contains   metrics.ValueType    `json:"contains"`
	Values     orderedValues        `json:"values"`
	Thresholds map[string]*okResult `json:"thresholds,omitempty"`
}

type data struct {
	RootGroup *dataGroup             `json:"root_group"`
	Options   dataOptions            `json:"options"`
	State     dataState              `json:"state"`
	Metrics   map[string]*dataMetric `json:"metrics"`
	SetupData json.RawMessage        `json:"setup_data,omitempty"`
}

// orderedValues is a JSON object whose keys keep their order.
type orderedValues []struct {
	key string
	val float64
}

func (o *orderedValues) add(k string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	*o = append(*o, struct {
		key string
		val float64
	}{k, v})
}

// MarshalJSON writes the values in insertion order.
func (o orderedValues) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, kv := range o {
		if i > 0 {
			b = append(b, ',')
		}
		kb, err := json.Marshal(kv.key)
		if err != nil {
			return nil, err
		}
		b = append(append(b, kb...), ':')
		nb, err := json.Marshal(kv.val)
		if err != nil {
			return nil, err
		}
		b = append(b, nb...)
	}
	return append(b, '}'), nil
}

func groupID(path string) string {
	sum := md5.Sum([]byte(path))
	return hex.EncodeToString(sum[:])
}

func exportGroup(g *aggregate.Group) *dataGroup {
	out := &dataGroup{Name: g.Name, Path: g.Path, ID: groupID(g.Path), Groups: []*dataGroup{}, Checks: []dataCheck{}}
	for _, sg := range g.Groups {
		out.Groups = append(out.Groups, exportGroup(sg))
	}
	for _, c := range g.Checks {
		out.Checks = append(out.Checks, dataCheck{Name: c.Name, Path: c.Path, ID: groupID(c.Path), Passes: c.Passes, Fails: c.Fails})
	}
	return out
}

// metricValues returns a metric's summary values as k6 gives them to
// handleSummary: Trend keys are exactly the trend stats.
func metricValues(s *aggregate.Snapshot, m *aggregate.Metric, stats []string) orderedValues {
	var v orderedValues
	st := func(name string) float64 { x, _ := s.Stat(m, name); return x }
	switch m.Metric.Type {
	case metrics.Counter:
		v.add("count", st("count"))
		v.add("rate", st("rate"))
	case metrics.Gauge:
		v.add("value", st("value"))
		v.add("min", st("min"))
		v.add("max", st("max"))
	case metrics.Rate:
		v.add("rate", st("rate"))
		v.add("passes", st("passes"))
		v.add("fails", st("fails"))
	default:
		for _, name := range stats {
			v.add(name, st(name))
		}
	}
	return v
}

// Data builds handleSummary's argument: k6's legacy summary data (root_group
// with md5 ids, options, state, metrics with thresholds {ok}, setup_data).
func Data(s *aggregate.Snapshot, o Options) ([]byte, error) {
	stats := o.trendStats()
	for _, st := range stats {
		if err := ValidTrendStat(st); err != nil {
			return nil, err
		}
	}
	root := &aggregate.Group{}
	if s.Root != nil {
		root = s.Root
	}
	d := data{
		RootGroup: exportGroup(root),
		Options:   dataOptions{SummaryTrendStats: stats, SummaryTimeUnit: o.TimeUnit, NoColor: o.NoColor},
		State:     dataState{IsStdOutTTY: o.StdoutTTY, IsStdErrTTY: o.StderrTTY, TestRunDurationMs: metrics.D(s.Duration)},
		Metrics:   map[string]*dataMetric{},
		SetupData: o.SetupData,
	}
	for _, m := range s.Metrics {
		dm := &dataMetric{Type: m.Metric.Type, Contains: m.Metric.Contains, Values: metricValues(s, m, stats)}
		if len(m.Thresholds) > 0 {
			dm.Thresholds = map[string]*okResult{}
			for _, th := range m.Thresholds {
				dm.Thresholds[th.Source] = &okResult{OK: !th.LastFailed}
			}
		}
		d.Metrics[m.Name] = dm
	}
	return marshal(d, "")
}

// ValidTrendStat checks a summaryTrendStats entry with k6's error text.
func ValidTrendStat(st string) error {
	switch st {
	case "avg", "min", "med", "max", "count":
		return nil
	}
	if _, ok, err := metrics.ParsePercentile(st); ok {
		return err
	}
	return fmt.Errorf("invalid trend stat '%s', unknown format", st)
}

// marshal encodes v without HTML escaping ("p(95)<500" stays readable),
// indented with indent when it is not empty, with no trailing newline.
func marshal(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding the summary: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
