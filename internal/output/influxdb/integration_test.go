package influxdb

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/outputtest"
)

// influxURL returns the real InfluxDB 1.x that .ci/services.sh started.
func influxURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("LLMBENCH_TEST_INFLUXDB_URL")
	if u == "" {
		t.Skip("LLMBENCH_TEST_INFLUXDB_URL is not set: run `eval \"$(.ci/services.sh)\"` to test against a real InfluxDB")
	}
	return u
}

// queryTotals returns count(value) and sum(value) per measurement of db.
func queryTotals(t *testing.T, base, db string) map[string][2]float64 {
	t.Helper()
	q := url.Values{"db": {db}, "q": {`SELECT count("value"), sum("value") FROM /.*/`}}
	resp, err := http.Get(base + "/query?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Results []struct {
			Error  string
			Series []struct {
				Name   string
				Values [][]any
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	out := map[string][2]float64{}
	for _, res := range r.Results {
		if res.Error != "" {
			t.Fatalf("query: %s", res.Error)
		}
		for _, s := range res.Series {
			row := s.Values[0] // [time, count, sum]
			out[s.Name] = [2]float64{row[1].(float64), row[2].(float64)}
		}
	}
	return out
}

// TestRealInfluxDB feeds a run's batches through the Manager, the aggregate
// and the influxdb output into a fresh database of a real InfluxDB 1.x, and
// checks that count and sum per measurement equal what was fed and what
// the aggregate (the summary) counted.
func TestRealInfluxDB(t *testing.T) {
	base := influxURL(t)
	db := fmt.Sprintf("llmbench_test_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		resp, err := http.PostForm(base+"/query", url.Values{"q": {`DROP DATABASE "` + db + `"`}})
		if err == nil {
			resp.Body.Close()
		}
	})
	f := outputtest.New(120, time.Now().Add(-time.Minute).Truncate(time.Millisecond))
	o, err := New(output.Params{
		ConfigArgument: base + "/" + db,
		Environment:    map[string]string{"K6_INFLUXDB_PUSH_INTERVAL": "20ms", "K6_INFLUXDB_CONCURRENT_WRITES": "2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	snap := outputtest.Feed(t, f, o)
	if _, dropped, _ := o.Stats(); dropped != 0 {
		t.Fatalf("%d batches dropped", dropped)
	}
	got := queryTotals(t, base, db)
	approx := cmp.Comparer(func(a, b [2]float64) bool { return a[0] == b[0] && math.Abs(a[1]-b[1]) < 1e-6*max(1, math.Abs(a[1])) })
	if d := cmp.Diff(f.Totals(), got, approx); d != "" {
		t.Errorf("InfluxDB count/sum per measurement (-fed +stored):\n%s", d)
	}
	for name, want := range outputtest.AggregateTotals(snap) {
		if !cmp.Equal(want, got[name], approx) {
			t.Errorf("%s: aggregate count/sum %v, InfluxDB %v", name, want, got[name])
		}
	}
	for _, name := range []string{"llm_ttft", "llm_itl", "llm_output_tokens", "llm_requests", "llm_request_failed", "vus", "gpu_power"} {
		if _, ok := got[name]; !ok {
			t.Errorf("measurement %s missing", name)
		}
	}
}
