package summary

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/metrics"
)

// smallRun mirrors the reference's handleSummary example.
func smallRun(t *testing.T) []byte {
	t.Helper()
	f := newFeeder()
	dur := f.metric("http_req_duration", metrics.Trend, metrics.Time)
	reqs := f.metric("http_reqs", metrics.Counter)
	trunc := f.metric("llamacpp_completions_truncated_rate", metrics.Rate)
	f.add(dur, map[string]string{"expected_response": "true"}, 100, 200, 300)
	f.add(reqs, nil, 1, 1, 1)
	f.add(trunc, nil, 0, 0, 1)
	f.add(f.b.VUs, nil, 10, 20, 10)
	f.check("", "status is 200", 2, 1)
	f.check("::login", "logged in", 1, 0)
	f.add(f.b.GroupDuration, map[string]string{"group": "::login"}, 5)
	snap := f.snapshot(t, `{"http_req_duration": ["p(95)<500"], "llamacpp_completions_truncated_rate": ["rate < 0.2"], "http_req_duration{expected_response:true}": ["max<1000"]}`)
	data, err := Data(snap, Options{TrendStats: []string{"avg", "p(90)", "count"}, NoColor: true, StdoutTTY: true, SetupData: json.RawMessage(`{"token":"abc"}`)})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestData(t *testing.T) {
	t.Parallel()
	data := smallRun(t)
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	// Percentiles come from the sketch: round them for the comparison.
	approx := cmp.Comparer(func(a, b float64) bool { return a == b || (a-b)/b < 0.01 && (b-a)/b < 0.01 })
	want := map[string]any{
		"root_group": map[string]any{
			"name": "", "path": "", "id": "d41d8cd98f00b204e9800998ecf8427e",
			"groups": []any{map[string]any{"name": "login", "path": "::login", "id": "1e1ae0f4a3fa2d54c4d2b4f3a3fd6a3a",
				"groups": []any{}, "checks": []any{map[string]any{"name": "logged in", "path": "::login::logged in",
					"id": "" /* filled below */, "passes": 1.0, "fails": 0.0}}}},
			"checks": []any{map[string]any{"name": "status is 200", "path": "::status is 200", "id": groupID("::status is 200"), "passes": 2.0, "fails": 1.0}},
		},
		"options":    map[string]any{"summaryTrendStats": []any{"avg", "p(90)", "count"}, "summaryTimeUnit": "", "noColor": true},
		"state":      map[string]any{"isStdOutTTY": true, "isStdErrTTY": false, "testRunDurationMs": 10000.0},
		"setup_data": map[string]any{"token": "abc"},
		"metrics": map[string]any{
			"http_reqs": map[string]any{"type": "counter", "contains": "default", "values": map[string]any{"count": 3.0, "rate": 0.3}},
			"vus":       map[string]any{"type": "gauge", "contains": "default", "values": map[string]any{"value": 10.0, "min": 10.0, "max": 20.0}},
			"checks":    map[string]any{"type": "rate", "contains": "default", "values": map[string]any{"rate": 0.75, "passes": 3.0, "fails": 1.0}},
			"group_duration": map[string]any{"type": "trend", "contains": "time",
				"values": map[string]any{"avg": 5.0, "p(90)": 5.0, "count": 1.0}},
			"http_req_duration": map[string]any{"type": "trend", "contains": "time",
				"values":     map[string]any{"avg": 200.0, "p(90)": 280.0, "count": 3.0},
				"thresholds": map[string]any{"p(95)<500": map[string]any{"ok": true}}},
			"http_req_duration{expected_response:true}": map[string]any{"type": "trend", "contains": "time",
				"values":     map[string]any{"avg": 200.0, "p(90)": 280.0, "count": 3.0},
				"thresholds": map[string]any{"max<1000": map[string]any{"ok": true}}},
			"llamacpp_completions_truncated_rate": map[string]any{"type": "rate", "contains": "default",
				"values":     map[string]any{"rate": 1.0 / 3, "passes": 1.0, "fails": 2.0},
				"thresholds": map[string]any{"rate < 0.2": map[string]any{"ok": false}}},
		},
	}
	login := want["root_group"].(map[string]any)["groups"].([]any)[0].(map[string]any)
	login["id"] = groupID("::login")
	login["checks"].([]any)[0].(map[string]any)["id"] = groupID("::login::logged in")
	if d := cmp.Diff(want, got, approx); d != "" {
		t.Errorf("Data (-want +got):\n%s", d)
	}
	if !strings.Contains(string(data), `"values":{"avg":200,"p(90)":`) {
		t.Errorf("trend values are not in summaryTrendStats order: %s", data)
	}
}

func TestDataBadTrendStat(t *testing.T) {
	t.Parallel()
	f := newFeeder()
	snap := f.snapshot(t, `{}`)
	for stat, want := range map[string]string{"sum": "invalid trend stat 'sum', unknown format", "p(101)": "provide a number between 0 and 100"} {
		if _, err := Data(snap, Options{TrendStats: []string{stat}}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Data with %s: %v", stat, err)
		}
	}
}

func TestExport(t *testing.T) {
	t.Parallel()
	out, err := Export(smallRun(t))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "export.golden", out)
	var got struct {
		RootGroup struct {
			Checks map[string]struct{ Passes, Fails int }
			Groups map[string]struct {
				Checks map[string]struct{ Passes int }
			}
		} `json:"root_group"`
		Metrics   map[string]map[string]any
		Options   any
		State     any
		SetupData map[string]string `json:"setup_data"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	rate := got.Metrics["llamacpp_completions_truncated_rate"]
	if _, ok := rate["rate"]; ok || rate["value"] == nil || !cmp.Equal(rate["thresholds"], map[string]any{"rate < 0.2": true}) {
		t.Errorf("rate metric = %v", rate)
	}
	if got.Metrics["http_req_duration"]["thresholds"].(map[string]any)["p(95)<500"] != false {
		t.Errorf("passing threshold not false: %v", got.Metrics["http_req_duration"])
	}
	if got.RootGroup.Checks["status is 200"].Passes != 2 || got.RootGroup.Groups["login"].Checks["logged in"].Passes != 1 {
		t.Errorf("root_group = %+v", got.RootGroup)
	}
	if got.Options != nil || got.State != nil || got.SetupData["token"] != "abc" {
		t.Errorf("options/state/setup_data wrong: %v %v %v", got.Options, got.State, got.SetupData)
	}
	if !strings.HasPrefix(string(out), "{\n    \"") || strings.Contains(string(out), `\u003c`) {
		t.Errorf("not 4-space indented or HTML-escaped:\n%.200s", out)
	}
	if _, err := Export([]byte("nope")); err == nil {
		t.Error("Export accepted invalid JSON")
	}
}

type memFile struct {
	strings.Builder
	closed bool
}

func (m *memFile) Close() error { m.closed = true; return nil }

func TestWriteResults(t *testing.T) {
	t.Parallel()
	var stdout, stderr strings.Builder
	files := map[string]*memFile{}
	create := func(path string) (io.WriteCloser, error) {
		if path == "bad/x.json" {
			return nil, errors.New("no such directory")
		}
		f := &memFile{}
		files[path] = f
		return f, nil
	}
	err := WriteResults(map[string][]byte{
		"stdout": []byte("out"), "stderr": []byte("err"), "summary.json": []byte("{}"), "bad/x.json": []byte("x"),
	}, &stdout, &stderr, create)
	if err == nil || !strings.Contains(err.Error(), "creating summary file bad/x.json: no such directory") {
		t.Errorf("error = %v", err)
	}
	if stdout.String() != "out" || stderr.String() != "err" {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
	if f := files["summary.json"]; f == nil || f.String() != "{}" || !f.closed {
		t.Errorf("summary.json = %+v", f)
	}
}
