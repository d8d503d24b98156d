package llm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/mock"
)

func mockServer(t testing.TB, cfg mock.Config) *httptest.Server {
	t.Helper()
	s, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}

func newClient(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

const chatBody = `{"messages":[{"role":"user","content":"Hi"}],"max_tokens":64}`

func TestClientTiming(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	ts := mockServer(t, mock.Config{TTFT: 50 * time.Millisecond, ITL: 5 * time.Millisecond, OutputTokens: 32, Log: &log})
	c := newClient(t, Config{BaseURL: ts.URL + "/v1", Model: "m"})
	tests := []struct {
		name, body, source string
	}{
		{"usage", chatBody, TokensFromUsage},
		{"chunks", `{"messages":[],"stream_options":{"include_usage":false}}`, TokensFromChunks},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Do(context.Background(), Chat, []byte(tc.body), RequestOptions{})
			if !r.OK {
				t.Fatalf("failed: %s %s", r.ErrorCode, r.Error)
			}
			if r.OutputTokens != 32 || r.TokenSource != tc.source {
				t.Errorf("outputTokens %d from %s, want 32 from %s", r.OutputTokens, r.TokenSource, tc.source)
			}
			// Lower bounds are exact (the server sleeps at least that long);
			// upper bounds are loose because the machine is shared.
			if ttft := r.TTFTms(); ttft < 50 || ttft > 250 {
				t.Errorf("ttft %.2fms, want about 50", ttft)
			}
			if len(r.Timing.Gaps) != 31 {
				t.Errorf("%d gaps, want 31", len(r.Timing.Gaps))
			}
			if tpot := r.TPOTms(); tpot < 4 || tpot > 20 {
				t.Errorf("tpot %.2fms, want about 5", tpot)
			}
			if r.Content != strings.Repeat("tok ", 32) || r.FinishReason != "stop" || r.Model != "m" || !strings.HasPrefix(r.ID, "chatcmpl-") {
				t.Errorf("result %+v", r)
			}
			// The client sees the first token after the server flushed it.
			var l struct {
				ID         string `json:"id"`
				FirstToken int64  `json:"first_token_unix_ns"`
			}
			if err := json.Unmarshal(log.last(), &l); err != nil || l.ID != r.ID {
				t.Fatalf("server log %q: %v", log.last(), err)
			}
			lag := time.Duration(r.Timing.FirstToken.UnixNano() - l.FirstToken)
			t.Logf("first token seen %v after the server flushed it", lag)
			if lag < 0 {
				t.Errorf("client saw the first token %v before the server sent it", -lag)
			}
			if r.Chunks < 33 || r.Status != 200 || r.Headers["Content-Type"] != "text/event-stream" {
				t.Errorf("chunks %d status %d headers %v", r.Chunks, r.Status, r.Headers)
			}
		})
	}
}

// syncBuffer collects the mock's JSON log lines.
type syncBuffer struct {
	mu    sync.Mutex
	lines [][]byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.lines = append(b.lines, bytes.Clone(p))
	b.mu.Unlock()
	return len(p), nil
}

func (b *syncBuffer) last() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.lines) == 0 {
		return nil
	}
	return b.lines[len(b.lines)-1]
}

