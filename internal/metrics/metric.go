package metrics

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sync"
)

// Type is the kind of a metric, which decides how its samples aggregate.
type Type uint8

// The four metric types of k6.
const (
	Counter Type = iota + 1 // values are summed
	Gauge                   // the last value wins (min and max kept)
	Rate                    // the fraction of non-zero values
	Trend                   // a distribution: avg, min, max, percentiles
)

var typeNames = map[Type]string{Counter: "counter", Gauge: "gauge", Rate: "rate", Trend: "trend"}

// String returns k6's name of the type ("counter", "gauge", "rate", "trend").
func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// MarshalJSON writes the type as k6 does, as its name.
func (t Type) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// ValueType says what a metric's values measure.
type ValueType uint8

// The value types of k6 ("contains" in summaries).
const (
	Default ValueType = iota // a plain number
	Time                     // milliseconds
	Data                     // bytes
)

// String returns k6's name of the value type ("default", "time", "data").
func (v ValueType) String() string {
	switch v {
	case Time:
		return "time"
	case Data:
		return "data"
	default:
		return "default"
	}
}

// MarshalJSON writes the value type as its name.
func (v ValueType) MarshalJSON() ([]byte, error) { return json.Marshal(v.String()) }

// Metric is one named metric. Metrics are created by a Registry and compared
// by pointer; their fields never change after creation.
type Metric struct {
	Name     string
	Type     Type
	Contains ValueType
	// Index is the metric's position in its registry, dense from 0: outputs
	// may use it to index slices instead of maps on hot paths.
	Index int
}

// nameRE is k6's metric name rule: a letter or underscore, then 1 to 128
// letters, digits or underscores.
var nameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]{1,128}$`)

// ValidName reports whether name is a valid metric name.
func ValidName(name string) bool { return nameRE.MatchString(name) }

// Registry holds every metric of a run. It is safe for concurrent use.
type Registry struct {
	mu     sync.RWMutex
	byName map[string]*Metric
	all    []*Metric
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byName: map[string]*Metric{}} }

// NewMetric returns the metric called name, creating it if needed. Asking
// again for an existing name returns the same metric when type and value
// type match, and an error otherwise, with k6's wording.
func (r *Registry) NewMetric(name string, typ Type, contains ...ValueType) (*Metric, error) {
	vt := Default
	if len(contains) > 0 {
		vt = contains[0]
	}
	if !ValidName(name) {
		return nil, fmt.Errorf("Invalid metric name: '%s'. Metric names must only include up to 128 ASCII letters, numbers, or underscores and start with a letter or an underscore.", name) //nolint:staticcheck // k6's wording
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.byName[name]; ok {
		if m.Type != typ {
			return nil, fmt.Errorf("metric '%s' already exists but with type %s, instead of %s", name, m.Type, typ)
		}
		if m.Contains != vt {
			return nil, fmt.Errorf("metric '%s' already exists but with a value type %s, instead of %s", name, m.Contains, vt)
		}
		return m, nil
	}
	m := &Metric{Name: name, Type: typ, Contains: vt, Index: len(r.all)}
	r.byName[name] = m
	r.all = append(r.all, m)
	return m, nil
}

// MustNewMetric is NewMetric for names and types known to be valid; it panics on error.
func (r *Registry) MustNewMetric(name string, typ Type, contains ...ValueType) *Metric {
	m, err := r.NewMetric(name, typ, contains...)
	if err != nil {
		panic(err)
	}
	return m
}

// Get returns the metric called name, or nil.
func (r *Registry) Get(name string) *Metric {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byName[name]
}

// All returns every metric in creation order.
func (r *Registry) All() []*Metric {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*Metric(nil), r.all...)
}
