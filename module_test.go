package llm

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/js/modules/modulestest"
	"github.com/llmbench/llmbench/internal/mock"
	"github.com/llmbench/llmbench/internal/netx"
)

// loadModule runs init (the module instance and `llm` global) on a
// modulestest VU, then moves it to the running state.
func loadModule(t *testing.T) *modulestest.VU {
	t.Helper()
	v := modulestest.New(t)
	v.Load(t, New(), "llm")
	v.MoveToRun()
	if v.Registry.Get("llm_ttft") == nil {
		t.Fatal("llm_ttft not registered in init")
	}
	return v
}

// TestModuleAsksForReceiveStamps: importing k6/x/llm makes the VU's
// connections keep kernel receive stamps (a k6/http-only VU does not).
func TestModuleAsksForReceiveStamps(t *testing.T) {
	v := modulestest.New(t)
	n := netx.New(nil)
	v.Init.Net = n
	if n.ReceiveStamps() {
		t.Fatal("a new handle stamps before any module asked")
	}
	v.Load(t, New(), "llm")
	if !n.ReceiveStamps() {
		t.Error("k6/x/llm's instance did not ask the VU's handle for receive stamps")
	}
}

func TestModuleChat(t *testing.T) {
	t.Parallel()
	ts := mockServer(t, mock.Config{OutputTokens: 8, Model: "served"})
	v := loadModule(t)
	_ = v.RT.Set("BASE", ts.URL+"/v1")
	res, err := v.RT.RunString(`
		const c = new llm.Client({baseURL: BASE, model: 'asked', tags: {target: 'mock'}, slo: {e2e: '1m'}});
		const r = c.chat({messages: [{role: 'user', content: 'Hi'}]}, {tags: {turn: '1'}});
		[r.ok, r.errorCode, r.outputTokens, r.tokenSource, r.model, r.content.length, r.ttft > 0, r.itl.length, typeof r.headers['Content-Type']].join(',')`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.String(), "true,,8,usage,asked,32,true,7,string"; got != want {
		t.Errorf("result %s, want %s", got, want)
	}
	batches := v.Out.Batches()
	if len(batches) != 1 {
		t.Fatalf("%d batches", len(batches))
	}
	b := batches[0]
	wantTags := map[string]string{"scenario": "default", "target": "mock", "turn": "1", "model": "asked", "endpoint": "chat", "status": "200", "token_source": "usage"}
	if diff := cmp.Diff(wantTags, b.Tags.Map()); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if b.Metadata["vu"] != "1" {
		t.Errorf("metadata %v", b.Metadata)
	}
	var good, itl int
	for _, s := range b.Samples {
		switch s.Metric.Name {
		case "llm_goodput":
			good++
		case "llm_itl":
			itl++
		}
	}
	if good != 1 || itl != 7 {
		t.Errorf("goodput %d itl %d samples", good, itl)
	}
}

func TestModuleAsync(t *testing.T) {
	t.Parallel()
	ts := mockServer(t, mock.Config{OutputTokens: 3, Status500: 1})
	v := loadModule(t)
	_ = v.RT.Set("BASE", ts.URL+"/v1")
	if _, err := v.RT.RunString(`
		var got;
		new llm.Client({baseURL: BASE}).completeAsync('{"prompt":"x"}').then((r) => { got = r.ok + ',' + r.errorCode + ',' + r.status; });`); err != nil {
		t.Fatal(err)
	}
	v.RunCallback(t, 10*time.Second)
	if got := v.RT.Get("got").String(); got != "false,http_5xx,500" {
		t.Errorf("async result %q", got)
	}
	batches := v.Out.Batches()
	if len(batches) != 1 {
		t.Fatalf("%d batches", len(batches))
	}
	if ec, _ := batches[0].Tags.Get("error_code"); ec != "http_5xx" {
		t.Errorf("error_code %q", ec)
	}
}

// TestModuleFaults checks that every fault is one request, one failure,
// and tagged with its error code.
func TestModuleFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  mock.Config
		code string
	}{
		{"429", mock.Config{Status429: 1}, ErrHTTP429},
		{"500", mock.Config{Status500: 1}, ErrHTTP5xx},
		{"cut", mock.Config{CutStream: 1}, ErrStreamCut},
		{"malformed", mock.Config{MalformedChunk: 1}, ErrMalformedChunk},
		{"error chunk", mock.Config{ErrorChunk: 1}, ErrServerError},
		{"ok", mock.Config{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := mockServer(t, tc.cfg)
			v := loadModule(t)
			_ = v.RT.Set("BASE", ts.URL+"/v1")
			res, err := v.RT.RunString(`const r = new llm.Client({baseURL: BASE}).chat({messages: []}); r.ok + ',' + r.errorCode`)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res.String(), fmt.Sprint(tc.code == "", ",", tc.code); got != want {
				t.Errorf("result %q, want %q", got, want)
			}
			counts := map[string]float64{}
			for _, b := range v.Out.Batches() {
				if ec, _ := b.Tags.Get("error_code"); ec != tc.code {
					t.Errorf("error_code tag %q", ec)
				}
				for _, s := range b.Samples {
					counts[s.Metric.Name] += s.Value
				}
			}
			failed := 0.0
			if tc.code != "" {
				failed = 1
			}
			if counts["llm_requests"] != 1 || counts["llm_request_failed"] != failed {
				t.Errorf("counts %v", counts)
			}
			// data_sent and data_received are the engine's, per iteration
			// (internal/js), not the module's, per request.
			if counts["data_sent"] != 0 || counts["data_received"] != 0 {
				t.Errorf("the module emitted data_sent/data_received: %v", counts)
			}
		})
	}
}