func TestClientResults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  mock.Config
		ep   Endpoint
		body string
		code string
		ok   bool
	}{
		{"429", mock.Config{Status429: 1}, Chat, chatBody, ErrHTTP429, false},
		{"500", mock.Config{Status500: 1}, Chat, chatBody, ErrHTTP5xx, false},
		{"cut", mock.Config{CutStream: 1}, Chat, chatBody, ErrStreamCut, false},
		{"malformed", mock.Config{MalformedChunk: 1}, Chat, chatBody, ErrMalformedChunk, false},
		{"in-stream error", mock.Config{ErrorChunk: 1}, Chat, chatBody, ErrServerError, false},
		{"reasoning", mock.Config{OutputTokens: 6, ReasoningTokens: 2}, Chat, chatBody, "", true},
		{"completions", mock.Config{OutputTokens: 4}, Completions, `{"prompt":"x"}`, "", true},
		{"non-streaming", mock.Config{OutputTokens: 4}, Chat, `{"stream":false}`, "", true},
		{"non-streaming malformed", mock.Config{MalformedChunk: 1}, Chat, `{"stream":false}`, ErrMalformedChunk, false},
		{"max_tokens", mock.Config{OutputTokens: 10}, Completions, `{"prompt":"x","max_tokens":3}`, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := mockServer(t, tc.cfg)
			c := newClient(t, Config{BaseURL: ts.URL + "/v1"})
			r := c.Do(context.Background(), tc.ep, []byte(tc.body), RequestOptions{})
			if r.OK != tc.ok || r.ErrorCode != tc.code {
				t.Fatalf("ok=%v code=%q (%s), want ok=%v code=%q", r.OK, r.ErrorCode, r.Error, tc.ok, tc.code)
			}
			if !tc.ok && r.Error == "" {
				t.Error("no error message")
			}
			switch tc.name {
			case "reasoning":
				if r.ReasoningTokens != 2 || r.ReasoningContent != "think think " || r.Content != "tok tok tok tok " || r.TTFOms() < r.TTFTms() {
					t.Errorf("reasoning result %+v", r)
				}
			case "completions":
				if r.Content != "tok tok tok tok " || r.OutputTokens != 4 {
					t.Errorf("completions result %+v", r)
				}
			case "non-streaming":
				if r.Streamed || r.OutputTokens != 4 || r.TTFTms() != r.E2Ems() {
					t.Errorf("non-streaming result %+v", r)
				}
			case "max_tokens":
				if r.OutputTokens != 3 || r.FinishReason != "length" {
					t.Errorf("max_tokens result %+v", r)
				}
			}
		})
	}
}

func TestClientConnectionErrors(t *testing.T) {
	t.Parallel()
	t.Run("refused", func(t *testing.T) {
		ts := httptest.NewServer(http.NotFoundHandler())
		url := ts.URL
		ts.Close()
		r := newClient(t, Config{BaseURL: url}).Do(context.Background(), Chat, []byte(chatBody), RequestOptions{})
		if r.ErrorCode != ErrConnection || r.Status != 0 {
			t.Errorf("code %q status %d", r.ErrorCode, r.Status)
		}
	})
	t.Run("404 json", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"error":{"message":"model x does not exist"}}`))
		}))
		defer ts.Close()
		r := newClient(t, Config{BaseURL: ts.URL}).Do(context.Background(), Chat, []byte(chatBody), RequestOptions{})
		if r.ErrorCode != ErrHTTP4xx || !strings.Contains(r.Error, "model x does not exist") {
			t.Errorf("code %q error %q", r.ErrorCode, r.Error)
		}
	})
	t.Run("vllm error object in stream", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = w.Write([]byte("data: {\"object\":\"error\",\"message\":\"engine dead\",\"code\":500}\n\ndata: [DONE]\n\n"))
		}))
		defer ts.Close()
		r := newClient(t, Config{BaseURL: ts.URL}).Do(context.Background(), Chat, []byte(chatBody), RequestOptions{})
		if r.ErrorCode != ErrServerError || !strings.Contains(r.Error, "engine dead") {
			t.Errorf("code %q error %q", r.ErrorCode, r.Error)
		}
	})
	t.Run("headers and auth", func(t *testing.T) {
		var mu sync.Mutex // the handler may still run when Do returns at EOF
		var got http.Header
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			got = r.Header.Clone()
			mu.Unlock()
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = w.Write([]byte("data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\n\n"))
		}))
		defer ts.Close()
		c := newClient(t, Config{BaseURL: ts.URL, APIKey: "sk-1", Headers: map[string]string{"X-A": "1"}})
		r := c.Do(context.Background(), Chat, []byte(chatBody), RequestOptions{Headers: map[string]string{"X-B": "2"}})
		if !r.OK || r.OutputTokens != 1 {
			t.Errorf("finish_reason without [DONE] should succeed: %+v", r)
		}
		mu.Lock()
		defer mu.Unlock()
		if got.Get("Authorization") != "Bearer sk-1" || got.Get("X-A") != "1" || got.Get("X-B") != "2" || got.Get("Accept") != "text/event-stream" {
			t.Errorf("headers %v", got)
		}
	})
}

// TestClientStops covers the timeout, cancellation and a cut connection: no
// goroutine stays behind.
func TestClientStops(t *testing.T) {
	before := runtime.NumGoroutine()
	ts := mockServer(t, mock.Config{TTFT: time.Millisecond, ITL: time.Millisecond, OutputTokens: 8, Stall: time.Minute})
	c := newClient(t, Config{BaseURL: ts.URL + "/v1"})
	t.Run("timeout", func(t *testing.T) {
		r := c.Do(context.Background(), Chat, []byte(chatBody), RequestOptions{Timeout: 100 * time.Millisecond})
		if r.ErrorCode != ErrTimeout {
			t.Errorf("code %q (%s)", r.ErrorCode, r.Error)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		r := c.Do(ctx, Chat, []byte(chatBody), RequestOptions{})
		if r.ErrorCode != ErrInterrupted {
			t.Errorf("code %q (%s)", r.ErrorCode, r.Error)
		}
	})
	t.Run("server closes connections", func(t *testing.T) {
		time.AfterFunc(50*time.Millisecond, ts.CloseClientConnections)
		r := c.Do(context.Background(), Chat, []byte(chatBody), RequestOptions{})
		if r.ErrorCode != ErrStreamCut || r.Status != 200 {
			t.Errorf("code %q (%s)", r.ErrorCode, r.Error)
		}
	})
	c.CloseIdleConnections()
	ts.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left (before %d):\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func TestClientKeepAlive(t *testing.T) {
	t.Parallel()
	var conns atomic.Int64
	s, _ := mock.New(mock.Config{OutputTokens: 4})
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	defer ts.Close()
	c := newClient(t, Config{BaseURL: ts.URL + "/v1"})
	for i := 0; i < 5; i++ {
		if r := c.Do(context.Background(), Chat, []byte(chatBody), RequestOptions{}); !r.OK {
			t.Fatal(r.Error)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 5 sequential requests, want 1", n)
	}
}

// BenchmarkClientChunk measures client CPU per streamed chunk against the
// mock (which shares the CPU): ns/op and allocs/op are per chunk.
func BenchmarkClientChunk(b *testing.B) {
	const tokens = 256
	ts := mockServer(b, mock.Config{OutputTokens: tokens})
	c := newClient(b, Config{BaseURL: ts.URL + "/v1"})
	body := []byte(`{"messages":[{"role":"user","content":"Hi"}]}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += tokens {
		if r := c.Do(context.Background(), Chat, body, RequestOptions{}); !r.OK {
			b.Fatal(r.Error)
		}
	}
}

