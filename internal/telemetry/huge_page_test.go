package telemetry

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"testing"
)

// TestHugePageKeepsOnlySelected: a page of 200,000 series nobody selected
// (16 MB) around one selected gauge costs a fraction of its size to scrape,
// and the selected value is read. The old path parsed every series with
// expfmt (allocating many times the page).
func TestHugePageKeepsOnlySelected(t *testing.T) {
	var page bytes.Buffer
	page.WriteString("# HELP other_metric unselected\n# TYPE other_metric gauge\n")
	for i := range 100_000 {
		fmt.Fprintf(&page, "other_metric{pod=\"p-%07d\",zone=\"z\"} %d\n", i, i)
	}
	page.WriteString("# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name=\"m\"} 7\n")
	for i := range 100_000 {
		fmt.Fprintf(&page, "other_histogram_bucket{le=\"%d\"} %d\n", i, i)
	}
	body := page.Bytes()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) }))
	defer ts.Close()
	s, err := New(Options{Targets: []string{ts.URL}, Series: []string{"vllm:num_requests_running"}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(ts.URL + "/metrics")
	if _, err := s.fetch(context.Background(), u); err != nil { // warm the connection and pools
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fams, err := s.fetch(context.Background(), u)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) != 1 || fams["vllm:num_requests_running"].GetMetric()[0].GetGauge().GetValue() != 7 {
		names := make([]string, 0, len(fams))
		for n := range fams {
			names = append(names, n)
		}
		t.Fatalf("families %v: want only the selected gauge, 7", names)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(len(body))/2 {
		t.Errorf("one scrape of a %d-byte page allocated %d bytes: the unselected series were parsed", len(body), alloc)
	}
}
