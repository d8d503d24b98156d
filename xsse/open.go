package xsse

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/js/modules/k6http"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/netx"
)

// The error messages of xk6-sse (reference §13).
var (
	errInit  = errors.New("using sse in the init context is not supported")
	errArgs  = errors.New("invalid number of arguments to sse.open")
	errSetup = errors.New("last argument to sse.open must be a function")
)

// openParams are sse.open's parsed params.
type openParams struct {
	setup   sobek.Callable
	method  string
	body    string
	headers http.Header
	tags    map[string]string
	jar     http.CookieJar
	timeout time.Duration
}

// parseParams reads sse.open's arguments after the URL: ([params], setupFn).
func parseParams(rt *sobek.Runtime, st *modules.State, args []sobek.Value) (*openParams, error) {
	var paramsV, fnV sobek.Value
	switch len(args) {
	case 1:
		fnV = args[0]
	case 2:
		paramsV, fnV = args[0], args[1]
	default:
		return nil, errArgs
	}
	fn, ok := sobek.AssertFunction(fnV)
	if !ok {
		return nil, errSetup
	}
	p := &openParams{setup: fn, headers: http.Header{}, jar: st.Net.Jar()}
	p.headers.Set("User-Agent", st.Net.Options().UserAgent)
	if isNullish(paramsV) {
		return p, nil
	}
	o := paramsV.ToObject(rt)
	for _, k := range o.Keys() {
		v := o.Get(k)
		switch k {
		case "headers":
			if isNullish(v) {
				continue
			}
			h := v.ToObject(rt)
			for _, name := range h.Keys() {
				p.headers.Set(name, h.Get(name).String())
			}
		case "tags":
			if isNullish(v) {
				continue
			}
			t := v.ToObject(rt)
			for _, name := range t.Keys() {
				s, err := modules.TagValue(t.Get(name))
				if err != nil {
					return nil, fmt.Errorf("invalid sse.open() metric tags: invalid value for metric tag '%s': %w", name, err)
				}
				if p.tags == nil {
					p.tags = map[string]string{}
				}
				p.tags[name] = s
			}
		case "jar":
			if isNullish(v) {
				continue
			}
			if j, ok := k6http.JarOf(v.Export()); ok {
				p.jar = j
			}
		case "method":
			p.method = strings.TrimSpace(v.String())
		case "body":
			p.body = strings.TrimSpace(v.String())
		case "timeout":
			if isNullish(v) {
				continue
			}
			d, err := time.ParseDuration(v.String())
			if err != nil {
				return nil, fmt.Errorf("invalid sse.open() timeout: %w", err)
			}
			p.timeout = d
		}
	}
	return p, nil
}

// transport is a per-open copy of the VU's transport, as xk6-sse makes a
// new one per call: same dialer (so hosts, blocked hostnames, DNS, byte
// counts and receive stamps apply), a clone of the VU's TLS settings, but
// HTTP/1.1 only, and keep-alive off when either reuse option is set.
func transport(n *netx.VU) *http.Transport {
	n.WantReceiveStamps()
	tr := n.Transport().Clone()
	tr.ForceAttemptHTTP2 = false
	tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	if tr.TLSClientConfig != nil {
		tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
	}
	o := n.Options()
	tr.DisableKeepAlives = o.NoConnectionReuse || o.NoVUConnectionReuse
	return tr
}

