package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"

	"github.com/llmbench/llmbench/internal/exit"
)

func mustConsolidate(t *testing.T, layers ...Options) Run {
	t.Helper()
	r, _, err := Consolidate(layers...)
	if err != nil {
		t.Fatalf("Consolidate: %v", err)
	}
	return r
}

func TestTestOptionsJSON(t *testing.T) {
	t.Parallel()
	script, _, err := FromScriptJSON([]byte(`{"vus": 3, "duration": "10s", "tags": {"a": "b"}, "userAgent": "x"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := mustConsolidate(t, script).TestOptionsJSON()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"vus", "duration", "iterations", "stages"} {
		if _, ok := got[k]; ok {
			t.Errorf("exec.test.options has %q: %s", k, b)
		}
	}
	for _, k := range []string{"scenarios", "tags", "userAgent", "summaryTrendStats", "systemTags", "setupTimeout"} {
		if _, ok := got[k]; !ok {
			t.Errorf("exec.test.options lacks %q: %s", k, b)
		}
	}
	var scen map[string]json.RawMessage
	if err := json.Unmarshal(got["scenarios"], &scen); err != nil {
		t.Fatal(err)
	}
	var def map[string]any
	if err := json.Unmarshal(scen["default"], &def); err != nil {
		t.Fatal(err)
	}
	if def["executor"] != "constant-vus" || def["vus"] != 3.0 || def["duration"] != "10s" {
		t.Errorf("scenarios = %s, want the constant-vus default scenario", got["scenarios"])
	}
}

func TestRunIsImmutable(t *testing.T) {
	t.Parallel()
	script, _, err := FromScriptJSON([]byte(`{"tags": {"a": "b"}, "summaryTrendStats": ["avg"]}`))
	if err != nil {
		t.Fatal(err)
	}
	r := mustConsolidate(t, script)
	r.Tags()["a"] = "changed"
	r.SummaryTrendStats()[0] = "max"
	r.SystemTags()[0] = "x"
	r.ScenarioJSON()["default"][0] = 'X'
	r.Scenarios()[0].Name = "x"
	if r.Tags()["a"] != "b" || r.SummaryTrendStats()[0] != "avg" || r.SystemTags()[0] != "proto" ||
		r.ScenarioJSON()["default"][0] != '{' || r.Scenarios()[0].Name != "default" {
		t.Errorf("Run changed through an accessor")
	}
}

func TestRunAccessors(t *testing.T) {
	t.Parallel()
	env, err := FromEnv(map[string]string{
		"K6_NO_THRESHOLDS": "true", "K6_SUMMARY_EXPORT": "x.json", "K6_OUT": "json=a.json,csv",
		"K6_SETUP_TIMEOUT": "5s", "K6_NO_TEARDOWN": "1", "K6_SUMMARY_MODE": "disabled",
	})
	if err != nil {
		t.Fatal(err)
	}
	r := mustConsolidate(t, Defaults(), env)
	got := map[string]any{
		"NoThresholds": r.NoThresholds(), "SummaryExport": r.SummaryExport(), "Out": r.Out(),
		"SetupTimeout": r.SetupTimeout(), "TeardownTimeout": r.TeardownTimeout(),
		"NoTeardown": r.NoTeardown(), "NoSetup": r.NoSetup(), "NoSummary": r.NoSummary(),
		"SummaryMode": r.SummaryMode(), "vu tag": r.SystemTagEnabled("vu"), "url tag": r.SystemTagEnabled("url"),
	}
	want := map[string]any{
		"NoThresholds": true, "SummaryExport": "x.json", "Out": []string{"json=a.json", "csv"},
		"SetupTimeout": 5 * time.Second, "TeardownTimeout": 60 * time.Second,
		"NoTeardown": true, "NoSetup": false, "NoSummary": true,
		"SummaryMode": "disabled", "vu tag": false, "url tag": true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accessors (-want +got):\n%s", diff)
	}
}

func TestFlagsOnlyChanged(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		want Options
	}{
		{"none", nil, Options{Source: "cli"}},
		{"vus_only", []string{"-u", "1"}, Options{Source: "cli", VUs: Some[int64](1)}},
		{"stages", []string{"-s", "10s:5", "--stage", "1d:0"}, Options{Source: "cli", Stages: []Stage{
			{Some(Duration(10 * time.Second)), Some[int64](5)}, {Some(Duration(24 * time.Hour)), Some[int64](0)},
		}}},
		{"lists", []string{"--summary-trend-stats", "avg,p(99.9)", "--system-tags", "vu", "-o", "json", "-o", "csv=x.csv"}, Options{
			Source: "cli", SummaryTrendStats: []string{"avg", "p(99.9)"}, SystemTags: []string{"vu"}, Out: []string{"json", "csv=x.csv"},
		}},
		{"bools", []string{"--no-setup", "--no-teardown", "--no-thresholds", "--no-summary"}, Options{
			Source: "cli", NoSetup: Some(true), NoTeardown: Some(true), NoThresholds: Some(true), NoSummary: Some(true),
		}},
		{"strings", []string{"--summary-time-unit", "ms", "--summary-export", "s.json", "--summary-mode", "full", "-d", "1500", "-i", "7"}, Options{
			Source: "cli", SummaryTimeUnit: Some("ms"), SummaryExport: Some("s.json"), SummaryMode: Some("full"),
			Duration: Some(Duration(1500 * time.Millisecond)), Iterations: Some[int64](7),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
			f := RegisterFlags(fs)
			if err := fs.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			got, err := f.Options()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromEnvPrefixes(t *testing.T) {
	t.Parallel()
	got, err := FromEnv(map[string]string{"K6_VUS": "2", "LLMBENCH_VUS": "5", "K6_ITERATIONS": "3", "PATH": "/bin"})
	if err != nil {
		t.Fatal(err)
	}
	want := Options{Source: "env", VUs: Some[int64](5), Iterations: Some[int64](3)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FromEnv (-want +got):\n%s", diff)
	}
}

func TestFromFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(`{"vus": 2, "out": "json", "collectors": {"csv": {"fileName": "x.csv"}}, "linger": true}`), 0o644)
	os.WriteFile(bad, []byte(`{"duration": "forever"}`), 0o644)
	o, err := FromFile(good)
	if err != nil {
		t.Fatal(err)
	}
	want := Options{Source: "file", VUs: Some[int64](2), Out: []string{"json"},
		Collectors: map[string]json.RawMessage{"csv": json.RawMessage(`{"fileName": "x.csv"}`)}}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("FromFile (-want +got):\n%s", diff)
	}
	for _, p := range []string{bad, filepath.Join(dir, "missing.json")} {
		_, err := FromFile(p)
		if exit.CodeOf(err) != exit.InvalidConfig || !strings.Contains(err.Error(), filepath.Base(p)) {
			t.Errorf("FromFile(%s) = %v (code %d), want exit 104 naming the file", p, err, exit.CodeOf(err))
		}
	}
}

func TestDeriveScenariosKeepsScenarios(t *testing.T) {
	t.Parallel()
	in := map[string]json.RawMessage{"a": json.RawMessage(`{"executor":"constant-vus"}`)}
	got, warnings, err := DeriveScenarios(Options{VUs: Some[int64](10), Scenarios: in})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("DeriveScenarios: %v, %v", warnings, err)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("scenarios (-want +got):\n%s", diff)
	}
}
