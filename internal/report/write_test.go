package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// twoRuns is a baseline and a busier run (with GPU samples) of the generator.
func twoRuns(t testing.TB) *Report {
	t.Helper()
	gens := []struct {
		name string
		g    genRun
	}{
		{"baseline", genRun{start: t0, requests: 200, gap: 50 * time.Millisecond, ttft: func(i int) float64 { return 20 + float64(i%50) }, e2e: linear(300), tokens: 16, failEach: 50}},
		{"busy", genRun{start: t0.Add(time.Hour), requests: 400, gap: 25 * time.Millisecond, ttft: func(i int) float64 { return 40 + float64(i%100) }, e2e: linear(400), tokens: 16, gpus: 2, power: 300, models: []string{"m", "m2"}}},
	}
	var runs []*Run
	for _, x := range gens {
		var buf bytes.Buffer
		x.g.write(&buf)
		r := newRun(x.name, "testdata/"+x.name+".json")
		if err := Read(&buf, r); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	return Build(runs, t0)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

func TestGolden(t *testing.T) {
	for _, f := range []Format{Markdown, JSON} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, twoRuns(t), f); err != nil {
				t.Fatal(err)
			}
			golden(t, "two_runs."+map[Format]string{Markdown: "md", JSON: "json"}[f], buf.Bytes())
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, twoRuns(t)); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Runs) != 2 || back.Runs[1].EnergyPerToken == nil || back.Runs[0].EnergyPerToken != nil {
		t.Fatalf("runs %+v: want two, energy per token only on the second", back.Runs)
	}
}

var (
	pathRE = regexp.MustCompile(`<path class="series" data-series="[^"]*" data-points="(\d+)"`)
	barRE  = regexp.MustCompile(`<rect class="bar" data-value="([^"]+)"`)
	svgRE  = regexp.MustCompile(`(?s)<svg id="([^"]+)".*?</svg>`)
)

// TestHTML checks the page is self-contained and that every chart holds
// data: its series have points, its bars have heights.
func TestHTML(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, twoRuns(t)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if !strings.Contains(page, `http-equiv="Content-Security-Policy" content="default-src 'none'`) {
		t.Error("no Content-Security-Policy forbidding requests")
	}
	if m := regexp.MustCompile(`(?i)<(script|link|img|iframe|object)\b|\b(src|href)\s*=|url\(`).FindString(page); m != "" {
		t.Errorf("the page loads something: %q", m)
	}
	charts := map[string]string{}
	for _, m := range svgRE.FindAllStringSubmatch(page, -1) {
		charts[m[1]] = m[0]
	}
	want := []string{"cdf-ttft", "cdf-e2e", "ttft-time", "itl-time", "tokens-time", "inflight-time",
		"gpu-util-time", "gpu-power-time", "bar-ttft-p95", "bar-tokens", "latency-throughput"}
	for _, id := range want {
		svg, ok := charts[id]
		if !ok {
			t.Errorf("chart %s missing", id)
			continue
		}
		if strings.HasPrefix(id, "bar-") {
			bars := barRE.FindAllStringSubmatch(svg, -1)
			if len(bars) != 2 {
				t.Errorf("%s: %d bars, want 2", id, len(bars))
			}
			for _, b := range bars {
				if v, _ := strconv.ParseFloat(b[1], 64); v <= 0 {
					t.Errorf("%s: bar of %s", id, b[1])
				}
			}
			continue
		}
		paths := pathRE.FindAllStringSubmatch(svg, -1)
		if len(paths) == 0 {
			t.Errorf("%s: no series", id)
		}
		for _, p := range paths {
			if n, _ := strconv.Atoi(p[1]); n < 2 {
				t.Errorf("%s: a series of %d points", id, n)
			}
		}
	}
	if len(charts) != len(want) {
		t.Errorf("%d charts, want %d", len(charts), len(want))
	}
}

// TestHTMLOneRunNoGPU leaves out the GPU and comparison charts.
func TestHTMLOneRunNoGPU(t *testing.T) {
	t.Parallel()
	rep := twoRuns(t)
	one := Build(rep.runs[:1], t0)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, one); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"gpu-util-time", "bar-ttft-p95", "latency-throughput"} {
		if strings.Contains(buf.String(), `id="`+id+`"`) {
			t.Errorf("chart %s drawn for one run without GPU samples", id)
		}
	}
}

func TestFormatOf(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		path string
		want Format
		err  bool
	}{
		{"-", Markdown, false}, {"r.md", Markdown, false}, {"R.HTML", HTML, false},
		{"x/r.json", JSON, false}, {"r.PDF", PDF, false}, {"r.docx", "", true}, {"r", "", true},
	}
	for _, sc := range scenarios {
		got, err := FormatOf(sc.path)
		if got != sc.want || (err != nil) != sc.err {
			t.Errorf("FormatOf(%q) = %q, %v; want %q, error %v", sc.path, got, err, sc.want, sc.err)
		}
	}
}

// TestTenRuns compares ten runs: one bar and one CDF line per run, and the
// latency–throughput curve through all ten.
func TestTenRuns(t *testing.T) {
	t.Parallel()
	var runs []*Run
	for i := range 10 {
		g := genRun{start: t0, requests: 50 + 10*i, gap: 20 * time.Millisecond, ttft: linear(float64(10 + i)), e2e: linear(100), tokens: 4}
		var buf bytes.Buffer
		g.write(&buf)
		r := newRun("run-"+strconv.Itoa(i), "mem")
		if err := Read(&buf, r); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Build(runs, t0)); err != nil {
		t.Fatal(err)
	}
	charts := map[string]string{}
	for _, m := range svgRE.FindAllStringSubmatch(buf.String(), -1) {
		charts[m[1]] = m[0]
	}
	counts := map[string]int{
		"bar-ttft-p95": len(barRE.FindAllString(charts["bar-ttft-p95"], -1)),
		"cdf-ttft":     len(pathRE.FindAllString(charts["cdf-ttft"], -1)),
		"curve points": strings.Count(charts["latency-throughput"], "<circle"),
	}
	want := map[string]int{"bar-ttft-p95": 10, "cdf-ttft": 10, "curve points": 20}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("ten runs (-want +got):\n%s", diff)
	}
}
