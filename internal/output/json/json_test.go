package json

import (
	"bufio"
	"bytes"
	"compress/gzip"
	stdjson "encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/outputtest"
	"github.com/llmbench/llmbench/internal/threshold"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var base = time.Date(2026, 1, 2, 3, 4, 5, 123456789, outputtest.Zone)

func run(t *testing.T, p output.Params, f *outputtest.Fixture, runErr error) {
	t.Helper()
	o, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, part := range f.Split(4) {
		o.AddBatches(part)
	}
	if err := o.Stop(runErr); err != nil {
		t.Fatal(err)
	}
}

func TestGolden(t *testing.T) {
	t.Parallel()
	f := outputtest.New(5, base)
	ths, err := threshold.Parse(stdjson.RawMessage(`{"llm_ttft":["p(95)<500",{"threshold":"avg<300","abortOnFail":true,"delayAbortEval":"10s"}],"llm_ttft{model:m1}":["max<1000"]}`))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	run(t, output.Params{Stdout: &out, Registry: f.Registry, Thresholds: ths}, f, nil)
	golden := filepath.Join("testdata", "out.jsonl")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), out.String()); d != "" {
		t.Errorf("output differs from %s (-want +got):\n%s", golden, d)
	}
}

// TestFilesComplete writes plain and gzipped files, also on an aborted run,
// and checks that every line is valid JSON and every sample is there.
func TestFilesComplete(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		file   string
		runErr error
	}{
		{"plain", "out.json", nil},
		{"gzip", "out.json.gz", nil},
		{"aborted", "out.json.gz", errors.New("interrupted")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			f := outputtest.New(200, base)
			run(t, output.Params{ConfigArgument: tc.file, Dir: dir, Registry: f.Registry}, f, tc.runErr)
			raw, err := os.Open(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			var r io.Reader = raw
			if strings.HasSuffix(tc.file, ".gz") {
				if r, err = gzip.NewReader(raw); err != nil {
					t.Fatal(err)
				}
			}
			got := map[string][2]float64{}
			metricLines := 0
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				var line struct {
					Type, Metric string
					Data         struct{ Value float64 }
				}
				if err := stdjson.Unmarshal(sc.Bytes(), &line); err != nil {
					t.Fatalf("line %q: %v", sc.Text(), err)
				}
				if line.Type == "Metric" {
					metricLines++
					continue
				}
				g := got[line.Metric]
				got[line.Metric] = [2]float64{g[0] + 1, g[1] + line.Data.Value}
			}
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(f.Totals(), got); d != "" {
				t.Errorf("count/sum per metric (-want +got):\n%s", d)
			}
			if metricLines != len(got) {
				t.Errorf("%d Metric lines for %d metrics", metricLines, len(got))
			}
		})
	}
}

func TestAppendFloatAndString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		v    float64
		want string
	}{
		{"int", 123456, "123456"},
		{"big", 1234567, "1.234567e+06"},
		{"million", 1e6, "1e+06"},
		{"small", 0.00001, "1e-05"},
		{"frac", 0.25, "0.25"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendFloat(nil, tc.v)); got != tc.want {
				t.Errorf("appendFloat(%v) = %s, want %s", tc.v, got, tc.want)
			}
		})
	}
	for _, s := range []string{"plain", `q"b\s`, "nl\n\ttab\x01", "é✓", "bad\xffutf8"} {
		t.Run(s, func(t *testing.T) {
			want, _ := stdjson.Marshal(s)
			want = bytes.ReplaceAll(want, []byte(`\u0026`), []byte("&"))
			if got := appendString(nil, s); string(got) != string(want) {
				t.Errorf("appendString(%q) = %s, want %s", s, got, want)
			}
		})
	}
}

func TestAppendBatchNoAllocs(t *testing.T) {
	f := outputtest.New(3, base)
	var e Encoder
	buf := e.AppendBatch(nil, &f.Batches[0])
	b := f.Batches[1]
	allocs := testing.AllocsPerRun(100, func() { buf = e.AppendBatch(buf[:0], &b) })
	if allocs != 0 {
		t.Errorf("AppendBatch allocates %v times per batch", allocs)
	}
}

// BenchmarkEncode measures the per-sample cost of the JSON encoding, the
// work the flusher goroutine does for each sample.
func BenchmarkEncode(b *testing.B) {
	f := outputtest.New(100, base)
	var e Encoder
	var buf []byte
	n := 0
	for _, bt := range f.Batches {
		n += len(bt.Samples)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range f.Batches {
			buf = e.AppendBatch(buf[:0], &f.Batches[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sample")
}

// BenchmarkAddBatches is the cost on the Manager's goroutine.
func BenchmarkAddBatches(b *testing.B) {
	f := outputtest.New(100, base)
	o, _ := New(output.Params{Stdout: io.Discard, Registry: f.Registry})
	if err := o.Start(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		o.AddBatches(f.Batches)
	}
	_ = o.Stop(nil)
}

var _ = metrics.Counter