// open is sse.open(url, [params], setupFn).
func (i *instance) open(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	st := i.vu.State()
	if st == nil {
		throw(rt, errInit)
	}
	if len(call.Arguments) == 0 {
		throw(rt, errArgs)
	}
	rawURL := call.Arguments[0].String()
	p, err := parseParams(rt, st, call.Arguments[1:])
	if err != nil {
		throw(rt, err)
	}
	m := i.metrics(st)
	vuCtx := i.vu.Context()

	method := http.MethodGet
	if p.method != "" {
		method = p.method
	}
	reqCtx, cancel := context.WithCancel(vuCtx)
	defer cancel()
	req, err := http.NewRequestWithContext(reqCtx, method, rawURL, strings.NewReader(p.body))
	if err != nil {
		throw(rt, err) // xk6-sse panics here (a nil deferred hook); a plain error instead
	}
	req.Header.Set("Accept", "text/event-stream")
	for k, v := range p.headers {
		req.Header[k] = v
	}

	// GotConn runs on this goroutine for HTTP/1; atomics keep a redirect's
	// later connection safe all the same.
	var conn atomic.Pointer[netx.Conn]
	var ip atomic.Pointer[string]
	trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
		conn.Store(netx.ConnOf(ci.Conn))
		if host, _, err := net.SplitHostPort(ci.Conn.RemoteAddr().String()); err == nil {
			ip.Store(&host)
		}
	}}
	req = req.WithContext(httptrace.WithClientTrace(reqCtx, trace))

	tr := transport(st.Net)
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Jar: p.jar, Timeout: p.timeout}

	tags := map[string]string{}
	for k, v := range p.tags {
		tags[k] = v
	}
	if st.SystemTagEnabled("url") {
		tags["url"] = rawURL
	}
	start := time.Now()
	resp, err := hc.Do(req)
	headersAt := time.Now()
	if resp != nil && st.SystemTagEnabled("status") {
		tags["status"] = strconv.Itoa(resp.StatusCode)
	}
	if a := ip.Load(); a != nil && st.SystemTagEnabled("ip") {
		tags["ip"] = *a
	}
	ts := st.Tags().WithMap(tags)
	sending := metrics.D(headersAt.Sub(start))
	md := st.Metadata
	// As k6's PushIfNotDone: nothing is emitted once the VU must stop.
	emit := func(b metrics.Batch) {
		if vuCtx.Err() == nil {
			st.Out.Emit(b)
		}
	}
	emit(metrics.Batch{Time: start, Tags: ts, Metadata: md, Samples: []metrics.Sample{{Metric: m.sending, Value: sending}}})
	defer func() {
		end := time.Now()
		emit(metrics.Batch{Time: end, Tags: ts, Metadata: md, Samples: []metrics.Sample{
			{Metric: m.reqs, Value: 1},
			{Metric: m.sending, Value: sending},
			{Metric: m.duration, Value: metrics.D(end.Sub(start))},
		}})
	}()

	if err != nil {
		if st.Net.Options().Throw {
			throw(rt, err)
		}
		return response(rt, "", 0, nil, err.Error())
	}
	defer resp.Body.Close()

	c := &client{rt: rt, handlers: map[string][]sobek.Callable{}}
	c.cancel = func() { cancel(); resp.Body.Close() }
	if _, err := p.setup(sobek.Undefined(), c.object()); err != nil {
		panic(err)
	}
	c.fire("open")
	if !c.closed {
		s := &stream{c: c, body: resp.Body, clock: netx.Clock{Conn: conn.Load(), Floor: start},
			emit: func(t time.Time) {
				emit(metrics.Batch{Time: t, Tags: ts, Metadata: md, Samples: []metrics.Sample{{Metric: m.event, Value: 1}}})
			}}
		if resp.ProtoMajor != 1 {
			s.clock.Conn = nil
		}
		if err := s.run(); err != nil && vuCtx.Err() == nil {
			// As xk6-sse: after a read error other than the end of the
			// stream, the reader stops; open returns when a handler has
			// closed the client or the VU must stop.
			c.fire("error", rt.ToValue(err))
			if !c.closed {
				if st.Logger != nil {
					st.Logger.Warn("sse.open: the stream failed and no 'error' handler called client.close(); as xk6-sse, sse.open now waits until the VU stops", "url", rawURL, "error", err.Error())
				}
				<-vuCtx.Done()
			}
		}
	}
	headers := make(map[string]string, len(resp.Header))
	for k, v := range resp.Header {
		headers[k] = strings.Join(v, ", ")
	}
	return response(rt, rawURL, resp.StatusCode, headers, "")
}

// response is the object sse.open returns.
func response(rt *sobek.Runtime, url string, status int, headers map[string]string, errMsg string) sobek.Value {
	o := rt.NewObject()
	_ = o.Set("url", url)
	_ = o.Set("status", status)
	if headers == nil {
		_ = o.Set("headers", sobek.Null())
	} else {
		h := rt.NewObject()
		for k, v := range headers {
			_ = h.Set(k, v)
		}
		_ = o.Set("headers", h)
	}
	_ = o.Set("error", errMsg)
	return o
}

// client is the object handed to the setup function.
type client struct {
	rt       *sobek.Runtime
	handlers map[string][]sobek.Callable
	// onEvent are the 'event' handlers, kept apart for the hot path.
	onEvent []sobek.Callable
	closed  bool
	cancel  func()
}

func (c *client) object() sobek.Value {
	o := c.rt.NewObject()
	_ = o.Set("on", func(name string, fn sobek.Value) {
		h, ok := sobek.AssertFunction(fn)
		if !ok {
			return // as xk6-sse: silently ignored
		}
		if name == "event" {
			c.onEvent = append(c.onEvent, h)
			return
		}
		c.handlers[name] = append(c.handlers[name], h)
	})
	_ = o.Set("close", func() {
		if !c.closed {
			c.closed = true
			c.cancel()
		}
	})
	return o
}

// fire calls the handlers of name in registration order; an exception
// propagates out of sse.open.
func (c *client) fire(name string, args ...sobek.Value) {
	for _, h := range c.handlers[name] {
		if _, err := h(sobek.Undefined(), args...); err != nil {
			panic(err)
		}
	}
}

// stream reads the body and dispatches its events.
type stream struct {
	c     *client
	body  io.Reader
	clock netx.Clock
	emit  func(time.Time)
}

// run reads until the end of the stream (nil), client.close() (nil) or a
// read error (returned).
func (s *stream) run() error {
	c, rt := s.c, s.c.rt
	lr := newLineReader(s.body)
	var b block
	for !c.closed {
		l, err := lr.next()
		if err != nil {
			if err == io.EOF || c.closed {
				return nil
			}
			return err
		}
		switch b.line(l) {
		case lineDispatch:
			at := s.clock.Now()
			ev := b.take()
			s.emit(at)
			if len(c.onEvent) == 0 {
				continue
			}
			o := rt.NewObject()
			_ = o.Set("id", ev.id)
			_ = o.Set("name", ev.name)
			_ = o.Set("comment", ev.comment)
			_ = o.Set("data", ev.data)
			_ = o.DefineDataProperty("receivedAt", rt.ToValue(float64(at.UnixMicro())/1e3), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_FALSE)
			for _, h := range c.onEvent {
				if _, err := h(sobek.Undefined(), o); err != nil {
					panic(err)
				}
			}
		case lineUnknown:
			c.fire("error", rt.ToValue(errors.New("unknown event: "+string(l))))
		}
	}
	return nil
}
