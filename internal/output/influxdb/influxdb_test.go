package influxdb

import (
	"encoding/json"
	"flag"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/outputtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var base = time.Date(2026, 1, 2, 3, 4, 5, 123456789, outputtest.Zone)

func TestEncodeGolden(t *testing.T) {
	t.Parallel()
	f := outputtest.New(5, base)
	e := NewEncoder(DefaultConfig().TagsAsFields, lineprotocol.Nanosecond)
	e.Reset(nil)
	for i := range f.Batches {
		e.Add(&f.Batches[i])
	}
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "lines.txt")
	if *update {
		if err := os.WriteFile(golden, e.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(e.Bytes())); d != "" {
		t.Errorf("line protocol differs from %s (-want +got):\n%s", golden, d)
	}
	if n := strings.Count(string(e.Bytes()), "\n"); n != e.Lines() {
		t.Errorf("%d lines, Lines() = %d", n, e.Lines())
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	def := DefaultConfig()
	for _, tc := range []struct {
		name    string
		p       output.Params
		check   func(Config) bool
		wantErr bool
	}{
		{"defaults", output.Params{}, func(c Config) bool { return cmp.Equal(c, def) }, false},
		{"url", output.Params{ConfigArgument: "http://u:p@h:1234/mydb?pushInterval=2s&concurrentWrites=2&tagsAsFields=url,vu:int"},
			func(c Config) bool {
				return c.Addr == "http://h:1234" && c.DB == "mydb" && c.Username == "u" && c.Password == "p" &&
					c.PushInterval == 2*time.Second && c.ConcurrentWrites == 2 &&
					cmp.Equal(c.TagsAsFields, map[string]FieldType{"url": String, "vu": Int})
			}, false},
		{"env under url", output.Params{
			Environment:    map[string]string{"K6_INFLUXDB_DB": "envdb", "K6_INFLUXDB_PUSH_INTERVAL": "250ms", "K6_INFLUXDB_USERNAME": "eu", "K6_INFLUXDB_TAGS_AS_FIELDS": "status:int"},
			ConfigArgument: "http://h:1/urldb",
		}, func(c Config) bool {
			return c.DB == "urldb" && c.PushInterval == 250*time.Millisecond && c.Username == "eu" &&
				cmp.Equal(c.TagsAsFields, map[string]FieldType{"status": Int})
		}, false},
		{"json under env", output.Params{
			JSONConfig:  json.RawMessage(`{"db":"j","concurrentWrites":8,"tagsAsFields":["a","b:bool"]}`),
			Environment: map[string]string{"K6_INFLUXDB_DB": "e"},
		}, func(c Config) bool {
			return c.DB == "e" && c.ConcurrentWrites == 8 && cmp.Equal(c.TagsAsFields, map[string]FieldType{"a": String, "b": Bool})
		}, false},
		{"unknown query key", output.Params{ConfigArgument: "http://h/db?nope=1"}, nil, true},
		{"zero writes", output.Params{Environment: map[string]string{"K6_INFLUXDB_CONCURRENT_WRITES": "0"}}, nil, true},
		{"duplicate field", output.Params{Environment: map[string]string{"K6_INFLUXDB_TAGS_AS_FIELDS": "a,a:int"}}, nil, true},
		{"udp", output.Params{ConfigArgument: "udp://h:8089"}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseConfig(tc.p)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err == nil && !tc.check(c) {
				t.Errorf("unexpected config %+v", c)
			}
		})
	}
}

// fakeInflux answers /query with 200 and /write with the statuses of
// plan in turn (then 204), recording the points of accepted writes.
type fakeInflux struct {
	mu       sync.Mutex
	plan     []int
	writes   atomic.Int32
	accepted int
	created  bool
}

func (f *fakeInflux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/query":
		form, _ := url.ParseQuery(string(body))
		f.created = strings.HasPrefix(form.Get("q"), "CREATE DATABASE")
		return
	case "/write":
		f.writes.Add(1)
		if len(f.plan) > 0 {
			code := f.plan[0]
			f.plan = f.plan[1:]
			if code != 0 {
				w.WriteHeader(code)
				return
			}
		}
		f.accepted += strings.Count(string(body), "\n")
		w.WriteHeader(http.StatusNoContent)
	}
}

