package llm

import (
	"context"
	"crypto/tls"
	"net"
	"sync/atomic"
	"time"
)

// Receive timestamps.
//
// A client that timestamps a chunk when its goroutine gets round to reading
// it measures its own delays too: a busy core, a GC cycle, a stolen vCPU
// or another stream's work push every later timestamp back, and TTFT and
// ITL grow with the load the generator is under rather than the server's.
// Where the kernel offers it (Linux, SO_TIMESTAMPNS), the client's
// connections read with recvmsg and keep the kernel's receive timestamp of
// the last bytes read; the stream reader stamps each event with the
// arrival of the read that completed it instead of the time it was parsed.
// The stamps are taken when the packet is queued to the socket (in softirq
// for a network interface; on the sending CPU for loopback), before any of
// the client's own scheduling.
//
// rxConn is that connection. Elsewhere (other systems, HTTP/2, where one
// connection carries many streams read by the transport's own goroutine,
// Config.UserClock, or a kernel that refuses the option) events are stamped
// with time.Now when read, as before.

// rxBase anchors receive instants: an rxConn keeps them as offsets from
// rxBase on the monotonic clock, so that they fit an atomic and subtract
// cleanly from the request's own time.Now instants.
var rxBase = time.Now()

// rxConn is a TCP connection that remembers the kernel receive time of the
// bytes its last Read returned.
//
// The stamp is that of the newest data the read returned: when the client
// reads late, several events come in one read, and Linux also merges small
// segments queued on a socket into one buffer keeping the newest stamp, so
// they all carry the latest arrival. Receive stamps therefore remove the
// client's delays as long as it reads each event before the next one
// arrives, and bound the error by the gap to the newest queued event when
// it does not; they are never later than the read time.
type rxConn struct {
	// Conn is the *net.TCPConn, embedded as a net.Conn so that only Read
	// is overridden and no promoted method (WriteTo, …) bypasses it.
	net.Conn
	r rxReader
	// last is the receive instant of the last Read, as a monotonic offset
	// from rxBase; 0 when unknown.
	last atomic.Int64
}

// lastRx is the kernel's receive instant of the bytes the last Read
// returned, or the zero Time when unknown.
func (c *rxConn) lastRx() time.Time {
	d := c.last.Load()
	if d == 0 {
		return time.Time{}
	}
	return rxBase.Add(time.Duration(d))
}

// Read reads like net.TCPConn.Read, with recvmsg, and records the receive
// instant. Reads must not overlap (net/http reads a connection from one
// goroutine at a time); writes and Close may run alongside.
func (c *rxConn) Read(p []byte) (int, error) {
	n, wallNs, err := c.r.read(c.Conn, p)
	if n > 0 {
		c.last.Store(rxOffset(time.Now(), wallNs))
	}
	return n, err
}

// rxOffset turns a kernel receive stamp (wall clock, ns) taken before now
// into a monotonic offset from rxBase. A missing stamp, or one that is not
// plausibly before now (the wall clock stepped), gives now itself.
func rxOffset(now time.Time, wallNs int64) int64 {
	d := now.Sub(rxBase)
	if lag := now.UnixNano() - wallNs; wallNs > 0 && lag >= 0 && lag < int64(10*time.Second) {
		d -= time.Duration(lag)
	}
	if d <= 0 {
		d = 1
	}
	return int64(d)
}

// dialRx returns a DialContext that dials with d and wraps TCP connections
// whose kernel accepts receive timestamps into an rxConn; other connections
// are returned as dialled.
func dialRx(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if tc, ok := c.(*net.TCPConn); ok {
			if rc := newRxConn(tc); rc != nil {
				return rc, nil
			}
		}
		return c, nil
	}
}

// rxConnOf finds the rxConn under a connection net/http handed out (plain
// or TLS), or nil.
func rxConnOf(c net.Conn) *rxConn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	rc, _ := c.(*rxConn)
	return rc
}

// rxClock stamps the events of one response: with the kernel receive
// instant of the read that completed them when the connection keeps one,
// else with time.Now.
type rxClock struct {
	conn *rxConn
	// floor is the request's send instant: a receive instant before it
	// belongs to an earlier response on the same connection.
	floor time.Time
}

// now is the arrival instant of what was just read.
func (k rxClock) now() time.Time {
	now := time.Now()
	if k.conn == nil {
		return now
	}
	t := k.conn.lastRx()
	if t.IsZero() || t.Before(k.floor) || t.After(now) {
		return now
	}
	return t
}
