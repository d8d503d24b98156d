package llm

import (
	"bytes"
	"compress/gzip"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hostile serves handler on a real socket, for the servers below that
// break the protocol in one way each.
func hostile(t *testing.T, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(handler)
	t.Cleanup(ts.Close)
	return ts
}

// sse writes the event-stream headers and then each event, flushed.
func sse(w http.ResponseWriter, events ...string) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "text/event-stream")
	}
	for _, e := range events {
		_, _ = w.Write([]byte(e))
		w.(http.Flusher).Flush()
	}
}

const (
	evToken  = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n"
	evFinish = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
	evDone   = "data: [DONE]\n\n"
)

// TestDoneEndsTheRequest: a server that keeps the response open after
// [DONE] (keep-alive comments forever) must not hold the request: it ends
// at [DONE], well before the client timeout, and the next request works.
func TestDoneEndsTheRequest(t *testing.T) {
	ts := hostile(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w, evToken, evToken, evFinish, evDone)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				sse(w, ": keep-alive\n\n")
			}
		}
	})
	c := newClient(t, Config{BaseURL: ts.URL, Timeout: 10 * time.Second})
	for i := range 3 {
		start := time.Now()
		r := c.Do(context.Background(), Chat, []byte(chatBody), RequestOptions{})
		took := time.Since(start)
		if !r.OK || r.OutputTokens != 2 {
			t.Fatalf("request %d: ok=%v code=%s tokens=%d (%s)", i, r.OK, r.ErrorCode, r.OutputTokens, r.Error)
		}
		// Generous: the client timeout is 10s, [DONE] comes at once.
		if took > 3*time.Second {
			t.Errorf("request %d took %s: it waited for the server to close after [DONE]", i, took)
		}
	}
}

// TestServerUsageValidated: usage counts that are negative, huge, not
// numbers or fractional are not used: the output count falls back to the
// counted chunks (token_source chunks) and the Result says why.
func TestServerUsageValidated(t *testing.T) {
	cases := []struct {
		name, usage       string
		source, why       string
		input, output, rt int
	}{
		{"valid", `{"prompt_tokens":3,"completion_tokens":5}`, TokensFromUsage, "", 3, 5, 0},
		{"negative", `{"prompt_tokens":3,"completion_tokens":-100}`, TokensFromChunks, "completion_tokens=-100", 3, 2, 0},
		{"huge", `{"prompt_tokens":3,"completion_tokens":1e308}`, TokensFromChunks, "completion_tokens=1e308", 3, 2, 0},
		{"string", `{"prompt_tokens":3,"completion_tokens":"abc"}`, TokensFromChunks, `completion_tokens="abc"`, 3, 2, 0},
		{"fraction", `{"prompt_tokens":3,"completion_tokens":2.5}`, TokensFromChunks, "completion_tokens=2.5", 3, 2, 0},
		{"missing", `{"prompt_tokens":3}`, TokensFromChunks, "completion_tokens=", 3, 2, 0},
		{"bad prompt", `{"prompt_tokens":-1,"completion_tokens":5}`, TokensFromChunks, "prompt_tokens=-1", 0, 2, 0},
		{"bad reasoning", `{"prompt_tokens":3,"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":-7}}`, TokensFromChunks, "completion_tokens_details.reasoning_tokens=-7", 3, 2, 0},
		{"reasoning", `{"prompt_tokens":3,"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":4}}`, TokensFromUsage, "", 3, 5, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := hostile(t, func(w http.ResponseWriter, _ *http.Request) {
				sse(w, evToken, evToken, evFinish, "data: {\"choices\":[],\"usage\":"+c.usage+"}\n\n", evDone)
			})
			r := newClient(t, Config{BaseURL: ts.URL}).Do(context.Background(), Chat, []byte(chatBody), RequestOptions{})
			if !r.OK {
				t.Fatalf("%s: %s", r.ErrorCode, r.Error)
			}
			if r.TokenSource != c.source || r.UsageError != c.why || r.InputTokens != c.input || r.OutputTokens != c.output || r.ReasoningTokens != c.rt {
				t.Errorf("source %q why %q input %d output %d reasoning %d; want %q %q %d %d %d",
					r.TokenSource, r.UsageError, r.InputTokens, r.OutputTokens, r.ReasoningTokens, c.source, c.why, c.input, c.output, c.rt)
			}
		})
	}
}

// TestConnectionReusedAfterDone: ending at [DONE] must not cost the
// keep-alive connection when the server ends the response normally.
func TestConnectionReusedAfterDone(t *testing.T) {
	var conns atomic.Int64
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		sse(w, evToken, evFinish, evDone)
	}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	c := newClient(t, Config{BaseURL: ts.URL})
	for range 20 {
		if r := c.Do(context.Background(), Chat, []byte(chatBody), RequestOptions{}); !r.OK {
			t.Fatalf("%s: %s", r.ErrorCode, r.Error)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 sequential requests opened %d connections, want 1", n)
	}
}

