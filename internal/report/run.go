package report

import (
	"strings"
	"time"

	"github.com/llmbench/llmbench/internal/duration"
	"github.com/llmbench/llmbench/internal/metrics"
)

// Latency metrics reported per run and group, in table order.
var latencyMetrics = []struct{ Key, Metric, Label string }{
	{"ttft", "llm_ttft", "TTFT"},
	{"ttfo", "llm_ttfo", "TTFO"},
	{"tpot", "llm_tpot", "TPOT"},
	{"itl", "llm_itl", "ITL"},
	{"e2e", "llm_request_duration", "E2E"},
}

// GroupKey is what a report groups a run's requests by, as the original
// benchmark report did.
type GroupKey struct {
	Workload string `json:"workload"`
	Model    string `json:"model"`
	Target   string `json:"target"`
}

// group accumulates the llm_* samples of one workload/model/target.
type group struct {
	latency   map[string]*metrics.TrendSink // by latencyMetrics key
	requests  float64
	failed    metrics.RateSink
	goodput   metrics.RateSink
	outTokens float64
	inTokens  float64
}

func newGroup() *group {
	g := &group{latency: map[string]*metrics.TrendSink{}}
	for _, m := range latencyMetrics {
		g.latency[m.Key] = metrics.NewTrendSink()
	}
	return g
}

func (g *group) merge(o *group) {
	for k, s := range o.latency {
		_ = g.latency[k].Merge(s)
	}
	g.requests += o.requests
	_ = g.failed.Merge(&o.failed)
	_ = g.goodput.Merge(&o.goodput)
	g.outTokens += o.outTokens
	g.inTokens += o.inTokens
}

// Run is one run's aggregated samples.
type Run struct {
	Name   string
	Source string   // the file or directory it was read from
	Meta   GroupKey // from metadata.json: overrides the tags when set
	Points int64    // Point lines read
	// Warnings say what could not be read (a truncated file: what a
	// run killed while writing leaves); the rest is reported.
	Warnings []string

	first, last  time.Time
	groups       map[GroupKey]*group
	order        []GroupKey // first-seen order
	tl           *timeline
	metaDuration time.Duration // from metadata.json, when set
	energy       float64       // gpu_energy joules
	hasEnergy    bool
	hasGPU       bool
	hasVUs       bool
}

func newRun(name, source string) *Run {
	return &Run{Name: name, Source: source, groups: map[GroupKey]*group{}}
}

// Start is the time of the run's first sample.
func (r *Run) Start() time.Time { return r.first }

// Duration is the test's duration from the run's metadata, or else the
// time from the first to the last sample.
func (r *Run) Duration() time.Duration {
	if r.metaDuration > 0 {
		return r.metaDuration
	}
	if r.first.IsZero() {
		return 0
	}
	return r.last.Sub(r.first)
}

func (r *Run) group(k GroupKey) *group {
	if r.Meta.Workload != "" {
		k.Workload = r.Meta.Workload
	}
	if r.Meta.Model != "" {
		k.Model = r.Meta.Model
	}
	if r.Meta.Target != "" {
		k.Target = r.Meta.Target
	}
	g, ok := r.groups[k]
	if !ok {
		k = GroupKey{strings.Clone(k.Workload), strings.Clone(k.Model), strings.Clone(k.Target)}
		g = newGroup()
		r.groups[k] = g
		r.order = append(r.order, k)
	}
	return g
}

// total merges every group of the run.
func (r *Run) total() *group {
	t := newGroup()
	for _, k := range r.order {
		t.merge(r.groups[k])
	}
	return t
}

// point is one decoded Point line.
type point struct {
	metric string
	time   time.Time
	value  float64
	key    GroupKey
	gpu    string
}

// add folds one point into the run.
func (r *Run) add(p point) {
	if r.tl == nil {
		r.tl = newTimeline(p.time)
		r.first, r.last = p.time, p.time
	}
	if p.time.Before(r.first) {
		r.first = p.time
	}
	if p.time.After(r.last) {
		r.last = p.time
	}
	switch p.metric {
	case "llm_requests":
		r.group(p.key).requests += p.value
	case "llm_request_failed":
		r.group(p.key).failed.Add(p.value)
	case "llm_goodput":
		r.group(p.key).goodput.Add(p.value)
	case "llm_output_tokens":
		r.group(p.key).outTokens += p.value
		r.tl.at(p.time).outTokens += p.value
	case "llm_input_tokens":
		r.group(p.key).inTokens += p.value
	case "llm_ttft":
		r.group(p.key).latency["ttft"].Add(p.value)
		r.tl.at(p.time).ttft.Add(p.value)
	case "llm_itl":
		r.group(p.key).latency["itl"].Add(p.value)
		r.tl.at(p.time).itl.Add(p.value)
	case "llm_ttfo":
		r.group(p.key).latency["ttfo"].Add(p.value)
	case "llm_tpot":
		r.group(p.key).latency["tpot"].Add(p.value)
	case "llm_request_duration":
		r.group(p.key).latency["e2e"].Add(p.value)
		if d, err := duration.FromMillis(p.value); err == nil {
			r.tl.addBusy(p.time, d)
		}
	case "vus":
		b := r.tl.at(p.time)
		b.vusSum += p.value
		b.vusN++
		r.hasVUs = true
	case "gpu_utilization":
		b := r.tl.at(p.time)
		b.gpuUtil = addMean(b.gpuUtil, p.gpu, p.value)
		r.hasGPU = true
	case "gpu_power":
		b := r.tl.at(p.time)
		b.gpuPower = addMean(b.gpuPower, p.gpu, p.value)
		r.hasGPU = true
	case "gpu_energy":
		r.energy += p.value
		r.hasEnergy = true
	}
}

func addMean(m map[string]*mean, k string, v float64) map[string]*mean {
	if m == nil {
		m = map[string]*mean{}
	}
	x, ok := m[k]
	if !ok {
		x = &mean{}
		m[strings.Clone(k)] = x
	}
	x.add(v)
	return m
}

// settle folds groups that lack a model (failed requests, whose model the
// server never named) into the one group of the same workload and target
// that has a model, when there is exactly one.
func (r *Run) settle() {
	var keep []GroupKey
	for _, k := range r.order {
		if k.Model != "" {
			keep = append(keep, k)
			continue
		}
		var into []GroupKey
		for _, o := range r.order {
			if o.Model != "" && o.Workload == k.Workload && o.Target == k.Target {
				into = append(into, o)
			}
		}
		if len(into) != 1 {
			keep = append(keep, k)
			continue
		}
		r.groups[into[0]].merge(r.groups[k])
		delete(r.groups, k)
	}
	r.order = keep
}

// common is the group fields every group of the run shares.
func (r *Run) common() GroupKey {
	if len(r.order) == 0 {
		return r.Meta
	}
	c := r.order[0]
	for _, k := range r.order[1:] {
		if k.Workload != c.Workload {
			c.Workload = ""
		}
		if k.Model != c.Model {
			c.Model = ""
		}
		if k.Target != c.Target {
			c.Target = ""
		}
	}
	return c
}
