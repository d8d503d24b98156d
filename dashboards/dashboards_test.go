package dashboards

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/influxdb"
	"github.com/llmbench/llmbench/internal/output/outputtest"
	"github.com/llmbench/llmbench/internal/output/promrw"
)

type target struct {
	RefID string               `json:"refId"`
	Query string               `json:"query"` // InfluxQL
	Expr  string               `json:"expr"`  // PromQL
	DS    struct{ UID string } `json:"datasource"`
}

type panel struct {
	ID      int
	Type    string
	Title   string
	Targets []target
	DS      *struct{ Type, UID string } `json:"datasource"`
	GridPos struct{ X, Y, W, H int }
	Panels  []panel // a collapsed row's panels
}

type variable struct {
	Name, Type, Query any
	Definition        string
	IncludeAll, Multi bool
	AllValue          string
}

type dashboard struct {
	UID, Title    string
	SchemaVersion int
	Templating    struct {
		List []variable
	}
	Panels []panel
}

func load(t *testing.T) map[string]dashboard {
	t.Helper()
	names, err := fs.Glob(FS, "*.json")
	if err != nil || len(names) != 2 {
		t.Fatalf("dashboards %v, %v", names, err)
	}
	out := map[string]dashboard{}
	for _, n := range names {
		raw, _ := FS.ReadFile(n)
		var d dashboard
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out[n] = d
	}
	return out
}

// panels returns every panel of d, those of collapsed rows after their row.
func panels(d dashboard) []panel {
	var out []panel
	for _, p := range d.Panels {
		out = append(out, p)
		out = append(out, p.Panels...)
	}
	return out
}

// queries returns every panel query of d.
func queries(d dashboard) []string {
	var out []string
	for _, p := range panels(d) {
		for _, tg := range p.Targets {
			out = append(out, tg.Query+tg.Expr)
		}
	}
	return out
}

func TestDashboardsAreValid(t *testing.T) {
	t.Parallel()
	wantMetrics := []string{"llm_ttft", "llm_itl", "llm_tpot", "llm_request_duration", "llm_output_tokens", "llm_requests", "llm_request_failed", "error_code", "vus", "gpu_utilization", "gpu_power", "gpu_memory_used"}
	for name, d := range load(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if d.UID == "" || d.Title == "" || d.SchemaVersion < 36 {
				t.Errorf("uid %q title %q schemaVersion %d", d.UID, d.Title, d.SchemaVersion)
			}
			dsVar := ""
			for _, v := range d.Templating.List {
				if v.Type == "datasource" {
					dsVar = "${" + v.Name.(string) + "}"
				}
			}
			if dsVar == "" {
				t.Fatal("no datasource variable")
			}
			ids := map[int]bool{}
			for _, p := range panels(d) {
				if ids[p.ID] {
					t.Errorf("panel id %d twice", p.ID)
				}
				ids[p.ID] = true
				if p.GridPos.W <= 0 || p.GridPos.X+p.GridPos.W > 24 {
					t.Errorf("panel %q gridPos %+v", p.Title, p.GridPos)
				}
				if p.Type == "row" {
					continue
				}
				if len(p.Targets) == 0 {
					t.Errorf("panel %q has no query", p.Title)
				}
				if p.DS == nil || p.DS.UID != dsVar {
					t.Errorf("panel %q data source %+v, want %s", p.Title, p.DS, dsVar)
				}
				for _, tg := range p.Targets {
					if strings.TrimSpace(tg.Query+tg.Expr) == "" || tg.RefID == "" {
						t.Errorf("panel %q has an empty query %+v", p.Title, tg)
					}
				}
			}
			all := strings.Join(queries(d), "\n")
			for _, m := range wantMetrics {
				if !strings.Contains(all, m) {
					t.Errorf("no panel queries %s", m)
				}
			}
			checkRunVariable(t, d)
			if name == "llmbench-prometheus.json" {
				checkPrometheus(t, d)
			} else {
				for _, q := range queries(d) {
					if !influxRunRE.MatchString(q) {
						t.Errorf("%s does not filter by $testrun_name", q)
					}
				}
			}
		})
	}
}

// expand replaces Grafana's variables the way it does for a 5-minute range.
func expand(q string) string {
	now := time.Now()
	return strings.NewReplacer(
		"$timeFilter", fmt.Sprintf("time >= %dms and time <= %dms", now.Add(-10*time.Minute).UnixMilli(), now.UnixMilli()),
		"$__interval_ms", "1000", "$__interval", "1s", "$__rate_interval", "1m", "$model", ".*", "$testrun_name", ".*",
	).Replace(q)
}

