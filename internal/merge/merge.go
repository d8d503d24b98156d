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

// Replay streams every input's samples into sink, in batches, registering
// in reg the metrics it does not hold yet (from the Metric lines).
func Replay(inputs []Input, reg *metrics.Registry, sink func([]metrics.Batch)) (*Result, error) {
	res := &Result{}
	for _, in := range inputs {
		d, n, err := replayFile(in.Samples, reg, sink)
		if err != nil {
			return nil, err
		}
		if in.Duration > 0 {
			d = in.Duration
		}
		res.Duration = max(res.Duration, d)
		res.Points = append(res.Points, n)
	}
	return res, nil
}

// replayer holds the decoding state of one file.
type replayer struct {
	reg     *metrics.Registry
	tags    map[string]*metrics.TagSet // raw tags JSON → set
	batches []metrics.Batch
	samples int
	first   time.Time
	last    time.Time
	points  int64
}

func replayFile(path string, reg *metrics.Registry, sink func([]metrics.Batch)) (time.Duration, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, fmt.Errorf("merge: %w", err)
	}
	defer f.Close()
	var in io.Reader = bufio.NewReaderSize(f, 1<<20)
	br := in.(*bufio.Reader)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, 0, fmt.Errorf("merge: %s: gzip: %w", path, err)
		}
		defer zr.Close()
		in = zr
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 1<<20), maxLine)
	r := &replayer{reg: reg, tags: map[string]*metrics.TagSet{}}
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if err := r.line(b); err != nil {
			return 0, 0, fmt.Errorf("merge: %s line %d: %w", path, line, err)
		}
		if r.samples >= batchSize {
			sink(r.batches)
			r.batches, r.samples = nil, 0
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, fmt.Errorf("merge: %s line %d: %w", path, line+1, err)
	}
	if len(r.batches) > 0 {
		sink(r.batches)
	}
	if r.points == 0 {
		return 0, 0, fmt.Errorf("merge: %s: no Point lines: not a k6 JSON output", path)
	}
	return r.last.Sub(r.first), r.points, nil
}

var typeByName = map[string]metrics.Type{"counter": metrics.Counter, "gauge": metrics.Gauge, "rate": metrics.Rate, "trend": metrics.Trend}
var containsByName = map[string]metrics.ValueType{"default": metrics.Default, "time": metrics.Time, "data": metrics.Data}

func (r *replayer) line(b []byte) error {
	res := gjson.ParseBytes(b)
	switch res.Get("type").String() {
	case "Metric":
		d := res.Get("data")
		name := d.Get("name").String()
		if r.reg.Get(name) == nil {
			typ, ok := typeByName[d.Get("type").String()]
			if !ok {
				return fmt.Errorf("metric %s: unknown type %q", name, d.Get("type").String())
			}
			if _, err := r.reg.NewMetric(name, typ, containsByName[d.Get("contains").String()]); err != nil {
				return err
			}
		}
	case "Point":
		m := r.reg.Get(res.Get("metric").String())
		if m == nil {
			return fmt.Errorf("point of metric %q before its Metric line", res.Get("metric").String())
		}
		d := res.Get("data")
		t, err := time.Parse(time.RFC3339Nano, d.Get("time").String())
		if err != nil {
			return fmt.Errorf("point time: %w", err)
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
				tags[k.String()] = v.String()
				return true
			})
			ts = metrics.NewTagSet(tags)
			r.tags[raw] = ts
		}
		r.batches = append(r.batches, metrics.Batch{Time: t, Tags: ts, Samples: []metrics.Sample{{Metric: m, Value: d.Get("value").Float()}}})
		r.samples++
	}
	return nil
}