func TestRetriesAndDrops(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		plan         []int
		wantAccepted bool
		wantWrites   int32
	}{
		{"ok", nil, true, 1},
		{"retried 503 then ok", []int{503, 502}, true, 3},
		{"always 500: dropped", []int{500, 500, 500, 500}, false, 4},
		{"400 not retried", []int{400}, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeInflux{plan: tc.plan}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			f := outputtest.New(20, base)
			// A long push interval: everything goes in one write at Stop.
			o, err := New(output.Params{ConfigArgument: srv.URL + "/db?pushInterval=1h"})
			if err != nil {
				t.Fatal(err)
			}
			o.client.backoff = time.Millisecond
			if err := o.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			o.AddBatches(f.Batches)
			if err := o.Stop(nil); err != nil {
				t.Fatal(err)
			}
			points := 0
			for _, n := range f.Totals() {
				points += int(n[0])
			}
			written, dropped, lost := o.Stats()
			if tc.wantAccepted {
				if fake.accepted != points || written != int64(points) || dropped != 0 {
					t.Errorf("accepted %d, written %d, dropped %d; want %d points", fake.accepted, written, dropped, points)
				}
			} else if dropped != 1 || lost != int64(points) || fake.accepted != 0 {
				t.Errorf("dropped %d batches (%d points), accepted %d; want 1 batch of %d", dropped, lost, fake.accepted, points)
			}
			if got := fake.writes.Load(); got != tc.wantWrites {
				t.Errorf("%d write requests, want %d", got, tc.wantWrites)
			}
			if !fake.created {
				t.Error("no CREATE DATABASE")
			}
		})
	}
}

// TestUnreachableNeverBlocks: with the server gone, AddBatches returns at
// once and Stop finishes after bounded retries, reporting the drops.
func TestUnreachableNeverBlocks(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	o, err := New(output.Params{ConfigArgument: addr + "/db?pushInterval=10ms&concurrentWrites=1"})
	if err != nil {
		t.Fatal(err)
	}
	o.client.backoff = time.Millisecond
	if err := o.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	f := outputtest.New(10, base)
	for range 50 {
		o.AddBatches(f.Batches)
	}
	if err := o.Stop(nil); err != nil {
		t.Fatal(err)
	}
	if _, dropped, _ := o.Stats(); dropped == 0 {
		t.Error("no dropped batches counted")
	}
}

// TestStopIsBounded: a server that never answers cannot hold Stop past
// its deadline; the write is cancelled and counted as dropped.
func TestStopIsBounded(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/write" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}))
	defer srv.Close()
	defer close(release)
	o, err := New(output.Params{ConfigArgument: srv.URL + "/db?pushInterval=1h"})
	if err != nil {
		t.Fatal(err)
	}
	o.stopTimeout = 50 * time.Millisecond
	if err := o.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	o.AddBatches(outputtest.New(3, base).Batches)
	if err := o.Stop(nil); err != nil {
		t.Fatal(err)
	}
	if _, dropped, _ := o.Stats(); dropped != 1 {
		t.Errorf("dropped %d, want 1", dropped)
	}
}

// BenchmarkEncode is the per-sample cost of the line-protocol encoding.
func BenchmarkEncode(b *testing.B) {
	f := outputtest.New(100, base)
	e := NewEncoder(DefaultConfig().TagsAsFields, lineprotocol.Nanosecond)
	n := 0
	for _, bt := range f.Batches {
		n += len(bt.Samples)
	}
	e.Reset(nil)
	b.ReportAllocs()
	for b.Loop() {
		e.Reset(e.Bytes())
		for i := range f.Batches {
			e.Add(&f.Batches[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sample")
}

func TestEncodeEdgeCases(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	itl := reg.MustNewMetric("llm_itl", metrics.Trend, metrics.Time)
	at := time.Unix(10, 5_000_000) // 10.005s
	for _, tc := range []struct {
		name    string
		prec    lineprotocol.Precision
		batch   metrics.Batch
		want    string
		wantErr bool
	}{
		{"repeats 1ns apart, NaN skipped", lineprotocol.Nanosecond,
			metrics.Batch{Time: at, Tags: metrics.NewTagSet(map[string]string{"model": "a b", "url": "u"}), Samples: []metrics.Sample{{Metric: itl, Value: 1}, {Metric: itl, Value: math.NaN()}, {Metric: itl, Value: 2}}},
			"llm_itl,model=a\\ b value=1,url=\"u\" 10005000000\nllm_itl,model=a\\ b value=2,url=\"u\" 10005000001\n", false},
		{"ms precision", lineprotocol.Millisecond,
			metrics.Batch{Time: at, Samples: []metrics.Sample{{Metric: itl, Value: 1}, {Metric: itl, Value: 2}}},
			"llm_itl value=1 10005\nllm_itl value=2 10006\n", false},
		{"invalid tag: batch skipped", lineprotocol.Nanosecond,
			metrics.Batch{Time: at, Tags: metrics.NewTagSet(map[string]string{"bad": "x\ny"}), Samples: []metrics.Sample{{Metric: itl, Value: 1}}},
			"", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := NewEncoder(DefaultConfig().TagsAsFields, tc.prec)
			e.Reset(nil)
			e.Add(&tc.batch)
			if got := string(e.Bytes()); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if (e.Err() != nil) != tc.wantErr {
				t.Errorf("Err() = %v", e.Err())
			}
		})
	}
}
