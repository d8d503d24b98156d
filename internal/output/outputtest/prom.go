package outputtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
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
