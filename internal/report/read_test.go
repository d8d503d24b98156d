package report

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600))

func linear(base float64) func(int) float64 { return func(i int) float64 { return base + float64(i) } }

// writeFile writes g to dir/name, gzipped when name ends in .gz.
func writeFile(t testing.TB, dir, name string, g genRun) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if strings.HasSuffix(name, ".gz") {
		zw := gzip.NewWriter(f)
		g.write(zw)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	g.write(f)
	return p
}

func ptr(v float64) *float64 { return &v }

func TestBuild(t *testing.T) {
	t.Parallel()
	approx := cmpopts.EquateApprox(1e-9, 1e-6) // latencies are rounded to 1e-6 ms
	scenarios := []struct {
		name string
		gen  genRun
		want RunTable
	}{
		{
			name: "100 requests, exact percentiles",
			gen:  genRun{start: t0, requests: 100, gap: 100 * time.Millisecond, ttft: linear(1), e2e: linear(200), tokens: 10},
			want: RunTable{Name: "run", Duration: 9.9, Row: Row{
				GroupKey: GroupKey{Workload: "chat", Model: "m", Target: "mock"},
				Requests: 100, SuccessRate: 1, OutputTokens: 1000, OutputTokensPS: 1000 / 9.9, Goodput: ptr(1),
				Latency: map[string]Stats{
					"ttft": {Count: 100, Mean: 50.5, Median: 50.5, P90: 90.1, P95: 95.05, P99: 99.01},
					"ttfo": {Count: 100, Mean: 50.5, Median: 50.5, P90: 90.1, P95: 95.05, P99: 99.01},
					"e2e":  {Count: 100, Mean: 249.5, Median: 249.5, P90: 289.1, P95: 294.05, P99: 298.01},
					// (e2e − ttft)/9 = 199/9 for every request.
					"tpot": {Count: 100, Mean: 199.0 / 9, Median: 199.0 / 9, P90: 199.0 / 9, P95: 199.0 / 9, P99: 199.0 / 9},
					"itl":  {Count: 900, Mean: 199.0 / 9, Median: 199.0 / 9, P90: 199.0 / 9, P95: 199.0 / 9, P99: 199.0 / 9},
				},
			}},
		},
		{
			// Long enough (3 MB) for the reader's buffer to be reused many
			// times: the group names kept must be copies.
			name: "failures and two models",
			gen:  genRun{start: t0, requests: 3000, gap: time.Second, ttft: linear(10), e2e: linear(100), tokens: 1, failEach: 3, models: []string{"model-a", "model-b"}},
			want: RunTable{Name: "run", Duration: 2999, Row: Row{
				GroupKey: GroupKey{Workload: "chat", Target: "mock"},
				Requests: 3000, Failed: 1000, SuccessRate: 2.0 / 3, OutputTokens: 2000, OutputTokensPS: 2000.0 / 2999, Goodput: ptr(2.0 / 3),
			}, Groups: []Row{
				{GroupKey: GroupKey{"chat", "model-a", "mock"}, Requests: 1000, SuccessRate: 1, OutputTokens: 1000, OutputTokensPS: 1000.0 / 2999, Goodput: ptr(1)},
				{GroupKey: GroupKey{"chat", "model-b", "mock"}, Requests: 1000, SuccessRate: 1, OutputTokens: 1000, OutputTokensPS: 1000.0 / 2999, Goodput: ptr(1)},
				// Failed requests carry no model and two groups could own them.
				{GroupKey: GroupKey{"chat", "", "mock"}, Requests: 1000, Failed: 1000, SuccessRate: 0, Goodput: ptr(0)},
			}},
		},
		{
			name: "GPU energy per token",
			gen:  genRun{start: t0, requests: 50, gap: 100 * time.Millisecond, ttft: linear(1), e2e: linear(50), tokens: 10, gpus: 2, power: 100},
			// GPU samples at 0..5 s: 6 × 2 GPUs × 100 J over 500 tokens.
			want: RunTable{Name: "run", Duration: 5, EnergyJ: ptr(1200), EnergyPerToken: ptr(2.4), Row: Row{
				GroupKey: GroupKey{Workload: "chat", Model: "m", Target: "mock"},
				Requests: 50, SuccessRate: 1, OutputTokens: 500, OutputTokensPS: 100, Goodput: ptr(1),
			}},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			sc.gen.write(&buf)
			r := newRun("run", "mem")
			if err := Read(&buf, r); err != nil {
				t.Fatal(err)
			}
			got := Build([]*Run{r}, t0).Runs[0]
			got.Source, got.Start = "", time.Time{}
			opts := []cmp.Option{approx, cmpopts.EquateEmpty()}
			if sc.want.Latency == nil {
				opts = append(opts, cmpopts.IgnoreFields(Row{}, "Latency"))
			}
			if diff := cmp.Diff(sc.want, got, opts...); diff != "" {
				t.Errorf("run table (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g := genRun{start: t0, requests: 20, gap: 50 * time.Millisecond, ttft: linear(5), e2e: linear(40), tokens: 4}
	plain := writeFile(t, dir, "plain.json", g)
	gz := writeFile(t, dir, "zipped.json.gz", g)
	// A results directory of two runs, one named and described by its metadata.
	res := filepath.Join(dir, "results")
	for _, id := range []string{"run-1", "run-2"} {
		if err := os.MkdirAll(filepath.Join(res, id), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(res, id), "samples.jsonl.gz", g)
	}
	md := `{"name":"baseline","model":"llama-3","target":"vllm-a","started":"2026-01-01T00:00:00Z"}`
	if err := os.WriteFile(filepath.Join(res, "run-1", "metadata.json"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	type named struct{ Name, Model, Target string }
	scenarios := []struct {
		name  string
		paths []string
		want  []named
	}{
		{"plain and gzip files", []string{plain, gz}, []named{{"plain", "m", "mock"}, {"zipped", "m", "mock"}}},
		{"one results directory", []string{filepath.Join(res, "run-2")}, []named{{"run-2", "m", "mock"}}},
		{"directory of results", []string{res}, []named{{"baseline", "llama-3", "vllm-a"}, {"run-2", "m", "mock"}}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			runs, err := Load(sc.paths)
			if err != nil {
				t.Fatal(err)
			}
			var got []named
			for _, rt := range Build(runs, t0).Runs {
				got = append(got, named{rt.Name, rt.Model, rt.Target})
				if rt.Requests != 20 {
					t.Errorf("%s: %v requests, want 20", rt.Name, rt.Requests)
				}
			}
			if diff := cmp.Diff(sc.want, got); diff != "" {
				t.Errorf("runs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadTestRun reads the instances of one distributed test (the same
// testrun_name tag) as one run, whatever the order of the inputs.
func TestLoadTestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var paths []string
	for i := range 3 {
		g := genRun{start: t0.Add(time.Duration(i) * time.Millisecond), requests: 10 + i, gap: 50 * time.Millisecond,
			ttft: linear(5), e2e: linear(40), tokens: 4,
			tags: [][2]string{{"testrun_name", "llm-stress"}, {"instance_id", string(rune('1' + i))}}}
		paths = append(paths, writeFile(t, dir, fmt.Sprintf("llm-stress-%d.json.gz", i+1), g))
	}
	other := writeFile(t, dir, "other.json", genRun{start: t0, requests: 5, gap: 50 * time.Millisecond, ttft: linear(5), e2e: linear(40), tokens: 4})
	runs, err := Load([]string{paths[0], other, paths[1], paths[2]})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rt := range Build(runs, t0).Runs {
		got = append(got, fmt.Sprintf("%s %v", rt.Name, rt.Requests))
	}
	if diff := cmp.Diff([]string{"llm-stress 33", "other 5"}, got); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	scenarios := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.json"), "no such file"},
		{"not JSON", write("bad.json", "{\"type\":\"Point\"}\nnot json\n"), "line 2: not a JSON object"},
		{"no points", write("empty.json", `{"type":"Metric","data":{"name":"x"},"metric":"x"}`+"\n"), "no Point lines"},
		{"bad time", write("time.json", `{"metric":"llm_ttft","type":"Point","data":{"time":"yesterday","value":1,"tags":{}}}`+"\n"), "line 1: point time"},
		{"empty directory", func() string { p := filepath.Join(dir, "d"); os.Mkdir(p, 0o755); return p }(), "no samples file"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			_, err := Load([]string{sc.path})
			if err == nil || !strings.Contains(err.Error(), sc.want) {
				t.Fatalf("error %v, want one containing %q", err, sc.want)
			}
		})
	}
}

// TestTimeline checks the bounded buckets of a long run: their width
// doubles, totals survive the merges, and in-flight requests come out as
// the overlap of each request's span with the bucket.
func TestTimeline(t *testing.T) {
	t.Parallel()
	// One request a second for 1000 s, each 2 s long: 2 in flight.
	g := genRun{start: t0, requests: 1000, gap: time.Second, ttft: linear(1), e2e: func(int) float64 { return 2000 }, tokens: 3}
	var buf bytes.Buffer
	g.write(&buf)
	r := newRun("long", "mem")
	if err := Read(&buf, r); err != nil {
		t.Fatal(err)
	}
	tl := r.tl
	if len(tl.buckets) > MaxBuckets {
		t.Fatalf("%d buckets, want at most %d", len(tl.buckets), MaxBuckets)
	}
	if tl.width != 8*time.Second {
		t.Errorf("bucket width %v, want 8s (1000 s over at most %d buckets)", tl.width, MaxBuckets)
	}
	var tokens float64
	var ttft int64
	for _, b := range tl.buckets {
		if b != nil {
			tokens += b.outTokens
			ttft += b.ttft.Count
		}
	}
	if tokens != 3000 || ttft != 1000 {
		t.Errorf("buckets hold %v tokens and %d TTFTs, want 3000 and 1000", tokens, ttft)
	}
	for _, i := range []int{10, 60, 100} {
		if got := tl.buckets[i].busy / tl.width.Seconds(); got < 1.999 || got > 2.001 {
			t.Errorf("bucket %d: %v in flight, want 2", i, got)
		}
	}
}

// TestReadCutFiles: a file cut while being written is read as far as it
// is whole, with a warning, wherever the cut fell: inside the last line
// (skipped) or just before its newline (kept).
func TestReadCutFiles(t *testing.T) {
	t.Parallel()
	p1 := `{"metric":"llm_ttft","type":"Point","data":{"time":"2026-12-02T10:00:00Z","value":1,"tags":{}}}`
	p2 := `{"metric":"llm_ttft","type":"Point","data":{"time":"2026-12-02T10:00:01Z","value":2,"tags":{}}}`
	scenarios := []struct {
		name, in string
		points   int64
		warning  string // "" = none
	}{
		{"whole", p1 + "\n" + p2 + "\n", 2, ""},
		{"cut inside the last line", p1 + "\n" + p2[:40], 1, "last line 2 is incomplete"},
		{"cut before the last newline", p1 + "\n" + p2, 2, "last line 2 ends without a newline"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := newRun("cut", "cut.json")
			if err := Read(strings.NewReader(sc.in), r); err != nil {
				t.Fatal(err)
			}
			if r.Points != sc.points {
				t.Errorf("%d points, want %d", r.Points, sc.points)
			}
			switch {
			case sc.warning == "" && len(r.Warnings) > 0:
				t.Errorf("warnings %q, want none", r.Warnings)
			case sc.warning != "" && (len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], sc.warning) || !strings.Contains(r.Warnings[0], "killed while writing")):
				t.Errorf("warnings %q, want one about %q", r.Warnings, sc.warning)
			}
		})
	}
}
