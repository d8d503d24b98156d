package netx

import (
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
// Where the kernel offers it (Linux, SO_TIMESTAMPNS), a VU's connections
// read with recvmsg and keep the kernel's receive timestamp of the last
// bytes read; readers stamp each event with the arrival of the read that
// completed it (Clock) instead of the time it was parsed. The stamps are
// taken when the packet is queued to the socket (in softirq for a network
// interface; on the sending CPU for loopback), before any of the client's
// own scheduling.
//
// Elsewhere (other systems, HTTP/2, where one connection carries many
// streams read by the transport's own goroutine, a user Clock, or a kernel
// that refuses the option) events are stamped with time.Now when read.

// rxBase anchors receive instants: a Conn keeps them as offsets from rxBase
// on the monotonic clock, so that they fit an atomic and subtract cleanly
// from the request's own time.Now instants.
var rxBase = time.Now()

// Conn is a connection dialled by a VU's handle. It counts the bytes read
// and written on the wire into the VU's Counters (TLS records and HTTP
// framing included) and, when the kernel offers it, remembers the kernel
// receive time of the bytes its last Read returned.
//
// The stamp is that of the newest data the read returned: when the client
// reads late, several events come in one read, and Linux also merges small
// segments queued on a socket into one buffer keeping the newest stamp, so
// they all carry the latest arrival. Receive stamps therefore remove the
// client's delays as long as it reads each event before the next one
// arrives, and bound the error by the gap to the newest queued event when
// it does not; they are never later than the read time.
type Conn struct {
	// Conn is the dialled connection, embedded as a net.Conn so that only
	// Read and Write are overridden and no promoted method (WriteTo, …)
	// bypasses them.
	net.Conn
	counters *Counters
	// rx reads with recvmsg; nil when the kernel gives no stamps.
	rx *rxReader
	// last is the receive instant of the last Read, as a monotonic offset
	// from rxBase; 0 when unknown.
	last atomic.Int64
}

// Read reads like the underlying connection (with recvmsg where stamps are
// on), counts the bytes and records the receive instant. Reads must not
// overlap (net/http reads a connection from one goroutine at a time);
// writes and Close may run alongside.
func (c *Conn) Read(p []byte) (int, error) {
	if c.rx == nil {
		n, err := c.Conn.Read(p)
		if n > 0 {
			c.counters.received.Add(int64(n))
		}
		return n, err
	}
	n, wallNs, err := c.rx.read(c.Conn, p)
	if n > 0 {
		c.last.Store(rxOffset(time.Now(), wallNs))
		c.counters.received.Add(int64(n))
	}
	return n, err
}

// Write writes like the underlying connection and counts the bytes.
func (c *Conn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.counters.sent.Add(int64(n))
	}
	return n, err
}

// Stamped reports whether the connection keeps kernel receive stamps.
func (c *Conn) Stamped() bool { return c.rx != nil }

// LastRx is the kernel's receive instant of the bytes the last Read
// returned, or the zero Time when unknown.
func (c *Conn) LastRx() time.Time {
	d := c.last.Load()
	if d == 0 {
		return time.Time{}
	}
	return rxBase.Add(time.Duration(d))
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

// ConnOf finds the Conn under a connection net/http handed out (plain or
// TLS, e.g. httptrace.GotConnInfo.Conn), or nil.
func ConnOf(c net.Conn) *Conn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	rc, _ := c.(*Conn)
	return rc
}

// Clock stamps the events of one response: with the kernel receive instant
// of the read that completed them when the connection keeps one, else with
// time.Now.
type Clock struct {
	// Conn is the response's connection; nil stamps with time.Now (the
	// user clock, HTTP/2, or a connection without stamps).
	Conn *Conn
	// Floor is the request's send instant: a receive instant before it
	// belongs to an earlier response on the same connection.
	Floor time.Time
}

// Now is the arrival instant of what was just read.
func (k Clock) Now() time.Time {
	now := time.Now()
	if k.Conn == nil {
		return now
	}
	t := k.Conn.LastRx()
	if t.IsZero() || t.Before(k.Floor) || t.After(now) {
		return now
	}
	return t
}

// Counters are a VU's wire byte counts since the last Swap. Safe for
// concurrent use.
type Counters struct {
	sent, received atomic.Int64
}

// Swap returns the bytes sent and received since the last Swap and resets
// both to zero.
func (c *Counters) Swap() (sent, received int64) {
	return c.sent.Swap(0), c.received.Swap(0)
}