// TestHostileServersNamed: each way of breaking the protocol gets its own
// errorCode and a message that names the cause.
func TestHostileServersNamed(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(evToken + evFinish + evDone))
	_ = zw.Close()
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i * 7)
	}
	cases := []struct {
		name    string
		handler http.HandlerFunc
		code    string // "" for success
		msg     string
	}{
		{"media type case", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "Text/Event-Stream; charset=UTF-8")
			sse(w, evToken, evFinish, evDone)
		}, "", ""},
		{"only [DONE]", func(w http.ResponseWriter, _ *http.Request) { sse(w, evDone) }, ErrEmptyResponse, "without a single data event"},
		{"gzip stream", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			sse(w, gz.String())
		}, ErrMalformedChunk, "gzip-encoded"},
		{"binary garbage", func(w http.ResponseWriter, _ *http.Request) { sse(w, string(garbage)) }, ErrMalformedChunk, "not an event stream"},
		{"body over 64 MiB", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			pad := bytes.Repeat([]byte(" "), 1<<20)
			for range 65 {
				if _, err := w.Write(pad); err != nil {
					return
				}
			}
			_, _ = w.Write([]byte("{}"))
		}, ErrMalformedChunk, "larger than 64 MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := hostile(t, c.handler)
			r := newClient(t, Config{BaseURL: ts.URL}).Do(context.Background(), Chat, []byte(chatBody), RequestOptions{})
			if c.code == "" {
				if !r.OK || r.OutputTokens != 1 {
					t.Errorf("want success with 1 token: ok=%v %s %s tokens=%d", r.OK, r.ErrorCode, r.Error, r.OutputTokens)
				}
				return
			}
			if r.OK || r.ErrorCode != c.code || !strings.Contains(r.Error, c.msg) {
				t.Errorf("ok=%v code %q error %q; want %q with %q", r.OK, r.ErrorCode, r.Error, c.code, c.msg)
			}
		})
	}
}

// TestRedirectNotFollowed: a 302 on the POST must not be followed (it would
// become a GET without a body and carry the key to the other host), and
// the error says so.
func TestRedirectNotFollowed(t *testing.T) {
	var leaked atomic.Int64
	other := hostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
		sse(w, evToken, evFinish, evDone)
	})
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	ts := hostile(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL+r.URL.Path, http.StatusFound)
	})
	r := newClient(t, Config{BaseURL: ts.URL, APIKey: "sk-redirect"}).Do(context.Background(), Chat, []byte(chatBody), RequestOptions{})
	if r.OK || !strings.Contains(r.Error, "redirect") || !strings.Contains(r.Error, "baseURL") {
		t.Errorf("ok=%v code %q error %q: want a failure naming the redirect", r.OK, r.ErrorCode, r.Error)
	}
	if n := leaked.Load(); n != 0 {
		t.Errorf("the API key reached the other host %d times", n)
	}
}

// TestResponsesUsageValidated: the Responses API's usage (input_tokens,
// output_tokens) goes through the same validation as the chat API's: a
// negative count is not used and the Result says why.
func TestResponsesUsageValidated(t *testing.T) {
	for _, c := range []struct {
		name, usage, source, why string
		input                    int
	}{
		{"valid", `{"input_tokens":3,"output_tokens":5}`, TokensFromUsage, "", 3},
		{"negative", `{"input_tokens":3,"output_tokens":-5}`, TokensFromChunks, "output_tokens=-5", 3},
		{"bad reasoning", `{"input_tokens":3,"output_tokens":5,"output_tokens_details":{"reasoning_tokens":"x"}}`, TokensFromChunks, `output_tokens_details.reasoning_tokens="x"`, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := hostile(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"hi there"}]}],"usage":` + c.usage + `}`))
			})
			r := newClient(t, Config{BaseURL: ts.URL}).Respond(context.Background(), []byte(`{"input":"hi"}`), RequestOptions{})
			if !r.OK {
				t.Fatalf("%s: %s", r.ErrorCode, r.Error)
			}
			if r.TokenSource != c.source || r.UsageError != c.why || r.InputTokens != c.input || r.OutputTokens < 0 {
				t.Errorf("source %q why %q input %d output %d; want %q %q %d and a count ≥ 0",
					r.TokenSource, r.UsageError, r.InputTokens, r.OutputTokens, c.source, c.why, c.input)
			}
		})
	}
}