// TestInfluxQLQueriesRun runs every InfluxQL query of the dashboard against
// a real InfluxDB holding a run's data, and checks that each one answers
// without error and that the llm panels get data. A run without a
// testrun_name tag shows with All (.*) and not when a run is named (but
// on the GPU panels); a run tagged testrun_name=llm-stress, fed next,
// shows when named.
func TestInfluxQLQueriesRun(t *testing.T) {
	base := os.Getenv("LLMBENCH_TEST_INFLUXDB_URL")
	if base == "" {
		t.Skip("LLMBENCH_TEST_INFLUXDB_URL is not set: run `eval \"$(.ci/services.sh)\"`")
	}
	db := "llmbench_dash_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "_")
	defer http.PostForm(base+"/query", url.Values{"q": {`DROP DATABASE "` + db + `"`}}) //nolint:errcheck // best effort
	feed := func(f *outputtest.Fixture) {
		o, err := influxdb.New(output.Params{ConfigArgument: base + "/" + db})
		if err != nil {
			t.Fatal(err)
		}
		outputtest.Feed(t, f, o)
	}
	// run runs every query with the testrun_name variable set to run and
	// checks whether the llm and gpu_power panels get data.
	run := func(run string, llmData, gpuData bool) {
		t.Helper()
		for _, q := range queries(load(t)["llmbench-influxdb.json"]) {
			resp, err := http.Get(base + "/query?" + url.Values{"db": {db}, "q": {expand(strings.ReplaceAll(q, "$testrun_name", run))}}.Encode())
			if err != nil {
				t.Fatal(err)
			}
			var r struct {
				Error   string
				Results []struct {
					Error  string
					Series []json.RawMessage
				}
			}
			err = json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			if err != nil || r.Error != "" || len(r.Results) != 1 || r.Results[0].Error != "" {
				t.Errorf("%s: %v %q %+v", q, err, r.Error, r.Results)
				continue
			}
			got := len(r.Results[0].Series) > 0
			if strings.Contains(q, `"llm_`) && got != llmData || strings.Contains(q, `"gpu_power"`) && got != gpuData {
				t.Errorf("testrun_name %s: data %v from %s", run, got, q)
			}
		}
	}
	f := outputtest.New(50, time.Now().Add(-time.Minute))
	feed(f)
	run(".*", true, true)
	run("llm-stress", false, true)
	feed(f.Tagged("testrun_name", "llm-stress"))
	run("llm-stress", true, true)
	run("(other|llm-stress)", true, true)
	run("other", false, true)

	// Two instances of a distributed run: the vus panel adds them up.
	maxVUs := 0.0
	for _, b := range f.Batches {
		for _, smp := range b.Samples {
			if smp.Metric == f.Builtins.VUs {
				maxVUs = max(maxVUs, smp.Value)
			}
		}
	}
	feed(f.Tagged("testrun_name", "dist").Tagged("instance_id", "1"))
	feed(f.Tagged("testrun_name", "dist").Tagged("instance_id", "2"))
	n := 0
	for _, q := range queries(load(t)["llmbench-influxdb.json"]) {
		if !strings.Contains(q, `FROM "vus" `) {
			continue
		}
		n++
		resp, err := http.Get(base + "/query?" + url.Values{"db": {db}, "q": {expand(strings.ReplaceAll(q, "$testrun_name", "dist"))}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			Results []struct {
				Series []struct{ Values [][2]any }
			}
		}
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		got := 0.0
		for _, res := range r.Results {
			for _, sr := range res.Series {
				for _, v := range sr.Values {
					if x, ok := v[1].(float64); ok {
						got = max(got, x)
					}
				}
			}
		}
		if err != nil || got != 2*maxVUs {
			t.Errorf("%s: largest value %v (%v), want %v (2 instances of %v)", q, got, err, 2*maxVUs, maxVUs)
		}
	}
	if n != 1 {
		t.Errorf("%d vus queries", n)
	}
}

// TestPromQLQueriesParse checks every PromQL query of the dashboard
// against a real Prometheus (it must parse and evaluate).
func TestPromQLQueriesParse(t *testing.T) {
	base := outputtest.PromURL(t)
	for _, q := range queries(load(t)["llmbench-prometheus.json"]) {
		resp, err := http.Get(base + "/api/v1/query?" + url.Values{"query": {expand(q)}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ Status, Error string }
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err != nil || r.Status != "success" {
			t.Errorf("%s: %v %s %s", q, err, r.Status, r.Error)
		}
	}
}

// promMetrics returns the metrics a run registers, as the llm module, its
// GPU sampler and the engine's builtins do, plus http_req_duration (a
// time Trend, as k6/http registers it).
func promMetrics(t *testing.T) []*metrics.Metric {
	t.Helper()
	reg := metrics.NewRegistry()
	metrics.RegisterBuiltins(reg)
	if _, err := llm.RegisterMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if err := llm.RegisterGPUMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if reg.Get("http_req_duration") == nil {
		reg.MustNewMetric("http_req_duration", metrics.Trend, metrics.Time)
	}
	return reg.All()
}

// trendStats are the stats docs/outputs.md tells users to set for the
// dashboard (K6_PROMETHEUS_RW_TREND_STATS).
var trendStats = []string{"p(50)", "p(90)", "p(95)", "p(99)"}

var (
	// selectorRE matches a series name and its label matchers.
	selectorRE = regexp.MustCompile(`\bk6_[A-Za-z0-9_]+(\{[^}]*\})?`)
	// runMatcherRE is the testrun_name matcher every selector carries (the
	// GPU panels' also match series without the label).
	runMatcherRE = regexp.MustCompile(`testrun_name=~"\$testrun_name\|?"`)
	// nativeRE is a native-histogram panel's query.
	nativeRE = regexp.MustCompile(`^histogram_quantile\((0\.\d+), sum(?: by \(model\) )?\(rate\((k6_\w+)\{[^}]*\}\[\$__rate_interval\]\)\)\)$`)
)

// influxRunRE is the testrun_name condition of every InfluxQL query (the
// GPU panels' also match points without the tag).
var influxRunRE = regexp.MustCompile(`WHERE \$timeFilter AND "testrun_name" =~ /\^\$testrun_name\$(\|\^\$)?/ `)

// runVariable returns d's testrun_name variable, or nil.
func runVariable(d dashboard) *variable {
	for i := range d.Templating.List {
		if d.Templating.List[i].Name == "testrun_name" {
			return &d.Templating.List[i]
		}
	}
	return nil
}

// checkRunVariable checks that d has a multi-value testrun_name variable
// whose All is .*, which also matches series without the tag (Grafana's
// default All is the alternation of the values it has seen).
func checkRunVariable(t *testing.T, d dashboard) {
	t.Helper()
	switch v := runVariable(d); {
	case v == nil:
		t.Error("no testrun_name variable")
	case v.Type != "query" || !v.IncludeAll || !v.Multi || v.AllValue != ".*":
		t.Errorf("testrun_name variable %+v: want a multi-value query with All = .*", *v)
	}
}

// checkPrometheus checks the Prometheus dashboard against the series the
// experimental-prometheus-rw output writes: every query reads series it
// writes (with the documented trend stats, or as native histograms), every
// selector filters by the testrun_name variable, and a collapsed row has
// p50/p95/p99 panels over the native histograms of the latency Trends.
func checkPrometheus(t *testing.T, d dashboard) {
	t.Helper()
	written := map[string]bool{}
	byName := map[string]*metrics.Metric{}
	for _, m := range promMetrics(t) {
		byName[m.Name] = m
		for _, native := range []bool{false, true} {
			for _, n := range promrw.SeriesNames(m, trendStats, native) {
				written[n] = true
			}
		}
	}
	vus := promrw.SeriesNames(byName["vus"], nil, false)[0]
	if v := runVariable(d); v != nil && v.Definition != "label_values("+vus+", testrun_name)" {
		t.Errorf("testrun_name variable reads %q, want the label of %s (written every second)", v.Definition, vus)
	}
	for _, q := range queries(d) {
		for _, m := range selectorRE.FindAllStringSubmatch(q, -1) {
			name := strings.TrimSuffix(m[0], m[1])
			if !written[name] {
				t.Errorf("%s: the output writes no series %s", q, name)
			}
			if !runMatcherRE.MatchString(m[1]) {
				t.Errorf("%s: selector %s does not filter by $testrun_name", q, m[0])
			}
		}
	}
	// The native-histogram panels: in a collapsed row, one query per
	// quantile and latency Trend.
	found := map[string]bool{}
	for _, row := range d.Panels {
		for _, p := range row.Panels {
			for _, tg := range p.Targets {
				if m := nativeRE.FindStringSubmatch(tg.Expr); m != nil {
					found[m[2]+" "+m[1]] = true
				} else if strings.Contains(tg.Expr, "histogram_quantile") {
					t.Errorf("native-histogram query %q is not histogram_quantile(q, sum(rate(…[$__rate_interval])))", tg.Expr)
				}
			}
		}
	}
	for _, name := range []string{"llm_ttft", "llm_itl", "llm_request_duration", "http_req_duration"} {
		series := promrw.SeriesNames(byName[name], trendStats, true)[0]
		for _, q := range []string{"0.5", "0.95", "0.99"} {
			if !found[series+" "+q] {
				t.Errorf("no native-histogram panel in a collapsed row reads the %s quantile of %s", q, series)
			}
			delete(found, series+" "+q)
		}
	}
	for k := range found {
		t.Errorf("native-histogram query of %s: not one of the latency Trends", k)
	}
}

// promResult evaluates q on Prometheus now and returns its series.
func promResult(t *testing.T, base, q string) []map[string]any {
	t.Helper()
	return outputtest.PromQuery(t, base, q)
}

// pushProm pushes f through the experimental-prometheus-rw output into
// the Prometheus at base in two pushes at least (rate needs two points):
// the batches of the first 3s, then, once Prometheus holds their
// llm_requests (series sel), the rest.
func pushProm(t *testing.T, base string, f *outputtest.Fixture, native bool, sel string) {
	t.Helper()
	o, err := promrw.New(output.Params{Environment: map[string]string{
		"K6_PROMETHEUS_RW_SERVER_URL":                base + "/api/v1/write",
		"K6_PROMETHEUS_RW_PUSH_INTERVAL":             "20ms",
		"K6_PROMETHEUS_RW_TREND_STATS":               strings.Join(trendStats, ","),
		"K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM": strconv.FormatBool(native),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	mid := f.Base.Add(3 * time.Second)
	var first, rest []metrics.Batch
	requests := 0
	for _, b := range f.Batches {
		if b.Time.Before(mid) {
			first = append(first, b)
			for _, s := range b.Samples {
				if s.Metric == f.Requests {
					requests++
				}
			}
		} else {
			rest = append(rest, b)
		}
	}
	o.AddBatches(first)
	q := "sum(k6_llm_requests_total" + sel + ")"
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if r := promResult(t, base, q); len(r) == 1 && r[0]["value"].([]any)[1] == strconv.Itoa(requests) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: Prometheus did not get %d requests in 30s", q, requests)
		}
	}
	o.AddBatches(rest)
	if err := o.Stop(nil); err != nil {
		t.Fatal(err)
	}
}

// TestPromQLQueriesSelectRuns pushes, through the promrw output into a
// real Prometheus (native histograms on), a local run without a
// testrun_name tag and two instances of a distributed run tagged
// testrun_name=llm-stress with native histograms, then evaluates every
// query of the dashboard, scoped to this test's series, as Grafana would
// for several selections of the testrun_name variable: All (.*) shows the
// untagged run, a run's name shows only that run, and the native-histogram
// panels merge the instances into one series per model.
func TestPromQLQueriesSelectRuns(t *testing.T) {
	base := outputtest.PromNativeURL(t)
	id := strconv.FormatInt(time.Now().UnixNano(), 36)
	start := time.Now().Add(-30 * time.Second)
	local := outputtest.New(60, start)
	pushProm(t, base, local.Tagged("testid", id+"local"), false, `{testid="`+id+`local"}`)
	var dist *outputtest.Fixture
	var ttft, httpDur []float64
	lastVUs := 0.0
	for inst := range 2 {
		f := outputtest.New(60, start)
		dur := f.Registry.MustNewMetric("http_req_duration", metrics.Trend, metrics.Time)
		tags := metrics.NewTagSet(map[string]string{"scenario": "default", "url": "http://127.0.0.1:8000/v1/models", "status": "200"})
		for i := range 60 {
			v := 300 + float64(i*(inst+1))
			httpDur = append(httpDur, v/1000)
			f.Batches = append(f.Batches, metrics.Batch{Time: start.Add(time.Duration(i) * 100 * time.Millisecond), Tags: tags,
				Samples: []metrics.Sample{{Metric: dur, Value: v}}})
		}
		for _, b := range f.Batches {
			for _, s := range b.Samples {
				switch s.Metric {
				case f.TTFT:
					ttft = append(ttft, s.Value/1000)
				case f.Builtins.VUs:
					if inst == 0 {
						lastVUs = s.Value
					}
				}
			}
		}
		inst := strconv.Itoa(inst + 1)
		pushProm(t, base, f.Tagged("testid", id+"dist").Tagged("testrun_name", "llm-stress").Tagged("instance_id", inst), true,
			`{testid="`+id+`dist", instance_id="`+inst+`"}`)
		dist = f
	}

	// written returns the names of the series the output writes for the
	// metrics f has samples of.
	written := func(f *outputtest.Fixture, native bool) map[string]bool {
		out := map[string]bool{}
		for _, b := range f.Batches {
			for _, s := range b.Samples {
				for _, n := range promrw.SeriesNames(s.Metric, trendStats, native) {
					out[n] = true
				}
			}
		}
		return out
	}
	// reads tells whether every series q reads is one of names.
	reads := func(q string, names map[string]bool) bool {
		for _, m := range selectorRE.FindAllStringSubmatch(q, -1) {
			if !names[strings.TrimSuffix(m[0], m[1])] {
				return false
			}
		}
		return true
	}
	localSeries, distSeries := written(local, false), written(dist, true)
	// eval runs q with the variable set to run, on the series of testid.
	eval := func(q, testid, run string) []map[string]any {
		q = strings.ReplaceAll(q, `testrun_name=~"$testrun_name`, `testid="`+id+testid+`", testrun_name=~"`+run)
		return promResult(t, base, expand(q))
	}
	for _, q := range queries(load(t)["llmbench-prometheus.json"]) {
		// The local run: All shows every panel whose series it has; naming
		// a run hides it, but for the GPU panels (GPU samples carry no run
		// tags).
		if got, want := len(eval(q, "local", ".*")) > 0, reads(q, localSeries); got != want {
			t.Errorf("local run, All: data %v from %s, want %v", got, q, want)
		}
		if got, want := len(eval(q, "local", "llm-stress")) > 0, reads(q, localSeries) && strings.Contains(q, "k6_gpu_"); got != want {
			t.Errorf("local run, testrun_name llm-stress: data %v from %s, want %v", got, q, want)
		}
		// The distributed run: shown by its name, by All and among other
		// names, not by another name alone; the native-histogram panels
		// merge the instances into one series per model (or one).
		for _, run := range []string{"llm-stress", ".*", "(other|llm-stress)"} {
			res := eval(q, "dist", run)
			if got, want := len(res) > 0, reads(q, distSeries); got != want {
				t.Errorf("distributed run, testrun_name %s: data %v from %s, want %v", run, got, q, want)
			}
			if want := 1; strings.HasPrefix(q, "histogram_quantile") {
				if strings.Contains(q, "by (model)") {
					want = 2
				}
				if len(res) != want {
					t.Errorf("distributed run, testrun_name %s: %d series from %s, want %d", run, len(res), q, want)
				}
			}
		}
		if got := len(eval(q, "dist", "other")); got > 0 {
			t.Errorf("distributed run, testrun_name other: %d series from %s", got, q)
		}
	}

	// Values: vus adds up the instances; the merged percentiles lie within
	// the samples of both instances (one bucket, 2^(1/8), either side).
	value := func(r map[string]any) float64 {
		v, _ := strconv.ParseFloat(r["value"].([]any)[1].(string), 64)
		return v
	}
	vus := eval(`sum(k6_vus{testrun_name=~"$testrun_name"})`, "dist", "llm-stress")
	if len(vus) != 1 || value(vus[0]) != 2*lastVUs {
		t.Errorf("sum(k6_vus) of 2 instances = %v, want %v", vus, 2*lastVUs)
	}
	bucket := math.Pow(2, 1.0/8)
	for _, c := range []struct {
		series string
		fed    []float64
	}{{"k6_llm_ttft_seconds", ttft}, {"k6_http_req_duration_seconds", httpDur}} {
		lo, hi := slices.Min(c.fed)/bucket, slices.Max(c.fed)*bucket
		prev := 0.0
		for _, q := range []string{"0.5", "0.95", "0.99"} {
			expr := fmt.Sprintf(`histogram_quantile(%s, sum(rate(%s{testrun_name=~"$testrun_name"}[$__rate_interval])))`, q, c.series)
			res := eval(expr, "dist", "llm-stress")
			if len(res) != 1 {
				t.Fatalf("%s: %v", expr, res)
			}
			if v := value(res[0]); v < lo || v > hi || v < prev {
				t.Errorf("%s = %v, want in [%v, %v] and ≥ the lower quantile %v", expr, v, lo, hi, prev)
			} else {
				prev = v
			}
		}
	}
}
