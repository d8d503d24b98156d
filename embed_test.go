package llm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/mock"
)

func TestInsertModel(t *testing.T) {
	t.Parallel()
	tests := []struct{ body, want string }{
		{`{"input":"x"}`, `{"model":"m","input":"x"}`},
		{` { }`, ` {"model":"m" }`},
		{`{"model":"own","input":"x"}`, `{"model":"own","input":"x"}`},
		{`[1,2]`, `[1,2]`},
		{`{bad`, `{bad`},
	}
	for _, tc := range tests {
		if got := string(insertModel([]byte(tc.body), []byte(`"m"`))); got != tc.want {
			t.Errorf("insertModel(%s) = %s, want %s", tc.body, got, tc.want)
		}
	}
	if got := string(insertModel([]byte(`{"input":"x"}`), nil)); got != `{"input":"x"}` {
		t.Errorf("no default model: %s", got)
	}
}

// TestEmbed checks the Result of an embeddings request against the mock's
// known latency, dimension and token count, over a real socket.
func TestEmbed(t *testing.T) {
	t.Parallel()
	const latency = 40 * time.Millisecond
	ts := mockServer(t, mock.Config{EmbedLatency: latency, EmbeddingDim: 16, Model: "served"})
	c := newClient(t, Config{BaseURL: ts.URL + "/v1", Model: "asked"})
	tests := []struct {
		name, body            string
		vectors, dims, tokens int
		model                 string
	}{
		{"one text", `{"input":"twelve bytes"}`, 1, 16, 3, "asked"},
		{"batch", `{"input":["aaaa","bbbbbbbb","c"],"model":"own"}`, 3, 16, 4, "own"},
		{"dimensions", `{"input":[1,2,3],"dimensions":5}`, 1, 5, 3, "asked"},
		{"base64", `{"input":"x","encoding_format":"base64","dimensions":7}`, 1, 7, 1, "asked"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Embed(context.Background(), []byte(tc.body), RequestOptions{})
			if !r.OK {
				t.Fatalf("failed: %s %s", r.ErrorCode, r.Error)
			}
			got := [5]any{r.Vectors, r.Dimensions, r.InputTokens, r.Model, r.Endpoint.String()}
			if want := [5]any{tc.vectors, tc.dims, tc.tokens, tc.model, "embeddings"}; got != want {
				t.Errorf("vectors, dims, tokens, model, endpoint = %v, want %v", got, want)
			}
			d, ok := r.Timing.E2E()
			if !ok || d < latency || d > latency+2*time.Second {
				t.Errorf("E2E %v (ok %v), want ≥ %v", d, ok, latency)
			}
			if _, ok := r.Timing.TTFT(); ok {
				t.Error("an embeddings request has a TTFT")
			}
		})
	}
}

func TestEmbedFailures(t *testing.T) {
	t.Parallel()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(r.Header.Get("X-Answer")))
	}))
	t.Cleanup(bad.Close)
	tests := []struct {
		name, base, answer, code string
	}{
		{"500", mockServer(t, mock.Config{Status500: 1}).URL + "/v1", "", ErrHTTP5xx},
		{"429", mockServer(t, mock.Config{Status429: 1}).URL + "/v1", "", ErrHTTP429},
		{"400 bad input", mockServer(t, mock.Config{}).URL + "/v1", "", ErrHTTP4xx},
		{"no data array", bad.URL, `{"object":"list","usage":{"prompt_tokens":1}}`, ErrMalformedChunk},
		{"not json", bad.URL, `{"data":[`, ErrMalformedChunk},
		{"error object", bad.URL, `{"error":{"message":"boom"}}`, ErrServerError},
		{"refused", "http://127.0.0.1:1/v1", "", ErrConnection},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, Config{BaseURL: tc.base})
			body := `{"input":"x"}`
			if tc.name == "400 bad input" {
				body = `{"input":[]}`
			}
			r := c.Embed(context.Background(), []byte(body), RequestOptions{Headers: map[string]string{"X-Answer": tc.answer}})
			if r.OK || r.ErrorCode != tc.code {
				t.Errorf("ok %v code %q (%s), want %q", r.OK, r.ErrorCode, r.Error, tc.code)
			}
		})
	}
}

// TestModuleEmbed runs client.embed and embedAsync from JS and checks the
// Result object and the samples: llm_requests, llm_request_failed,
// llm_request_duration (the mock's latency) and llm_input_tokens, tagged
// endpoint=embeddings, and no token or TTFT metrics.
func TestModuleEmbed(t *testing.T) {
	t.Parallel()
	const latency = 30 * time.Millisecond
	ts := mockServer(t, mock.Config{EmbedLatency: latency, EmbeddingDim: 12})
	v := loadModule(t)
	_ = v.RT.Set("BASE", ts.URL+"/v1")
	res, err := v.RT.RunString(`
		const c = new llm.Client({baseURL: BASE, model: 'e5'});
		const r = c.embed({input: ['abcdefgh', 'ijklmnop']}, {tags: {kind: 'rag'}});
		[Object.keys(r).join(' '), r.ok, r.errorCode, r.count, r.dimensions, r.inputTokens, r.model, r.duration >= 30].join(',')`)
	if err != nil {
		t.Fatal(err)
	}
	want := "ok status error errorCode id model duration sentAt inputTokens dimensions count headers,true,,2,12,4,e5,true"
	if got := res.String(); got != want {
		t.Errorf("result %s\nwant   %s", got, want)
	}
	if len(v.Out.Batches()) != 1 {
		t.Fatalf("%d batches", len(v.Out.Batches()))
	}
	b := v.Out.Batches()[0]
	wantTags := map[string]string{"scenario": "default", "kind": "rag", "model": "e5", "endpoint": "embeddings", "status": "200", "token_source": "usage"}
	if diff := cmp.Diff(wantTags, b.Tags.Map()); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	got := map[string]float64{}
	for _, s := range b.Samples {
		got[s.Metric.Name] = s.Value
	}
	if got["llm_requests"] != 1 || got["llm_request_failed"] != 0 || got["llm_input_tokens"] != 4 {
		t.Errorf("samples %v", got)
	}
	if d := got["llm_request_duration"]; d < float64(latency/time.Millisecond) || d > 2000 {
		t.Errorf("llm_request_duration %vms, want ≥ %v (the mock's latency)", d, latency)
	}
	for _, name := range []string{"llm_ttft", "llm_output_tokens", "llm_tpot", "llm_itl"} {
		if _, ok := got[name]; ok {
			t.Errorf("an embeddings request emitted %s", name)
		}
	}

	if _, err := v.RT.RunString(`var got; c.embedAsync('{"input":"x"}').then((r) => { got = r.ok + ',' + r.count; });`); err != nil {
		t.Fatal(err)
	}
	v.RunCallback(t, 10*time.Second)
	if got := v.RT.Get("got").String(); got != "true,1" {
		t.Errorf("async result %q", got)
	}
	if _, err := v.RT.RunString(`c.embed()`); err == nil || !strings.Contains(err.Error(), "a request body is required") {
		t.Errorf("embed() without a body: %v", err)
	}
}
