package llm

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/mock"
)

// BenchmarkTTFTAccuracy runs 200 concurrent streams (one Client each, as
// 200 VUs would) against the mock and reports how long after the server
// wrote the first token the client timestamped it (SPEC §8: p99 within
// 1 ms). The mock shares the CPU, so on a busy machine this is an upper bound.
func BenchmarkTTFTAccuracy(b *testing.B) {
	const streams = 200
	var log syncBuffer
	ts := mockServer(b, mock.Config{TTFT: 50 * time.Millisecond, ITL: 5 * time.Millisecond, OutputTokens: 32, Log: &log})
	clients := make([]*Client, streams)
	for i := range clients {
		clients[i] = newClient(b, Config{BaseURL: ts.URL + "/v1"})
	}
	seen := map[string]time.Time{}
	var mu sync.Mutex
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := c.Do(context.Background(), Chat, []byte(chatBody), RequestOptions{})
				if r.OK {
					mu.Lock()
					seen[r.ID] = r.Timing.FirstToken
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	var lags []float64
	log.mu.Lock()
	for _, line := range log.lines {
		var l struct {
			ID         string `json:"id"`
			FirstToken int64  `json:"first_token_unix_ns"`
		}
		if json.Unmarshal(line, &l) == nil {
			if t, ok := seen[l.ID]; ok {
				lags = append(lags, float64(t.UnixNano()-l.FirstToken)/1e3)
			}
		}
	}
	log.mu.Unlock()
	if len(lags) == 0 {
		b.Fatal("no request matched the server log")
	}
	slices.Sort(lags)
	b.ReportMetric(lags[len(lags)/2], "p50-lag-µs")
	b.ReportMetric(lags[len(lags)*99/100], "p99-lag-µs")
}
