package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/klauspost/compress/gzip"
	"github.com/tidwall/gjson"
)

// maxLine bounds one JSON line (a Point with very many tags still fits).
const maxLine = 16 << 20

// samplesNames are the files a results directory may hold its samples in,
// in order of preference.
var samplesNames = []string{"samples.jsonl.gz", "samples.jsonl", "samples.json.gz", "samples.json"}

// Load reads every path as one or more runs: a JSON output file, a results
// directory, or a directory of results directories. Inputs whose samples
// carry the same testrun_name tag (the instances of one distributed test,
// docs/distributed.md) are read as one run named after it.
func Load(paths []string) ([]*Run, error) {
	var us []unit
	for _, p := range paths {
		u, err := units(p)
		if err != nil {
			return nil, err
		}
		us = append(us, u...)
	}
	if len(us) == 0 {
		return nil, errors.New("no runs given")
	}
	type group struct {
		testrun string
		units   []unit
	}
	var groups []*group
	byName := map[string]*group{}
	for _, u := range us {
		name := peekTestRun(u.samples)
		if g := byName[name]; g != nil && name != "" {
			g.units = append(g.units, u)
			continue
		}
		g := &group{testrun: name, units: []unit{u}}
		groups = append(groups, g)
		if name != "" {
			byName[name] = g
		}
	}
	runs := make([]*Run, 0, len(groups))
	for _, g := range groups {
		r, err := readUnits(g.testrun, g.units)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// unit is one input: a JSON output file, or a results directory.
type unit struct {
	samples string
	dir     string // "" for a file
}

func units(p string) ([]unit, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("reading run: %w", err)
	}
	if !fi.IsDir() {
		return []unit{{samples: p}}, nil
	}
	if samples := findSamples(p); samples != "" {
		return []unit{{samples: samples, dir: p}}, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, fmt.Errorf("reading results directory: %w", err)
	}
	var out []unit
	for _, e := range entries {
		sub := filepath.Join(p, e.Name())
		if !e.IsDir() || findSamples(sub) == "" {
			continue
		}
		out = append(out, unit{samples: findSamples(sub), dir: sub})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no samples file (%s) in it or in its subdirectories", p, strings.Join(samplesNames, ", "))
	}
	return out, nil
}

// readUnits reads one unit as its own run, or several (one testrun's
// instances) into one run named testrun that lasts as long as the longest.
func readUnits(testrun string, us []unit) (*Run, error) {
	if len(us) == 1 {
		if us[0].dir != "" {
			return readDir(us[0].dir, us[0].samples)
		}
		return ReadFile(us[0].samples)
	}
	r := newRun(testrun, us[0].samples)
	for _, u := range us {
		if u.dir != "" {
			md, err := readMetadata(u.dir)
			if err != nil {
				return nil, err
			}
			if r.Meta == (GroupKey{}) {
				r.Meta = GroupKey{Workload: md.Workload, Model: md.Model, Target: md.Target}
			}
			r.metaDuration = max(r.metaDuration, time.Duration(md.DurationSec*float64(time.Second)))
		}
		if err := readSamples(u.samples, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// peekTestRun returns the testrun_name tag of the first of the file's
// first 1,000 Point lines that has one, or "".
func peekTestRun(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return ""
		}
		defer zr.Close()
		in = zr
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for n := 0; n < 1000 && sc.Scan(); n++ {
		if name := gjson.GetBytes(sc.Bytes(), "data.tags.testrun_name"); name.Type == gjson.String {
			return name.Str
		}
	}
	return ""
}

func findSamples(dir string) string {
	for _, n := range samplesNames {
		p := filepath.Join(dir, n)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// metadata is the part of a results directory's metadata.json a report
// uses; unknown keys are ignored.
type metadata struct {
	Name     string `json:"name"`
	RunID    string `json:"run_id"`
	ID       string `json:"id"`
	Workload string `json:"workload"`
	Model    string `json:"model"`
	Target   string `json:"target"`
	// DurationSec is the test's duration; without it a run lasts from its
	// first sample to its last.
	DurationSec float64 `json:"duration_seconds"`
}

func readMetadata(dir string) (metadata, error) {
	var md metadata
	if b, err := os.ReadFile(filepath.Join(dir, "metadata.json")); err == nil {
		if err := json.Unmarshal(b, &md); err != nil {
			return md, fmt.Errorf("reading %s: %w", filepath.Join(dir, "metadata.json"), err)
		}
	}
	return md, nil
}

func readDir(dir, samples string) (*Run, error) {
	md, err := readMetadata(dir)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(filepath.Clean(dir))
	for _, n := range []string{md.Name, md.RunID, md.ID} {
		if n != "" {
			name = n
			break
		}
	}
	r := newRun(name, dir)
	r.Meta = GroupKey{Workload: md.Workload, Model: md.Model, Target: md.Target}
	r.metaDuration = time.Duration(md.DurationSec * float64(time.Second))
	if err := readSamples(samples, r); err != nil {
		return nil, err
	}
	return r, nil
}

// ReadFile reads one JSON output file (plain or gzip) as a run named after
// the file, less its .gz, .json and .jsonl suffixes.
func ReadFile(path string) (*Run, error) {
	name := filepath.Base(path)
	for _, ext := range []string{".gz", ".jsonl", ".ndjson", ".json"} {
		name = strings.TrimSuffix(name, ext)
	}
	r := newRun(name, path)
	if err := readSamples(path, r); err != nil {
		return nil, err
	}
	return r, nil
}

func readSamples(path string, r *Run) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading run: %w", err)
	}
	defer f.Close()
	if err := Read(f, r); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}

// Read streams k6 JSON output lines from in (gzip is detected by its magic
// bytes) into r.
func Read(in io.Reader, r *Run) error {
	br := bufio.NewReaderSize(in, 256<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 256<<10)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 256<<10), maxLine)
	// unterminated: the token just scanned ended at EOF without a newline,
	// as the last line of a file cut while being written does.
	unterminated := false
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		unterminated = atEOF && len(data) > 0 && bytes.IndexByte(data, '\n') < 0
		return bufio.ScanLines(data, atEOF)
	})
	line := 0
	var bad error // the last line's error: fatal unless it is an unterminated last line
	cutLine := false
	for sc.Scan() {
		if bad != nil {
			return bad
		}
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		cutLine = unterminated
		if cutLine && !json.Valid(b) { // a cut last line, whatever its metric
			bad = fmt.Errorf("line %d: incomplete JSON", line)
		} else if err := r.addLine(b); err != nil {
			bad = fmt.Errorf("line %d: %w", line, err)
		}
	}
	err := sc.Err()
	switch {
	case err != nil && errors.Is(err, io.ErrUnexpectedEOF) && r.Points > 0:
		r.Warnings = append(r.Warnings, fmt.Sprintf("truncated after line %d (%v): a run killed while writing? reporting the %d points read", line, err, r.Points))
	case err != nil:
		return fmt.Errorf("line %d: %w", line+1, err)
	case bad != nil && cutLine && r.Points > 0:
		r.Warnings = append(r.Warnings, fmt.Sprintf("last line %d is incomplete (%v): a run killed while writing? it is skipped", line, bad))
	case bad != nil:
		return bad
	case cutLine && r.Points > 0:
		// A whole JSON line with its newline missing: the cut fell just
		// before it. The line is complete and kept; what followed is lost.
		r.Warnings = append(r.Warnings, fmt.Sprintf("last line %d ends without a newline: a run killed while writing? it is complete and kept", line))
	}
	if r.Points == 0 {
		return errors.New("no Point lines: not a k6 JSON output")
	}
	return nil
}

