package outputtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
)

// PromQuery evaluates the PromQL instant query q on the Prometheus at base
// and returns its result series ({"metric": labels, "value": [t, "v"]}),
// failing the test on any error.
func PromQuery(t testing.TB, base, q string) []map[string]any {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/query?" + url.Values{"query": {q}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Status, Error string
		Data          struct{ Result []map[string]any }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Status != "success" {
		t.Fatalf("%s: %v %s %s", q, err, r.Status, r.Error)
	}
	return r.Data.Result
}

// PromScalar evaluates q, which must yield exactly one series, and returns
// its value.
func PromScalar(t testing.TB, base, q string) float64 {
	t.Helper()
	res := PromQuery(t, base, q)
	if len(res) != 1 {
		t.Fatalf("%s: %d results, want 1", q, len(res))
	}
	pair, ok := res[0]["value"].([]any)
	if !ok || len(pair) != 2 {
		t.Fatalf("%s: value %v", q, res[0]["value"])
	}
	s, _ := pair[1].(string)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%s: value %q: %v", q, s, err)
	}
	return v
}

// PromURL is the real Prometheus the tests write to
// (LLMBENCH_TEST_PROMETHEUS_URL, which .ci/services.sh sets); it skips the
// test when there is none.
func PromURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("LLMBENCH_TEST_PROMETHEUS_URL")
	if u == "" {
		t.Skip("LLMBENCH_TEST_PROMETHEUS_URL is not set: run `eval \"$(.ci/services.sh)\"` to test against a real Prometheus")
	}
	return u
}

// PromNativeURL is PromURL for a Prometheus that takes native histograms;
// it skips the test when it does not.
func PromNativeURL(t testing.TB) string {
	t.Helper()
	base := PromURL(t)
	var flags struct {
		Data map[string]string `json:"data"`
	}
	if resp, err := http.Get(base + "/api/v1/status/flags"); err == nil {
		_ = json.NewDecoder(resp.Body).Decode(&flags)
		resp.Body.Close()
	}
	if !strings.Contains(flags.Data["enable-feature"], "native-histograms") {
		t.Skip("this Prometheus runs without --enable-feature=native-histograms (.ci/services.sh starts it with it)")
	}
	return base
}
