package llm

import (
	"context"
	"net/http"
	"net/http/httptest"
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
		r := c.Do(context.Background(), Chat, []byte(chatBody), Options{})
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
