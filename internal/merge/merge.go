// Package merge combines the results of the N instances of one distributed
// test (k6-operator runners, each running an execution segment) into one:
// it replays every instance's k6 JSON output (--out json, or a --results
// directory's samples) into one aggregate.Aggregate, so that counters,
// rates and Trend sketches are those of a single run over all the samples,
// and the thresholds are judged on them.
//
// The merged test lasts as long as its longest instance (they run at the
// same time): the duration from a results directory's metadata.json, else
// from the instance's first sample to its last.
package merge

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unsafe"

	"github.com/klauspost/compress/gzip"
	"github.com/tidwall/gjson"

	"github.com/llmbench/llmbench/internal/metrics"
)

// maxLine bounds one JSON line.
const maxLine = 16 << 20

// batchSize is how many samples are handed to the sink at once.
const batchSize = 4096

// samplesNames are a results directory's samples files, by preference.
var samplesNames = []string{"samples.jsonl.gz", "samples.jsonl", "samples.json.gz", "samples.json"}

// Input is one instance's results: a JSON output file (plain or gzip) and
// the test duration, when known.
type Input struct {
	Samples  string
	Duration time.Duration // 0: first to last sample
}

// Inputs expands paths (JSON output files, results directories, or
// directories of results directories) into the instances' inputs.
func Inputs(paths []string) ([]Input, error) {
	var out []Input
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if !fi.IsDir() {
			out = append(out, Input{Samples: p})
			continue
		}
		if in, ok := dirInput(p); ok {
			out = append(out, in)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		n := len(out)
		for _, e := range entries {
			if in, ok := dirInput(filepath.Join(p, e.Name())); ok && e.IsDir() {
				out = append(out, in)
			}
		}
		if len(out) == n {
			return nil, fmt.Errorf("merge: %s: no samples file (%s) in it or in its subdirectories", p, strings.Join(samplesNames, ", "))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("merge: no results given")
	}
	return out, nil
}

func dirInput(dir string) (Input, bool) {
	for _, n := range samplesNames {
		p := filepath.Join(dir, n)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			in := Input{Samples: p}
			var md struct {
				DurationSec float64 `json:"duration_seconds"`
			}
			if b, err := os.ReadFile(filepath.Join(dir, "metadata.json")); err == nil && json.Unmarshal(b, &md) == nil {
				in.Duration = time.Duration(md.DurationSec * float64(time.Second))
			}
			return in, true
		}
	}
	return Input{}, false
}

// Result is what a replay found.
type Result struct {
	// Duration is the merged test's duration: the longest instance's.
	Duration time.Duration
	// Points counts the samples replayed, per input.
	Points []int64
}

// summedGauges are the gauges whose merged value is the sum of the
// instances' latest values (the VUs of all instances); other gauges keep
// the latest value of any instance, as a single run's gauge does.
var summedGauges = map[string]bool{"vus": true, "vus_max": true}

// Replay streams the inputs' samples into sink, in batches, registering in
// reg the metrics it does not hold yet (from the Metric lines). The inputs
// are read together, always taking the earliest pending sample, so the
// samples arrive roughly in time order as in one run; vus and vus_max are
// summed over the instances.
func Replay(inputs []Input, reg *metrics.Registry, sink func([]metrics.Batch)) (*Result, error) {
	readers := make([]*replayer, len(inputs))
	for i, in := range inputs {
		r, err := openReplayer(in.Samples, reg)
		if err != nil {
			return nil, err
		}
		defer r.close()
		readers[i] = r
		if err := r.advance(); err != nil {
			return nil, err
		}
	}
	last := map[*metrics.Metric][]float64{} // summed gauge → latest value per input
	var batches []metrics.Batch
	for {
		k := -1
		for i, r := range readers {
			if r.pending != nil && (k < 0 || r.pending.Time.Before(readers[k].pending.Time)) {
				k = i
			}
		}
		if k < 0 {
			break
		}
		b := *readers[k].pending
		if m := b.Samples[0].Metric; m.Type == metrics.Gauge && summedGauges[m.Name] {
			vals := last[m]
			if vals == nil {
				vals = make([]float64, len(readers))
				last[m] = vals
			}
			vals[k] = b.Samples[0].Value
			var sum float64
			for _, v := range vals {
				sum += v
			}
			b.Samples = []metrics.Sample{{Metric: m, Value: sum}}
		}
		batches = append(batches, b)
		if len(batches) >= batchSize {
			sink(batches)
			batches = nil
		}
		if err := readers[k].advance(); err != nil {
			return nil, err
		}
	}
	if len(batches) > 0 {
		sink(batches)
	}
	res := &Result{}
	for i, r := range readers {
		if r.points == 0 {
			return nil, fmt.Errorf("merge: %s: no Point lines: not a k6 JSON output", r.path)
		}
		d := r.last.Sub(r.first)
		if inputs[i].Duration > 0 {
			d = inputs[i].Duration
		}
		res.Duration = max(res.Duration, d)
		res.Points = append(res.Points, r.points)
	}
	return res, nil
}

// replayer reads one input, one Point at a time.
type replayer struct {
	path    string
	reg     *metrics.Registry
	f       *os.File
	zr      *gzip.Reader
	sc      *bufio.Scanner
	line    int
	tags    map[string]*metrics.TagSet // raw tags JSON → set
	pending *metrics.Batch             // the next sample; nil at the end
	next    metrics.Batch
	first   time.Time
	last    time.Time
	points  int64
}

