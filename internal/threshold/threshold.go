package threshold

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// Threshold is one parsed assertion on a metric or submetric.
type Threshold struct {
	// Source is the expression as written, e.g. "p(95)<200".
	Source string
	// Agg is the aggregation: count, rate, value, avg, min, max, med or p(N).
	Agg string
	// Op is the comparison operator.
	Op string
	// Value is the right-hand side.
	Value float64
	// AbortOnFail stops the test when this threshold fails.
	AbortOnFail bool
	// DelayAbortEval is how long into the test an abortOnFail failure is
	// ignored.
	DelayAbortEval time.Duration
	// LastFailed is the result of the latest evaluation.
	LastFailed bool
}

// Check evaluates the threshold against an aggregated value, records the
// result in LastFailed and returns whether it passed.
func (t *Threshold) Check(v float64) bool {
	ok := Compare(v, t.Op, t.Value)
	t.LastFailed = !ok
	return ok
}

// MarshalJSON writes the threshold as k6's JSON output does: the source
// string, or an object when abortOnFail is set.
func (t *Threshold) MarshalJSON() ([]byte, error) {
	if !t.AbortOnFail {
		return json.Marshal(t.Source)
	}
	return json.Marshal(struct {
		Threshold      string `json:"threshold"`
		AbortOnFail    bool   `json:"abortOnFail"`
		DelayAbortEval string `json:"delayAbortEval"`
	}{t.Source, true, t.DelayAbortEval.String()})
}

// Entry is one thresholds key: a metric, or a submetric of it.
type Entry struct {
	// Name is "metric", or "metric{suffix}" for a submetric (k6's naming).
	Name string
	// Metric is the parent metric's name.
	Metric string
	// Suffix is the trimmed text between the braces ("" for a plain metric).
	Suffix string
	// Tags are the submetric's tag pairs (nil for a plain metric).
	Tags *metrics.TagSet
	// Thresholds are the key's assertions in declaration order.
	Thresholds []*Threshold
}

// Set is every thresholds key of a test, sorted by Name.
type Set []*Entry

type rawThreshold struct {
	Threshold      *string         `json:"threshold"`
	AbortOnFail    bool            `json:"abortOnFail"`
	DelayAbortEval json.RawMessage `json:"delayAbortEval"`
}

// Parse reads the options.thresholds object: each key maps to an array of
// expression strings or {threshold, abortOnFail, delayAbortEval} objects.
// null or an empty input gives an empty Set.
func Parse(thresholdsJSON json.RawMessage) (Set, error) {
	trimmed := bytes.TrimSpace(thresholdsJSON)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &obj); err != nil {
		return nil, fmt.Errorf("thresholds must be an object of metric names to arrays: %w", err)
	}
	byName := map[string]*Entry{}
	var errs []error
	for key, raw := range obj {
		e, err := parseEntry(key, raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, ok := byName[e.Name]; ok {
			prev.Thresholds = append(prev.Thresholds, e.Thresholds...)
			continue
		}
		byName[e.Name] = e
	}
	if len(errs) > 0 {
		sortErrs(errs)
		return nil, errors.Join(errs...)
	}
	set := make(Set, 0, len(byName))
	for _, e := range byName {
		set = append(set, e)
	}
	sort.Slice(set, func(i, j int) bool { return set[i].Name < set[j].Name })
	return set, nil
}

func sortErrs(errs []error) {
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
}

func parseEntry(key string, raw json.RawMessage) (*Entry, error) {
	metric, suffix, tags, err := ParseKey(key)
	if err != nil {
		return nil, err
	}
	e := &Entry{Name: metric, Metric: metric, Suffix: suffix}
	if suffix != "" {
		e.Name = metric + "{" + suffix + "}"
		e.Tags = metrics.NewTagSet(tags)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return nil, fmt.Errorf("invalid thresholds for %s: the value must be an array of expressions", key)
	}
	for _, item := range items {
		th, err := parseItem(item)
		if err != nil {
			return nil, fmt.Errorf("invalid threshold defined on %s; reason: %w", key, err)
		}
		e.Thresholds = append(e.Thresholds, th)
	}
	return e, nil
}

func parseItem(item json.RawMessage) (*Threshold, error) {
	th := &Threshold{}
	var src string
	if err := json.Unmarshal(item, &src); err != nil {
		var r rawThreshold
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("a threshold must be a string or an object {threshold, abortOnFail, delayAbortEval}: %w", err)
		}
		if r.Threshold == nil {
			return nil, errors.New("the threshold object has no threshold expression")
		}
		src = *r.Threshold
		th.AbortOnFail = r.AbortOnFail
		if d, err := parseDuration(r.DelayAbortEval); err != nil {
			return nil, fmt.Errorf("delayAbortEval: %w", err)
		} else {
			th.DelayAbortEval = d
		}
	}
	agg, op, v, err := ParseExpr(src)
	if err != nil {
		return nil, err
	}
	th.Source, th.Agg, th.Op, th.Value = src, agg, op, v
	return th, nil
}

// Validate checks every key against the registry: the metric must exist and
// each aggregation must suit its type. Wrap the error with exit code 104.
func (s Set) Validate(reg *metrics.Registry) error {
	var errs []error
	for _, e := range s {
		m := reg.Get(e.Metric)
		if m == nil {
			errs = append(errs, fmt.Errorf("invalid threshold defined on %s; reason: no metric name %q found", e.Name, e.Metric))
			continue
		}
		for _, th := range e.Thresholds {
			if !Supports(m.Type, th.Agg) {
				errs = append(errs, fmt.Errorf(
					"invalid threshold %q applied on metric %s; reason: unsupported aggregation method %s on metric of type %s. supported aggregation methods for this metric are: %s",
					th.Source, e.Name, th.Agg, m.Type, SupportedList(m.Type)))
			}
		}
	}
	return errors.Join(errs...)
}

// Get returns the entry called name (normalised key), or nil.
func (s Set) Get(name string) *Entry {
	for _, e := range s {
		if e.Name == name {
			return e
		}
	}
	return nil
}
