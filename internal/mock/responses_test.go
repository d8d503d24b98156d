package mock

import (
	"strings"
	"testing"

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