func openReplayer(path string, reg *metrics.Registry) (*replayer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	r := &replayer{path: path, reg: reg, f: f, tags: map[string]*metrics.TagSet{}}
	br := bufio.NewReaderSize(f, 1<<20)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if r.zr, err = gzip.NewReader(br); err != nil {
			f.Close()
			return nil, fmt.Errorf("merge: %s: gzip: %w", path, err)
		}
		in = r.zr
	}
	r.sc = bufio.NewScanner(in)
	r.sc.Buffer(make([]byte, 0, 1<<20), maxLine)
	return r, nil
}

func (r *replayer) close() {
	if r.zr != nil {
		r.zr.Close()
	}
	r.f.Close()
}

// advance reads up to the next Point and leaves it in pending (nil at the
// end of the input).
func (r *replayer) advance() error {
	r.pending = nil
	for r.sc.Scan() {
		r.line++
		b := bytes.TrimSpace(r.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		ok, err := r.decode(b)
		if err != nil {
			return fmt.Errorf("merge: %s line %d: %w", r.path, r.line, err)
		}
		if ok {
			r.pending = &r.next
			return nil
		}
	}
	if err := r.sc.Err(); err != nil {
		return fmt.Errorf("merge: %s line %d: %w", r.path, r.line+1, err)
	}
	return nil
}

var typeByName = map[string]metrics.Type{"counter": metrics.Counter, "gauge": metrics.Gauge, "rate": metrics.Rate, "trend": metrics.Trend}
var containsByName = map[string]metrics.ValueType{"default": metrics.Default, "time": metrics.Time, "data": metrics.Data}

// decode reads one line: a Metric line registers its metric, a Point line
// fills r.next (ok).
func (r *replayer) decode(b []byte) (bool, error) {
	// The strings share b, which the scanner reuses: the ones kept are cloned.
	res := gjson.Parse(unsafe.String(unsafe.SliceData(b), len(b)))
	switch res.Get("type").String() {
	case "Metric":
		d := res.Get("data")
		name := strings.Clone(d.Get("name").String())
		if r.reg.Get(name) == nil {
			typ, ok := typeByName[d.Get("type").String()]
			if !ok {
				return false, fmt.Errorf("metric %s: unknown type %q", name, d.Get("type").String())
			}
			if _, err := r.reg.NewMetric(name, typ, containsByName[d.Get("contains").String()]); err != nil {
				return false, err
			}
		}
	case "Point":
		m := r.reg.Get(res.Get("metric").String())
		if m == nil {
			return false, fmt.Errorf("point of metric %q before its Metric line", res.Get("metric").String())
		}
		d := res.Get("data")
		t, err := time.Parse(time.RFC3339Nano, d.Get("time").String())
		if err != nil {
			return false, fmt.Errorf("point time: %w", err)
		}
		if r.points == 0 || t.Before(r.first) {
			r.first = t
		}
		if t.After(r.last) {
			r.last = t
		}
		r.points++
		raw := d.Get("tags").Raw
		ts, ok := r.tags[raw]
		if !ok {
			tags := map[string]string{}
			d.Get("tags").ForEach(func(k, v gjson.Result) bool {
				tags[strings.Clone(k.String())] = strings.Clone(v.String())
				return true
			})
			ts = metrics.NewTagSet(tags)
			r.tags[strings.Clone(raw)] = ts
		}
		r.next = metrics.Batch{Time: t, Tags: ts, Samples: []metrics.Sample{{Metric: m, Value: d.Get("value").Float()}}}
		return true, nil
	}
	return false, nil
}

// Thresholds returns the thresholds the inputs' Metric lines declare
// (metric name → k6 threshold JSON: strings or {threshold, abortOnFail,
// delayAbortEval} objects), for a merge without the script, and registers
// their metrics in reg. JSON outputs list only thresholds on whole metrics
// there, not on submetrics. It reads every input once more, decoding only
// the Metric lines.
func Thresholds(inputs []Input, reg *metrics.Registry) (json.RawMessage, error) {
	out := map[string][]json.RawMessage{}
	for _, in := range inputs {
		r, err := openReplayer(in.Samples, reg)
		if err != nil {
			return nil, err
		}
		for r.sc.Scan() {
			b := r.sc.Bytes()
			if !bytes.Contains(b[:min(len(b), 40)], []byte(`"Metric"`)) {
				continue
			}
			if _, err := r.decode(b); err != nil {
				r.close()
				return nil, fmt.Errorf("merge: %s: %w", in.Samples, err)
			}
			res := gjson.ParseBytes(b)
			if res.Get("type").String() != "Metric" {
				continue
			}
			name := res.Get("data.name").String()
			if _, seen := out[name]; seen {
				continue
			}
			for _, th := range res.Get("data.thresholds").Array() {
				out[name] = append(out[name], json.RawMessage(th.Raw))
			}
		}
		err = r.sc.Err()
		r.close()
		if err != nil {
			return nil, fmt.Errorf("merge: %s: %w", in.Samples, err)
		}
	}
	for name, ths := range out {
		if len(ths) == 0 {
			delete(out, name)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return json.Marshal(out)
}