// addLine decodes one line; Metric lines and metrics a report does not use
// are skipped. Each line is walked once, with no validation beyond what
// finding its fields needs.
func (r *Run) addLine(b []byte) error {
	// Fast path for k6's key order: skip unused metrics unparsed.
	if name, ok := leadingMetric(b); ok && !usedBytes(name) {
		if bytes.Contains(b, []byte(`"type":"Point"`)) {
			r.Points++
		}
		return nil
	}
	// The string shares b's memory, which the scanner reuses: no string
	// taken from it may outlive this call (Run.group and addMean clone
	// the ones they keep).
	res := gjson.Parse(unsafe.String(unsafe.SliceData(b), len(b)))
	if !res.IsObject() {
		return errors.New("not a JSON object")
	}
	var typ, name string
	var data gjson.Result
	res.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "type":
			typ = v.Str
		case "metric":
			name = v.Str
		case "data":
			data = v
		}
		return true
	})
	if typ != "Point" {
		return nil
	}
	r.Points++
	if !used(name) {
		return nil
	}
	var ts string
	var v, tags gjson.Result
	data.ForEach(func(k, x gjson.Result) bool {
		switch k.Str {
		case "time":
			ts = x.Str
		case "value":
			v = x
		case "tags":
			tags = x
		}
		return true
	})
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		_, err = time.Parse(time.RFC3339Nano, strings.Clone(ts)) // an error that may outlive b
		return fmt.Errorf("point time: %w", err)
	}
	if v.Type != gjson.Number {
		return nil // null: NaN or an infinity
	}
	p := point{metric: name, time: t, value: v.Num}
	if tags.IsObject() {
		tags.ForEach(func(k, val gjson.Result) bool {
			switch k.Str {
			case "workload":
				p.key.Workload = val.Str
			case "scenario":
				if p.key.Workload == "" {
					p.key.Workload = val.Str
				}
			case "model":
				p.key.Model = val.Str
			case "target":
				p.key.Target = val.Str
			case "gpu":
				p.gpu = val.Str
			}
			return true
		})
	}
	r.add(p)
	return nil
}

// leadingMetric reads the metric name of a line that starts as k6 writes
// Points: {"metric":"NAME",...
func leadingMetric(b []byte) ([]byte, bool) {
	const prefix = `{"metric":"`
	if !bytes.HasPrefix(b, []byte(prefix)) {
		return nil, false
	}
	rest := b[len(prefix):]
	i := bytes.IndexByte(rest, '"')
	if i < 0 || bytes.IndexByte(rest[:i], '\\') >= 0 {
		return nil, false
	}
	return rest[:i], true
}

var usedMetrics = []string{
	"llm_requests", "llm_request_failed", "llm_goodput", "llm_output_tokens", "llm_input_tokens",
	"llm_ttft", "llm_ttfo", "llm_tpot", "llm_itl", "llm_request_duration",
	"vus", "gpu_utilization", "gpu_power", "gpu_energy",
}

func used(name string) bool { return slices.Contains(usedMetrics, name) }

func usedBytes(name []byte) bool {
	for _, m := range usedMetrics {
		if string(name) == m {
			return true
		}
	}
	return false
}