// BenchmarkBareChunk is the floor BenchmarkClientChunk is compared with: a
// plain net/http client reading the same stream line by line, parsing nothing.
func BenchmarkBareChunk(b *testing.B) {
	const tokens = 256
	ts := mockServer(b, mock.Config{OutputTokens: tokens})
	hc := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	body := `{"messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += tokens {
		resp, err := hc.Post(ts.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
		}
		resp.Body.Close()
	}
}

func ExampleClient() {
	s, _ := mock.New(mock.Config{OutputTokens: 4})
	ts := httptest.NewServer(s)
	defer ts.Close()
	c, _ := NewClient(Config{BaseURL: ts.URL + "/v1", Model: "my-model"})
	r := c.Do(context.Background(), Chat, []byte(`{"messages":[{"role":"user","content":"Hi"}]}`), RequestOptions{})
	fmt.Println(r.OK, r.OutputTokens, r.TokenSource, r.FinishReason, r.Content)
	// Output: true 4 usage stop tok tok tok tok
}

func TestClientConcurrent(t *testing.T) {
	t.Parallel()
	ts := mockServer(t, mock.Config{OutputTokens: 20, ITL: 100 * time.Microsecond})
	c := newClient(t, Config{BaseURL: ts.URL + "/v1"})
	var wg sync.WaitGroup
	var bad atomic.Int64
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				if r := c.Do(context.Background(), Chat, []byte(chatBody), RequestOptions{}); !r.OK || r.OutputTokens != 20 || r.Content != strings.Repeat("tok ", 20) {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := bad.Load(); n > 0 {
		t.Errorf("%d of 80 concurrent requests wrong", n)
	}
}
