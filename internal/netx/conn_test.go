package netx

import (
	"context"
	"net"
	"runtime"
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
	v := New(nil)
	v.WantReceiveStamps()
	c, err := v.dial(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rc := ConnOf(c)
	if rc == nil || !rc.Stamped() {
		t.Fatalf("dial returned %T, want a stamped Conn", c)
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
	rx := rc.LastRx()
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

// TestReceiveStampsAreOptIn: a handle reads with read(2) until a module
// asks for stamps, then stamps the connections it dials, unless the
// options refuse them.
func TestReceiveStampsAreOptIn(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("receive timestamps are Linux-only")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	stamped := func(v *VU) bool {
		c, err := v.dial(context.Background(), "tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return ConnOf(c).Stamped()
	}
	v := New(nil)
	if stamped(v) {
		t.Error("a handle nobody asked for stamps dialled a stamped connection")
	}
	v.WantReceiveStamps()
	if !stamped(v) {
		t.Error("after WantReceiveStamps: connection not stamped")
	}
	off := New(&Options{NoReceiveStamps: true})
	off.WantReceiveStamps()
	if stamped(off) {
		t.Error("NoReceiveStamps: connection stamped")
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
