package llm

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestRxConnStampsArrival reads bytes 50ms after they arrived: the
// connection's receive instant is their arrival, not the read.
func TestRxConnStampsArrival(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("receive timestamps are Linux-only")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	wrote, start := make(chan time.Time, 1), make(chan struct{})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		<-start
		_, _ = c.Write([]byte("hello"))
		wrote <- time.Now()
		time.Sleep(time.Second)
	}()
	c, err := dialRx(&net.Dialer{})(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rc := rxConnOf(c)
	if rc == nil {
		t.Fatalf("dialRx returned %T, want an rxConn", c)
	}
	// The kernel turns timestamping on asynchronously for the first socket
	// that asks (packets before that carry no stamp and get the read time).
	time.Sleep(20 * time.Millisecond)
	close(start)
	w := <-wrote
	time.Sleep(50 * time.Millisecond)
	buf := make([]byte, 16)
	n, err := rc.Read(buf)
	read := time.Now()
	if err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
	rx := rc.lastRx()
	if d := rx.Sub(w); d > 5*time.Millisecond || d < -5*time.Millisecond {
		t.Errorf("receive instant %v from the write, want within 5ms (read was %v after)", d, read.Sub(w))
	}
	if read.Sub(rx) < 45*time.Millisecond {
		t.Errorf("receive instant only %v before the read, want the 50ms sleep", read.Sub(rx))
	}

	rc.Close()
	if _, err := rc.Read(buf); err == nil {
		t.Error("read on a closed connection: no error")
	}
}

func TestRxOffset(t *testing.T) {
	now := time.Now()
	base := now.Sub(rxBase)
	tests := []struct {
		name string
		wall int64
		want time.Duration
	}{
		{"stamp 3ms before", now.UnixNano() - 3e6, base - 3*time.Millisecond},
		{"no stamp", 0, base},
		{"stamp after now (clock stepped)", now.UnixNano() + 1e6, base},
		{"stamp a minute before (clock stepped)", now.UnixNano() - 60e9, base},
	}
	for _, tc := range tests {
		if got := time.Duration(rxOffset(now, tc.wall)); got != tc.want {
			t.Errorf("%s: offset %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestClientReceiveClock streams from a server that notes when it wrote
// the first token while the client's only P is kept busy: the kernel clock
// stamps the token at its arrival, the user clock when the client got to
// it. Not parallel: it sets GOMAXPROCS.
func TestClientReceiveClock(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("receive timestamps are Linux-only")
	}
	var wrote atomic.Int64
	busy := make(chan struct{}, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		time.Sleep(20 * time.Millisecond)
		busy <- struct{}{} // the spinner starts before the token goes out
		time.Sleep(2 * time.Millisecond)
		fmt.Fprint(w, `data: {"id":"x","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}`+"\n\n")
		fl.Flush()
		wrote.Store(time.Now().UnixNano())
		time.Sleep(50 * time.Millisecond)
		fmt.Fprint(w, `data: {"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`+"\n\ndata: [DONE]\n\n")
	}))
	defer ts.Close()

	lag := func(userClock bool) time.Duration {
		c := newClient(t, Config{BaseURL: ts.URL + "/v1", UserClock: userClock})
		prev := runtime.GOMAXPROCS(1)
		defer runtime.GOMAXPROCS(prev)
		go func() { // hold the only P for 30ms once the server is about to write
			<-busy
			for end := time.Now().Add(30 * time.Millisecond); time.Now().Before(end); {
			}
		}()
		r := c.Do(context.Background(), Chat, []byte(chatBody), Options{})
		if !r.OK {
			t.Fatalf("request failed: %s", r.Error)
		}
		return time.Duration(r.Timing.FirstToken.UnixNano() - wrote.Load())
	}
	user, kernel := lag(true), lag(false)
	t.Logf("first token stamped after the server wrote it: user clock %v, kernel clock %v", user, kernel)
	if user < 5*time.Millisecond {
		t.Skipf("the busy P delayed the user clock only %v: no contention to measure", user)
	}
	if kernel > 2*time.Millisecond || kernel < -time.Millisecond {
		t.Errorf("kernel clock stamped the first token %v after the server wrote it, want < 2ms", kernel)
	}
}
