package llm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/mock"
)

func TestPrepareResponsesBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body, want string
		stream     bool
	}{
		{`{"input":"x"}`, `{"stream":true,"model":"m","input":"x"}`, true},
		{`{"input":"x","stream":false,"model":"o"}`, `{"input":"x","stream":false,"model":"o"}`, false},
		{`{}`, `{"stream":true,"model":"m"}`, true},
	}
	for _, tc := range tests {
		got, stream := prepareResponsesBody([]byte(tc.body), []byte(`"m"`))
		if string(got) != tc.want || stream != tc.stream {
			t.Errorf("prepareResponsesBody(%s) = %s, %v; want %s, %v", tc.body, got, stream, tc.want, tc.stream)
		}
	}
}

// TestRespond checks a Responses request's Result against the mock's known
// schedule over a real socket: TTFT ≥ the mock's 40ms, 7 gaps of ≥ 5ms,
// TTFO after the two reasoning tokens, usage counts.
func TestRespond(t *testing.T) {
	t.Parallel()
	ts := mockServer(t, mock.Config{TTFT: 40 * time.Millisecond, ITL: 5 * time.Millisecond, OutputTokens: 8, ReasoningTokens: 2, Model: "served"})
	c := newClient(t, Config{BaseURL: ts.URL + "/v1", Model: "asked"})
	t.Run("stream", func(t *testing.T) {
		r := c.Respond(context.Background(), []byte(`{"input":"sixteen bytes..."}`), RequestOptions{})
		if !r.OK {
			t.Fatalf("failed: %s %s", r.ErrorCode, r.Error)
		}
		got := []any{r.Endpoint.String(), r.Streamed, r.OutputTokens, r.ReasoningTokens, r.InputTokens, r.TokenSource, r.Model, r.FinishReason, r.Content, r.ReasoningContent, len(r.Timing.Gaps)}
		want := []any{"responses", true, 8, 2, 4, TokensFromUsage, "asked", "stop", strings.Repeat("tok ", 6), "think think ", 7}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
		if ttft := r.TTFTms(); ttft < 40 || ttft > 1000 {
			t.Errorf("ttft %.2fms, want about 40", ttft)
		}
		if ttfo := r.TTFOms(); ttfo < 50 || ttfo > 1000 {
			t.Errorf("ttfo %.2fms, want about 50 (after 2 reasoning tokens)", ttfo)
		}
		if d, _ := r.Timing.E2E(); d < 75*time.Millisecond {
			t.Errorf("E2E %v, want ≥ 40ms + 7 × 5ms", d)
		}
		// The gaps: the mock sends on an absolute schedule, so one gap may
		// be short after a late one, but the last token is 7 ITLs after the
		// first. A client starved of CPU reads several events at once and
		// their stamps collapse (docs/metrics.md), so on a loaded machine
		// up to three requests are tried.
		var span time.Duration
		var tpot float64
		for try := 0; try < 3; try++ {
			if try > 0 {
				r = c.Respond(context.Background(), []byte(`{"input":"sixteen bytes..."}`), RequestOptions{})
			}
			span, tpot = r.Timing.LastToken.Sub(r.Timing.FirstToken), r.TPOTms()
			if span >= 34*time.Millisecond && tpot >= 4.5 && tpot <= 200 {
				break
			}
		}
		if span < 34*time.Millisecond || tpot < 4.5 || tpot > 200 { // (E2E−TTFT)/7: the first token may be late
			t.Errorf("first to last token %v (want ≥ 7 × 5ms less the first token's lateness), tpot %.2fms (want about 5)", span, tpot)
		}
	})
	t.Run("whole, incomplete", func(t *testing.T) {
		r := c.Respond(context.Background(), []byte(`{"input":"x","stream":false,"max_output_tokens":4}`), RequestOptions{})
		if !r.OK || r.Streamed || r.FinishReason != "max_output_tokens" || r.OutputTokens != 4 || r.Content != "tok tok " || r.ReasoningContent != "think think " {
			t.Errorf("result %+v", r)
		}
		if d, _ := r.Timing.E2E(); d < 55*time.Millisecond {
			t.Errorf("E2E %v, want ≥ 40ms + 3×5ms", d)
		}
	})
}

