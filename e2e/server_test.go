//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"
)

// The helpers here talk to the servers directly, without llmbench, to learn
// what the server itself says.

var direct = &http.Client{Timeout: 2 * time.Minute}

// post sends a JSON body and decodes a JSON answer.
func post(t *testing.T, url string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := direct.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("POST %s: HTTP %d, answer is not JSON: %.300s", url, resp.StatusCode, raw)
	}
	return resp.StatusCode, m
}

// usageTokens returns usage.completion_tokens of a non-streaming answer.
func usageTokens(t *testing.T, m map[string]any) int {
	t.Helper()
	u, ok := m["usage"].(map[string]any)
	if !ok {
		t.Fatalf("answer has no usage: %v", m)
	}
	return int(u["completion_tokens"].(float64))
}

// warm sends one small request so that the model is loaded.
func warm(t *testing.T, base, model string) {
	t.Helper()
	code, m := post(t, base+"/completions", map[string]any{"model": model, "prompt": "warm up", "max_tokens": 2, "stream": false})
	if code != http.StatusOK {
		t.Fatalf("warming %s at %s: HTTP %d %v", model, base, code, m)
	}
}

// streamTTFT streams one completion and returns the time to its first
// content chunk.
func streamTTFT(base, model string, maxTokens int) (time.Duration, error) {
	b, _ := json.Marshal(map[string]any{"model": model, "prompt": fmt.Sprintf("probe %d", time.Now().UnixNano()), "max_tokens": maxTokens, "stream": true})
	start := time.Now()
	resp, err := direct.Post(base+"/completions", "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	var ttft time.Duration
	for sc.Scan() {
		if ttft == 0 && strings.HasPrefix(sc.Text(), "data: {") {
			ttft = time.Since(start)
		}
	}
	return ttft, sc.Err()
}

// ollamaDecode asks ollama's native API for its own decode time per token
// (eval_duration / eval_count); ok is false when the server is not ollama.
func ollamaDecode(t *testing.T, base, model string, tokens int) (perToken time.Duration, ok bool) {
	t.Helper()
	root := strings.TrimSuffix(base, "/v1")
	b, _ := json.Marshal(map[string]any{"model": model, "prompt": fmt.Sprintf("%d decode", time.Now().UnixNano()), "stream": false,
		"options": map[string]any{"num_predict": tokens}})
	resp, err := direct.Post(root+"/api/generate", "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var m struct {
		EvalCount    int   `json:"eval_count"`
		EvalDuration int64 `json:"eval_duration"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&m) != nil || m.EvalCount == 0 {
		return 0, false
	}
	return time.Duration(m.EvalDuration / int64(m.EvalCount)), true
}

// metricsText fetches a Prometheus text exposition.
func metricsText(t *testing.T, url string) string {
	t.Helper()
	resp, err := direct.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// promSum sums the samples of a metric whose labels contain every
// `k="v"` in labels.
func promSum(text, name string, labels ...string) float64 {
	sum := 0.0
next:
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		for _, l := range labels {
			if !strings.Contains(line, l) {
				continue next
			}
		}
		var v float64
		if _, err := fmt.Sscan(line[strings.LastIndexByte(line, ' ')+1:], &v); err == nil {
			sum += v
		}
	}
	return sum
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}
