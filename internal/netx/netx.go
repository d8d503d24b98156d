// Package netx is a VU's network handle: the one HTTP transport, dialer,
// TLS configuration and cookie jar that every network module of a VU
// (k6/http, k6/x/sse, k6/x/llm) borrows. The engine creates one VU handle
// per VU, counts its wire bytes (data_sent, data_received) and closes it;
// modules only borrow it, so a script that makes a client per iteration
// reuses the VU's connections instead of opening new ones.
//
// How a byte reaches a VU: the transport dials through VU.dial (hosts
// overrides, blocked hostnames, DNS policy and cache, blacklisted IPs), which
// wraps the TCP connection in a Conn; TLS runs over the Conn, so handshake
// and records are counted; each Read of the Conn adds to the VU's Counters
// and, on Linux, keeps the kernel's receive timestamp that Clock hands to
// stream readers.
//
// It imports the standard library and golang.org/x/sys only.
package netx

import (
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// VU is one VU's network handle. Transport, Jar and Counters are safe for
// concurrent use; ResetJar and IterationEnd belong to the VU goroutine.
type VU struct {
	Counters
	opts *Options

	once sync.Once
	tr   *http.Transport

	jar atomic.Pointer[lazyJar] // nil until first asked for

	// stamps is set by WantReceiveStamps.
	stamps atomic.Bool
}

// New returns a VU handle with opts (nil: the defaults). Nothing is
// allocated for the transport until it is first used.
func New(opts *Options) *VU {
	if opts == nil {
		opts = &Options{}
	}
	return &VU{opts: opts}
}

// Options returns the options the handle was made with. Do not modify.
func (v *VU) Options() *Options { return v.opts }

// WantReceiveStamps makes the connections the handle dials from now on
// keep kernel receive stamps (see Conn), unless Options.NoReceiveStamps
// refuses them. Modules that time events to the packet (k6/x/llm,
// k6/x/sse) ask for them when their instance is made, in the VU's init
// code, so before any request; a VU whose script only uses k6/http, which
// times with httptrace, reads with read(2) and keeps the kernel from
// timestamping every packet of the machine for it.
func (v *VU) WantReceiveStamps() {
	if v.opts.NoReceiveStamps || v.stamps.Load() {
		return
	}
	keepStampsOn()
	v.stamps.Store(true)
}

// ReceiveStamps reports whether connections dialled now keep receive
// stamps.
func (v *VU) ReceiveStamps() bool { return v.stamps.Load() }

// Transport returns the VU's HTTP transport, built on first use. Every
// module of the VU must send through it.
func (v *VU) Transport() *http.Transport {
	v.once.Do(v.build)
	return v.tr
}

// MaxIdleConnsPerHost keeps the idle connections of a VU's concurrent
// requests (a batch, async llm streams) alive: k6 ties it to batchPerHost,
// but an LLM script's async fan-out to one host is often larger.
const minIdlePerHost = 1024

func (v *VU) build() {
	o := v.opts
	idle := o.BatchPerHost
	if idle < minIdlePerHost {
		idle = minIdlePerHost
	}
	v.tr = &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           v.dial,
		TLSClientConfig:       o.tlsConfig(),
		ForceAttemptHTTP2:     true,
		DisableCompression:    true, // no decoder between the socket and the clock; k6/http decodes itself
		DisableKeepAlives:     o.NoConnectionReuse,
		MaxIdleConns:          0,
		MaxIdleConnsPerHost:   idle,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Jar is the VU's current cookie jar (see ResetJar).
func (v *VU) Jar() http.CookieJar {
	if j := v.jar.Load(); j != nil {
		return j
	}
	j := &lazyJar{}
	if !v.jar.CompareAndSwap(nil, j) {
		return v.jar.Load()
	}
	return j
}

// ResetJar gives the VU a new, empty jar, as k6 does at the start of every
// iteration unless noCookiesReset is set (the engine calls it). A jar that
// never stored a cookie is kept: it is as empty as a new one.
func (v *VU) ResetJar() {
	if v.opts.NoCookiesReset {
		return
	}
	if j := v.jar.Load(); j != nil && !j.empty() {
		v.jar.Store(nil)
	}
}

// IterationEnd closes the idle connections when noVUConnectionReuse is set.
func (v *VU) IterationEnd() {
	if v.opts.NoVUConnectionReuse && v.tr != nil {
		v.tr.CloseIdleConnections()
	}
}

// Close closes the VU's idle connections; in-flight requests finish.
func (v *VU) Close() {
	if v.tr != nil {
		v.tr.CloseIdleConnections()
	}
}

// NewJar returns an empty cookie jar as k6 makes them: Go's cookiejar with
// no public-suffix list, made on the first cookie stored (most iterations
// of an LLM benchmark store none).
func NewJar() http.CookieJar { return &lazyJar{} }

// lazyJar is a cookiejar.Jar made when the first cookie is stored.
type lazyJar struct {
	mu  sync.Mutex // serialises the jar's creation
	jar atomic.Pointer[cookiejar.Jar]
}

// SetCookies implements http.CookieJar.
func (l *lazyJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if len(cookies) == 0 {
		return
	}
	j := l.jar.Load()
	if j == nil {
		l.mu.Lock()
		if j = l.jar.Load(); j == nil {
			j, _ = cookiejar.New(nil) // never fails without options
			l.jar.Store(j)
		}
		l.mu.Unlock()
	}
	j.SetCookies(u, cookies)
}

// empty reports whether no cookie was ever stored.
func (l *lazyJar) empty() bool { return l.jar.Load() == nil }

// Cookies implements http.CookieJar.
func (l *lazyJar) Cookies(u *url.URL) []*http.Cookie {
	if j := l.jar.Load(); j != nil {
		return j.Cookies(u)
	}
	return nil
}

// dial resolves addr as the VU's options say and dials it, wrapping the
// connection in a Conn.
func (v *VU) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	target, err := v.opts.resolve(ctx, addr)
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	c, err := d.DialContext(ctx, network, target)
	if err != nil {
		return nil, err
	}
	conn := &Conn{Conn: c, counters: &v.Counters}
	if tc, ok := c.(*net.TCPConn); ok && v.stamps.Load() {
		conn.rx = newRxReader(tc)
	}
	return conn, nil
}