// rawStreams are TestRespondFailures' hand-written streams, by base path.
var rawStreams sync.Map

func TestRespondFailures(t *testing.T) {
	raw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		v, _ := rawStreams.Load(strings.TrimSuffix(r.URL.Path, "/responses"))
		_, _ = w.Write([]byte(v.(string)))
	}))
	t.Cleanup(raw.Close)
	tests := []struct {
		name   string
		cfg    mock.Config
		stream string
		code   string
	}{
		{"429", mock.Config{Status429: 1}, "", ErrHTTP429},
		{"500", mock.Config{Status500: 1}, "", ErrHTTP5xx},
		{"cut", mock.Config{CutStream: 1}, "", ErrStreamCut},
		{"malformed", mock.Config{MalformedChunk: 1}, "", ErrMalformedChunk},
		{"error event", mock.Config{ErrorChunk: 1}, "", ErrServerError},
		{"failed event", mock.Config{}, "data: {\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"message\":\"boom\"}}}\n\n", ErrServerError},
		{"no completed", mock.Config{}, "data: {\"type\":\"response.output_text.delta\",\"delta\":\"a\"}\n\n", ErrStreamCut},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := raw.URL + "/" + strings.ReplaceAll(tc.name, " ", "-")
			rawStreams.Store("/"+strings.ReplaceAll(tc.name, " ", "-"), tc.stream)
			if tc.stream == "" {
				base = mockServer(t, tc.cfg).URL + "/v1"
			}
			c := newClient(t, Config{BaseURL: base})
			r := c.Respond(context.Background(), []byte(`{"input":"x"}`), RequestOptions{})
			if r.OK || r.ErrorCode != tc.code {
				t.Errorf("ok %v code %q (%s), want %q", r.OK, r.ErrorCode, r.Error, tc.code)
			}
		})
	}
}

// TestModuleRespond: client.respond from JS gives the chat Result object
// and the llm_* samples tagged endpoint=responses, with llm_ttft at least
// the mock's TTFT and one llm_itl per gap.
func TestModuleRespond(t *testing.T) {
	t.Parallel()
	ts := mockServer(t, mock.Config{TTFT: 20 * time.Millisecond, ITL: 2 * time.Millisecond, OutputTokens: 6})
	v := loadModule(t)
	_ = v.RT.Set("BASE", ts.URL+"/v1")
	res, err := v.RT.RunString(`
		const r = new llm.Client({baseURL: BASE}).respond({input: 'Hi', model: 'm'});
		[r.ok, r.outputTokens, r.content, r.ttft >= 20, r.itl.length, r.finishReason].join(',')`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.String(), "true,6,tok tok tok tok tok tok ,true,5,stop"; got != want {
		t.Errorf("result %s, want %s", got, want)
	}
	if len(v.Out.Batches()) != 1 {
		t.Fatalf("%d batches", len(v.Out.Batches()))
	}
	b := v.Out.Batches()[0]
	if ep, _ := b.Tags.Get("endpoint"); ep != "responses" {
		t.Errorf("endpoint tag %q", ep)
	}
	n := map[string]int{}
	for _, s := range b.Samples {
		n[s.Metric.Name]++
		if s.Metric.Name == "llm_ttft" && s.Value < 20 {
			t.Errorf("llm_ttft %vms below the mock's 20ms", s.Value)
		}
	}
	if n["llm_requests"] != 1 || n["llm_ttft"] != 1 || n["llm_itl"] != 5 || n["llm_tpot"] != 1 || n["llm_output_tokens"] != 1 {
		t.Errorf("samples %v", n)
	}
}
