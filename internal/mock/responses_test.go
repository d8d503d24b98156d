package mock

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

func TestResponses(t *testing.T) {
	t.Parallel()
	ts := newServer(t, Config{Model: "rm", OutputTokens: 5, ReasoningTokens: 2})
	t.Run("stream", func(t *testing.T) {
		resp, body := post(t, ts.URL+"/v1/responses", `{"input":"hello world!","stream":true}`)
		if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
			t.Fatalf("content type %q", ct)
		}
		var types []string
		for _, block := range strings.Split(strings.TrimSpace(body), "\n\n") {
			ev, data, ok := strings.Cut(block, "\ndata: ")
			if !ok || !gjson.Valid(data) || strings.TrimPrefix(ev, "event: ") != gjson.Get(data, "type").Str {
				t.Fatalf("bad event %q", block)
			}
			types = append(types, gjson.Get(data, "type").Str)
			if gjson.Get(data, "type").Str == "response.completed" {
				if u := gjson.Get(data, "response.usage"); u.Get("input_tokens").Int() != 3 || u.Get("output_tokens").Int() != 5 ||
					u.Get("output_tokens_details.reasoning_tokens").Int() != 2 {
					t.Errorf("usage %s", u.Raw)
				}
				if gjson.Get(data, "response.model").Str != "rm" || gjson.Get(data, "response.status").Str != "completed" {
					t.Errorf("response %s", data)
				}
			}
		}
		want := "response.created response.reasoning_text.delta response.reasoning_text.delta response.output_text.delta " +
			"response.output_text.delta response.output_text.delta response.output_text.done response.completed"
		if got := strings.Join(types, " "); got != want {
			t.Errorf("events\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("whole, cut by max_output_tokens", func(t *testing.T) {
		_, body := post(t, ts.URL+"/v1/responses", `{"input":[{"role":"user","content":[{"type":"input_text","text":"12345678"}]}],"max_output_tokens":3}`)
		if gjson.Get(body, "status").Str != "incomplete" || gjson.Get(body, "incomplete_details.reason").Str != "max_output_tokens" ||
			gjson.Get(body, "usage.output_tokens").Int() != 3 || gjson.Get(body, "usage.input_tokens").Int() != 2 {
			t.Errorf("body %s", body)
		}
		if got := gjson.Get(body, `output.#(type=="message").content.0.text`).Str; got != "tok " {
			t.Errorf("output text %q", got)
		}
	})
	t.Run("no input", func(t *testing.T) {
		if resp, body := post(t, ts.URL+"/v1/responses", `{"model":"x"}`); resp.StatusCode != 400 {
			t.Errorf("status %d: %s", resp.StatusCode, body)
		}
	})
	t.Run("error event", func(t *testing.T) {
		es := newServer(t, Config{OutputTokens: 4, ErrorChunk: 1})
		_, body := post(t, es.URL+"/v1/responses", `{"input":"x","stream":true}`)
		if !strings.Contains(body, "event: error\ndata: {\"type\":\"error\"") || strings.Contains(body, "response.completed") {
			t.Errorf("body %s", body)
		}
	})
}

// TestImageParts: image parts in chat messages and Responses input are
// counted (log, mock:images_total) and add ImageTokens each to the prompt
// tokens; their data URLs are not counted as text.
func TestImageParts(t *testing.T) {
	t.Parallel()
	var log strings.Builder
	ts := newServer(t, Config{OutputTokens: 1, ImageTokens: 100, Log: &log})
	big := strings.Repeat("A", 4000)
	_, body := post(t, ts.URL+"/v1/chat/completions", `{"messages":[{"role":"user","content":[{"type":"text","text":"12345678"},`+
		`{"type":"image_url","image_url":{"url":"data:image/png;base64,`+big+`"}},{"type":"image_url","image_url":{"url":"x"}}]}]}`)
	if got := gjson.Get(body, "usage.prompt_tokens").Int(); got != 2+200 {
		t.Errorf("chat prompt_tokens %d, want 2 + 2×100", got)
	}
	_, body = post(t, ts.URL+"/v1/responses", `{"input":[{"role":"user","content":[{"type":"input_text","text":"1234"},{"type":"input_image","image_url":"data:x"}]}]}`)
	if got := gjson.Get(body, "usage.input_tokens").Int(); got != 1+100 {
		t.Errorf("responses input_tokens %d, want 1 + 100", got)
	}
	if !strings.Contains(log.String(), `"images":2`) || !strings.Contains(log.String(), `"images":1`) {
		t.Errorf("log %s", log.String())
	}
	resp, m := get(t, ts.URL+"/metrics")
	if resp.StatusCode != 200 || !strings.Contains(m, `mock:images_total{model_name="mock-model"} 3`) {
		t.Errorf("metrics lack the image count:\n%s", m)
	}
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
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

// TestMaxRunning: with one running slot and 50ms per request, three
// concurrent requests are served one after another.
func TestMaxRunning(t *testing.T) {
	t.Parallel()
	ts := newServer(t, Config{OutputTokens: 1, TTFT: 50 * time.Millisecond, MaxRunning: 1})
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if resp, body := post(t, ts.URL+"/v1/chat/completions", `{"messages":[]}`); resp.StatusCode != 200 {
				t.Errorf("status %d: %s", resp.StatusCode, body)
			}
		})
	}
	wg.Wait()
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("3 requests on 1 slot took %v, want ≥ 3 × 50ms", took)
	}
}
