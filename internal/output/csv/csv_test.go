package csv

import (
	"bytes"
	"compress/gzip"
	stdcsv "encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/outputtest"
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
	for _, tc := range []struct{ name, arg string }{
		{"unix", "-"},
		{"rfc3339_nano", "fileName=-,timeFormat=rfc3339_nano"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := outputtest.New(5, base)
			// A tag that needs quoting in extra_tags.
			f.Batches[0].Tags = f.Batches[0].Tags.With("note", `a,"b"`)
			var out bytes.Buffer
			run(t, output.Params{ConfigArgument: tc.arg, Stdout: &out}, f, nil)
			golden := filepath.Join("testdata", tc.name+".csv")
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
		})
	}
}

// TestFileComplete reads a gzipped file of an aborted run back with
// encoding/csv: every row parses and every sample is there.
func TestFileComplete(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := outputtest.New(300, base)
	run(t, output.Params{ConfigArgument: "fileName=out.csv.gz,saveInterval=5ms", Dir: dir}, f, errors.New("interrupted"))
	raw, err := os.Open(filepath.Join(dir, "out.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	zr, err := gzip.NewReader(raw)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := stdcsv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"metric_name", "timestamp", "metric_value", "check", "error", "error_code", "expected_response", "group", "method", "name", "proto", "scenario", "service", "status", "subproto", "tls_version", "url", "extra_tags", "metadata"}
	if d := cmp.Diff(wantHeader, rows[0]); d != "" {
		t.Fatalf("header (-want +got):\n%s", d)
	}
	got := map[string][2]float64{}
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		g := got[r[0]]
		got[r[0]] = [2]float64{g[0] + 1, g[1] + v}
	}
	want := f.Totals()
	opt := cmp.Comparer(func(a, b [2]float64) bool { return a[0] == b[0] && abs(a[1]-b[1]) < 1e-3 })
	if d := cmp.Diff(want, got, opt); d != "" {
		t.Errorf("count/sum per metric (-want +got):\n%s", d)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		p       output.Params
		want    Config
		wantErr bool
	}{
		{"defaults", output.Params{}, DefaultConfig(), false},
		{"file", output.Params{ConfigArgument: "x.csv"}, Config{"x.csv", time.Second, Unix}, false},
		{"pairs", output.Params{ConfigArgument: "file=x.csv,saveInterval=2s,timeFormat=rfc3339"}, Config{"x.csv", 2 * time.Second, RFC3339}, false},
		{"env", output.Params{Environment: map[string]string{"K6_CSV_FILENAME": "e.csv", "K6_CSV_SAVE_INTERVAL": "500", "K6_CSV_TIME_FORMAT": "unix_milli"}}, Config{"e.csv", 500 * time.Millisecond, UnixMilli}, false},
		{"arg over env over json", output.Params{
			JSONConfig:     json.RawMessage(`{"fileName":"j.csv","saveInterval":"3s","timeFormat":"unix_nano"}`),
			Environment:    map[string]string{"K6_CSV_FILENAME": "e.csv"},
			ConfigArgument: "timeFormat=unix_micro",
		}, Config{"e.csv", 3 * time.Second, UnixMicro}, false},
		{"bad format", output.Params{ConfigArgument: "timeFormat=iso"}, Config{}, true},
		{"bad key", output.Params{ConfigArgument: "nope=1"}, Config{}, true},
		{"bad interval", output.Params{ConfigArgument: "saveInterval=soon"}, Config{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseConfig(tc.p)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err == nil && got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestAppendBatchNoAllocs(t *testing.T) {
	f := outputtest.New(3, base)
	e := NewEncoder(nil, Unix)
	buf := e.AppendBatch(nil, &f.Batches[0])
	allocs := testing.AllocsPerRun(100, func() { buf = e.AppendBatch(buf[:0], &f.Batches[1]) })
	if allocs != 0 {
		t.Errorf("AppendBatch allocates %v times per batch", allocs)
	}
}

// BenchmarkEncode measures the per-sample cost of a CSV row.
func BenchmarkEncode(b *testing.B) {
	f := outputtest.New(100, base)
	e := NewEncoder(nil, Unix)
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

var _ = metrics.Counter
