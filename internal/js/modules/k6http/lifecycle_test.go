package k6http_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestConnectionsClosedAfterTheRun: when `llmbench run` returns, the VUs'
// (and setup's and teardown's) keep-alive connections to the server are
// closed, not left idle for the life of the process (a --linger run, a Go
// caller).
func TestConnectionsClosedAfterTheRun(t *testing.T) {
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	ts.Config.ConnState = func(c net.Conn, s http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		switch s {
		case http.StateNew:
			open[c] = true
		case http.StateClosed, http.StateHijacked:
			delete(open, c)
		}
	}
	ts.Start()
	defer ts.Close()
	mustRun(t, `
import http from 'k6/http';
export const options = { vus: 3, iterations: 12 };
export function setup() { http.get(__ENV.URL); }
export default function () { ok(http.get(__ENV.URL).status === 200, 'status'); }
export function teardown() { http.get(__ENV.URL); }
`, "-e", "URL="+ts.URL)
	deadline := time.Now().Add(2 * time.Second)
	for {
		mu.Lock()
		n := len(open)
		mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open 2 s after the run returned", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
