package dashboards

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/influxdb"
	"github.com/llmbench/llmbench/internal/output/outputtest"
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
}

type dashboard struct {
	UID, Title    string
	SchemaVersion int
	Templating    struct {
		List []struct{ Name, Type, Query any }
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

// queries returns every panel query of d.
func queries(d dashboard) []string {
	var out []string
	for _, p := range d.Panels {
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
			for _, p := range d.Panels {
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
		})
	}
}

// expand replaces Grafana's variables the way it does for a 5-minute range.
func expand(q string) string {
	now := time.Now()
	return strings.NewReplacer(
		"$timeFilter", fmt.Sprintf("time >= %dms and time <= %dms", now.Add(-10*time.Minute).UnixMilli(), now.UnixMilli()),
		"$__interval_ms", "1000", "$__interval", "1s", "$__rate_interval", "1m", "$model", ".*",
	).Replace(q)
}

// TestInfluxQLQueriesRun runs every InfluxQL query of the dashboard against
// a real InfluxDB holding a run's data, and checks that each one answers
// without error and that the llm panels get data.
func TestInfluxQLQueriesRun(t *testing.T) {
	base := os.Getenv("LLMBENCH_TEST_INFLUXDB_URL")
	if base == "" {
		t.Skip("LLMBENCH_TEST_INFLUXDB_URL is not set: run `eval \"$(.ci/services.sh)\"`")
	}
	db := "llmbench_dash_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "_")
	defer http.PostForm(base+"/query", url.Values{"q": {`DROP DATABASE "` + db + `"`}}) //nolint:errcheck // best effort
	f := outputtest.New(50, time.Now().Add(-time.Minute))
	o, err := influxdb.New(output.Params{ConfigArgument: base + "/" + db})
	if err != nil {
		t.Fatal(err)
	}
	outputtest.Feed(t, f, o)
	for _, q := range queries(load(t)["llmbench-influxdb.json"]) {
		resp, err := http.Get(base + "/query?" + url.Values{"db": {db}, "q": {expand(q)}}.Encode())
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
		if strings.Contains(q, `"llm_`) && len(r.Results[0].Series) == 0 {
			t.Errorf("%s: no data", q)
		}
	}
}

// TestPromQLQueriesParse checks every PromQL query of the dashboard
// against a real Prometheus (it must parse and evaluate).
func TestPromQLQueriesParse(t *testing.T) {
	base := os.Getenv("LLMBENCH_TEST_PROMETHEUS_URL")
	if base == "" {
		t.Skip("LLMBENCH_TEST_PROMETHEUS_URL is not set: run `eval \"$(.ci/services.sh)\"`")
	}
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
