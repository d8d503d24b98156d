package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"
)

func newServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}

func post(t *testing.T, url, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// events splits an SSE body into its data payloads.
func events(body string) []string {
	var out []string
	for _, block := range strings.Split(body, "\n\n") {
		if d, ok := strings.CutPrefix(block, "data: "); ok {
			out = append(out, d)
		}
	}
	return out
}

func TestStreamChat(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	ts := newServer(t, Config{OutputTokens: 5, ReasoningTokens: 2, Log: &log})
	resp, body := post(t, ts.URL+"/v1/chat/completions",
		`{"model":"m1","messages":[{"role":"user","content":"hello world!"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":4}`)
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	ev := events(body)
	// role, 4 tokens (2 reasoning), finish, usage, [DONE]
	if len(ev) != 8 {
		t.Fatalf("got %d events:\n%s", len(ev), body)
	}
	var kinds []string
	for _, e := range ev[:len(ev)-1] {
		if !gjson.Valid(e) {
			t.Fatalf("invalid chunk %q", e)
		}
		d := gjson.Get(e, "choices.0.delta")
		switch {
		case d.Get("reasoning_content").String() != "":
			kinds = append(kinds, "reasoning")
		case d.Get("content").String() != "":
			kinds = append(kinds, "content")
		case d.Get("role").Exists():
			kinds = append(kinds, "role")
		case gjson.Get(e, "choices.0.finish_reason").String() != "":
			kinds = append(kinds, "finish:"+gjson.Get(e, "choices.0.finish_reason").String())
		case gjson.Get(e, "usage").Exists():
			kinds = append(kinds, "usage")
		}
		if m := gjson.Get(e, "model").String(); m != "m1" {
			t.Errorf("model %q", m)
		}
	}
	want := []string{"role", "reasoning", "reasoning", "content", "content", "finish:length", "usage"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("chunks (-want +got):\n%s", diff)
	}
	if ev[len(ev)-1] != "[DONE]" {
		t.Errorf("last event %q", ev[len(ev)-1])
	}
	u := gjson.Get(ev[6], "usage")
	if u.Get("completion_tokens").Int() != 4 || u.Get("completion_tokens_details.reasoning_tokens").Int() != 2 || u.Get("prompt_tokens").Int() != 3 {
		t.Errorf("usage %s", u.Raw)
	}
	var l logLine
	if err := json.Unmarshal(log.Bytes(), &l); err != nil {
		t.Fatalf("log %q: %v", log.String(), err)
	}
	if l.FirstToken < l.Received || l.OutputTokens != 4 || !strings.HasPrefix(l.ID, "chatcmpl-") {
		t.Errorf("log line %+v", l)
	}
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	ts := newServer(t, Config{Model: "mm", OutputTokens: 3})
	tests := []struct {
		name, path, body string
		status           int
		check            func(t *testing.T, body string)
	}{
		{"completions stream no usage", "/v1/completions", `{"prompt":"x","stream":true}`, 200, func(t *testing.T, b string) {
			ev := events(b)
			if len(ev) != 5 || gjson.Get(ev[0], "choices.0.text").String() != "tok " || gjson.Get(ev[3], "choices.0.finish_reason").String() != "stop" {
				t.Errorf("events %q", ev)
			}
		}},
		{"chat whole", "/v1/chat/completions", `{"messages":[{"role":"user","content":"x"}]}`, 200, func(t *testing.T, b string) {
			if gjson.Get(b, "choices.0.message.content").String() != "tok tok tok " || gjson.Get(b, "usage.completion_tokens").Int() != 3 {
				t.Errorf("body %s", b)
			}
		}},
		{"continuous usage", "/v1/chat/completions", `{"messages":[],"stream":true,"stream_options":{"include_usage":true,"continuous_usage_stats":true}}`, 200, func(t *testing.T, b string) {
			if got := gjson.Get(events(b)[2], "usage.completion_tokens").Int(); got != 2 {
				t.Errorf("second token chunk usage %d", got)
			}
		}},
		{"bad json", "/v1/chat/completions", `{`, 400, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(t, ts.URL+tc.path, tc.body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if tc.check != nil {
				tc.check(t, body)
			}
		})
	}
	t.Run("models", func(t *testing.T) {
		resp, err := http.Get(ts.URL + "/v1/models")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if gjson.GetBytes(b, "data.0.id").String() != "mm" {
			t.Errorf("models %s", b)
		}
	})
	t.Run("metrics", func(t *testing.T) {
		resp, err := http.Get(ts.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{`vllm:num_requests_running{model_name="mm"} 0`, `vllm:generation_tokens_total{model_name="mm"} 9`,
			`vllm:request_success_total{finished_reason="stop",model_name="mm"} 3`, "vllm:num_requests_waiting", "vllm:prompt_tokens_total"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("metrics lack %q:\n%s", want, b)
			}
		}
	})
}

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cfg    Config
		status int
		check  func(t *testing.T, body string, err error)
	}{
		{"429", Config{Status429: 1}, 429, nil},
		{"500", Config{Status500: 1}, 500, nil},
		{"malformed", Config{MalformedChunk: 1, OutputTokens: 4}, 200, func(t *testing.T, b string, _ error) {
			bad := 0
			for _, e := range events(b) {
				if e != "[DONE]" && !gjson.Valid(e) {
					bad++
				}
			}
			if bad != 1 {
				t.Errorf("%d malformed chunks", bad)
			}
		}},
		{"error chunk", Config{ErrorChunk: 1, OutputTokens: 4}, 200, func(t *testing.T, b string, _ error) {
			ev := events(b)
			if !strings.Contains(ev[len(ev)-1], `"error"`) {
				t.Errorf("last event %q", ev[len(ev)-1])
			}
		}},
		{"cut", Config{CutStream: 1, OutputTokens: 4}, 200, func(t *testing.T, b string, err error) {
			if err == nil || strings.Contains(b, "[DONE]") {
				t.Errorf("stream not cut: %v %q", err, b)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := newServer(t, tc.cfg)
			resp, err := http.Post(ts.URL+"/v1/chat/completions", "application/json", strings.NewReader(`{"stream":true}`))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, rerr := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if tc.check != nil {
				tc.check(t, string(b), rerr)
			}
		})
	}
}

func TestStart(t *testing.T) {
	t.Parallel()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(run.URL() + "/models")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := run.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Status429: 2}); err == nil {
		t.Error("fraction 2 accepted")
	}
}
