package k6http

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/netx"
)

// sender is what sending a request needs of the VU, captured on the VU
// goroutine so that requests can run on others (asyncRequest, batch).
type sender struct {
	ctx    context.Context
	tr     http.RoundTripper
	jar    http.CookieJar
	opts   *netx.Options
	out    metrics.Emitter
	tags   *metrics.TagSet
	md     map[string]string
	sys    *modules.State // SystemTagEnabled only (its tags are fixed)
	m      *httpMetrics
	logger *slog.Logger
	cache  *tagSetCache
	// ua is the User-Agent header's value, []string{opts.UserAgent}.
	ua []string
	// own is what the VU goroutine's requests reuse (nil for requests on
	// other goroutines): their timeout context and a hop trace.
	own *syncState
}

// syncState is what requests on the VU goroutine, one at a time, reuse
// instead of allocating per request.
type syncState struct {
	timeout reqTimeout
	// trace is a hop trace no callback can reach any more (see release),
	// with its traced context cached.
	trace *hopTrace
}

func (i *instance) sender(st *modules.State) *sender {
	s := &sender{}
	i.fillSender(s, st)
	return s
}

// syncSender is the instance's sender for requests on the VU goroutine,
// refilled per request instead of allocated: the VU waits for them, so
// nothing holds it afterwards.
func (i *instance) syncSender(st *modules.State) *sender {
	i.fillSender(&i.sync, st)
	i.sync.own = &i.own
	return &i.sync
}

func (i *instance) fillSender(s *sender, st *modules.State) {
	*s = sender{
		ctx:    i.vu.Context(),
		tr:     st.Net.Transport(),
		jar:    st.Net.Jar(),
		opts:   st.Net.Options(),
		out:    st.Out,
		tags:   st.Tags(),
		md:     st.Metadata,
		sys:    st,
		m:      i.metrics(st),
		logger: st.Logger,
		cache:  &i.tags,
		ua:     i.userAgent(st.Net.Options().UserAgent),
	}
}

// userAgent returns the User-Agent header value for ua, built once.
func (i *instance) userAgent(ua string) []string {
	if len(i.ua) != 1 || i.ua[0] != ua {
		i.ua = []string{ua}
	}
	return i.ua
}

// hopTrace records one hop's httptrace instants as offsets from start
// (callbacks run on the transport's goroutines).
type hopTrace struct {
	start                                                    time.Time
	getConn, gotConn, connStart, connDone, tlsStart, tlsDone atomic.Int64
	wrote, firstByte                                         atomic.Int64
	reused                                                   atomic.Bool
	remote                                                   atomic.Pointer[net.TCPAddr]
	trace                                                    httptrace.ClientTrace
	// base and traced cache httptrace.WithClientTrace(base, &trace): the
	// VU goroutine's requests reuse one context and one trace.
	base, traced context.Context
}

// hopTraces recycles hop traces: their callbacks are closures over the
// trace, built once rather than per request.
var hopTraces = sync.Pool{New: func() any {
	h := &hopTrace{}
	h.trace = httptrace.ClientTrace{
		GetConn: func(string) { h.mark(&h.getConn) },
		GotConn: func(i httptrace.GotConnInfo) {
			h.mark(&h.gotConn)
			h.reused.Store(i.Reused)
			if a, ok := i.Conn.RemoteAddr().(*net.TCPAddr); ok {
				h.remote.Store(a)
			}
		},
		ConnectStart:         func(string, string) { h.mark(&h.connStart) },
		ConnectDone:          func(_, _ string, err error) { h.mark(&h.connDone) },
		TLSHandshakeStart:    func() { h.mark(&h.tlsStart) },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { h.mark(&h.tlsDone) },
		WroteRequest:         func(httptrace.WroteRequestInfo) { h.mark(&h.wrote) },
		GotFirstResponseByte: func() { h.mark(&h.firstByte) },
	}
	return h
}}

// newHopTrace starts a hop's trace now: own's spare trace if it has one,
// else one from the pool.
func newHopTrace(own *syncState) *hopTrace {
	var h *hopTrace
	if own != nil && own.trace != nil {
		h, own.trace = own.trace, nil
	} else {
		h = hopTraces.Get().(*hopTrace)
	}
	h.start = time.Now()
	return h
}

// context returns ctx carrying h's trace, built once per ctx.
func (h *hopTrace) context(ctx context.Context) context.Context {
	if h.base != ctx {
		h.base, h.traced = ctx, httptrace.WithClientTrace(ctx, &h.trace)
	}
	return h.traced
}

// mark records the first time an instant is seen (0 means "not seen").
func (h *hopTrace) mark(a *atomic.Int64) {
	a.CompareAndSwap(0, int64(time.Since(h.start))+1)
}

// release recycles h once no callback can fire any more: the hop reused a
// connection (no dial or handshake may still report), wrote its request
// and read its response. Any other trace is left to the GC, since the
// transport may still call it (a dial that outlives a timeout, a write
// that completes after an early response). A trace of the VU goroutine
// goes back to own, with its traced context; others to the pool.
func (h *hopTrace) release(own *syncState) {
	if !h.reused.Load() || h.wrote.Load() == 0 || h.firstByte.Load() == 0 {
		return
	}
	h.getConn.Store(0)
	h.gotConn.Store(0)
	h.connStart.Store(0)
	h.connDone.Store(0)
	h.tlsStart.Store(0)
	h.tlsDone.Store(0)
	h.wrote.Store(0)
	h.firstByte.Store(0)
	h.reused.Store(false)
	h.remote.Store(nil)
	if own != nil {
		own.trace = h
		return
	}
	h.base, h.traced = nil, nil
	hopTraces.Put(h)
}

// reqTimeout times out the VU goroutine's requests without a context and
// a timer per request: one cancellable child of the VU's context, kept
// across requests, which a timer reset for each request cancels with
// errTimeout. It is replaced once cancelled, by its timer or its parent.
type reqTimeout struct {
	parent context.Context
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
}

// start arms the timeout (d > 0) for a request under parent and returns
// the request's context; stop must follow when the request is done.
func (t *reqTimeout) start(parent context.Context, d time.Duration) context.Context {
	if t.ctx != nil && t.parent == parent && t.ctx.Err() == nil {
		t.timer.Reset(d)
		return t.ctx
	}
	if t.cancel != nil {
		t.timer.Stop()
		t.cancel(context.Canceled) // leaves the old parent's children
	}
	ctx, cancel := context.WithCancelCause(parent)
	t.parent, t.ctx, t.cancel = parent, ctx, cancel
	t.timer = time.AfterFunc(d, func() { cancel(errTimeout) })
	return ctx
}

// stop disarms the timeout; a context whose timer has fired (or is
// firing) is not used again.
func (t *reqTimeout) stop() {
	if !t.timer.Stop() {
		t.ctx = nil
	}
}

// timedOut reports whether ctx ended by its request's timeout, not by the
// VU's context.
func (s *sender) timedOut(ctx context.Context) bool {
	return s.ctx.Err() == nil && context.Cause(ctx) == errTimeout
}

// timings computes k6's timings (ms) with finish as the hop's end.
func (h *hopTrace) timings(finish time.Time) Timings {
	end := int64(finish.Sub(h.start)) + 1
	ms := func(a, b int64) float64 {
		if a == 0 || b == 0 || b < a {
			return 0
		}
		return float64(b-a) / 1e6
	}
	get, got := h.getConn.Load(), h.gotConn.Load()
	var t Timings
	t.Blocked = ms(get, got)
	if !h.reused.Load() {
		t.Connecting = ms(h.connStart.Load(), h.connDone.Load())
		t.TLSHandshaking = ms(h.tlsStart.Load(), h.tlsDone.Load())
	}
	from := got
	if !h.reused.Load() {
		if d := h.tlsDone.Load(); d != 0 {
			from = d
		} else if d := h.connDone.Load(); d != 0 {
			from = d
		}
	}
	wrote, first := h.wrote.Load(), h.firstByte.Load()
	t.Sending = ms(from, wrote)
	switch {
	case first != 0:
		t.Waiting = ms(wrote, first)
		t.Receiving = ms(first, end)
	case wrote != 0:
		t.Waiting = ms(wrote, end)
	}
	t.Duration = t.Sending + t.Waiting + t.Receiving
	return t
}

// send performs r: every hop is traced and measured; the result is never
// nil. A transport error is in res.Error/ErrorCode and err (for throw).
func (s *sender) send(r *request) (*Response, error) {
	// The request's context: on the VU goroutine the reusable one, else a
	// new one; either is cancelled with the cause errTimeout.
	var ctx context.Context
	if s.own != nil && r.timeout > 0 {
		ctx = s.own.timeout.start(s.ctx, r.timeout)
		defer s.own.timeout.stop()
	} else {
		c, cancel := context.WithTimeoutCause(s.ctx, r.timeout, errTimeout)
		defer cancel()
		ctx = c
	}
	jar := s.jar
	if r.jar != nil {
		jar = r.jar
	}
	res := &Response{respType: r.respType, req: r, ua: s.opts.UserAgent}
	res.URL = r.urlString

	method, u, body, hasBody := r.method, r.url, r.body, r.hasBody
	var prev *url.URL
	hops, digestDone := 0, false
	for {
		h := newHopTrace(s.own)
		var jarCookies []*http.Cookie
		if jar != nil {
			jarCookies = jar.Cookies(u)
		}
		if prev == nil && !digestDone {
			res.jarCookies = jarCookies // what res.request.cookies shows
		}
		req := s.buildHop(ctx, h, r, method, u, body, hasBody, prev, jarCookies)
		if r.auth == "digest" && digestDone {
			req.Header.Set("Authorization", res.digest)
		}
		resp, err := s.tr.RoundTrip(req)
		if err != nil {
			if s.timedOut(ctx) {
				err = errTimeout
			}
			return s.fail(r, res, h, method, u, err)
		}
		if jar != nil {
			if rc := resp.Cookies(); len(rc) > 0 {
				jar.SetCookies(u, rc)
			}
		}
		if resp.StatusCode == http.StatusSwitchingProtocols {
			resp.Body.Close()
			err := fmt.Errorf("unsupported response status: %s", resp.Status)
			return s.fail(r, res, h, method, u, &throwAlways{err})
		}
		// Digest: answer the 401 challenge once; the first hop's 401 is
		// expected.
		if r.auth == "digest" && !digestDone && resp.StatusCode == http.StatusUnauthorized && u.User != nil {
			if auth, ok := digestAuth(resp.Header.Get("WWW-Authenticate"), method, u); ok {
				drain(resp.Body)
				s.emitHop(r, h, time.Now(), method, u, resp, nil, true)
				h.release(s.own)
				res.digest = auth
				digestDone = true
				continue
			}
		}
		if loc := resp.Header.Get("Location"); isRedirect(resp.StatusCode) && loc != "" {
			if hops < r.redirects {
				next, err := u.Parse(loc)
				if err != nil {
					drain(resp.Body)
					return s.fail(r, res, h, method, u, fmt.Errorf("failed to parse Location header %q: %w", loc, err))
				}
				drain(resp.Body)
				s.emitHop(r, h, time.Now(), method, u, resp, nil, false)
				h.release(s.own)
				hops++
				if resp.StatusCode <= 303 && method != http.MethodGet && method != http.MethodHead {
					method, body, hasBody = http.MethodGet, nil, false
				}
				prev, u = u, next
				res.URL = u.String()
				continue
			}
			if !r.redirectsSet && r.redirects > 0 {
				s.logger.Warn(fmt.Sprintf("Stopped after %d redirects and returned the redirection; pass { redirects: n } in request params or set global maxRedirects to silence this", hops+1), "url", res.URL)
			}
		}
		res, err := s.finish(r, res, h, method, u, resp)
		h.release(s.own)
		return res, err
	}
}

// errTimeout is k6's request timeout (1050).
var errTimeout = errors.New("request timeout")

// throwAlways wraps errors that k6 throws whatever the throw option.
type throwAlways struct{ error }

func (e *throwAlways) Unwrap() error { return e.error }

func isRedirect(code int) bool {
	switch code {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

func drain(b io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(b, 1<<20))
	b.Close()
}

// buildHop builds one hop's request: default headers, the body's content
// type, the user's headers, basic auth from the URL and cookies.
func (s *sender) buildHop(ctx context.Context, h *hopTrace, r *request, method string, u *url.URL, body []byte, hasBody bool, prev *url.URL, jarCookies []*http.Cookie) *http.Request {
	req := newRequest(h.context(ctx), method, u, body, hasBody)
	if ua := s.opts.UserAgent; ua != "" {
		req.Header["User-Agent"] = s.ua // shared: net/http never modifies it
	} else {
		req.Header["User-Agent"] = []string{""} // Go sends none for an empty value
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	sameHost := prev == nil || sameOrSubdomain(prev.Hostname(), u.Hostname())
	for k, v := range r.headers {
		if !sameHost && sensitiveHeader(k) {
			continue
		}
		req.Header[k] = v
	}
	req.Header.Del("Content-Length")
	if r.host != "" {
		req.Host = r.host
	}
	if prev != nil && !(prev.Scheme == "https" && u.Scheme == "http") {
		ref := *prev
		ref.User, ref.Fragment = nil, ""
		req.Header.Set("Referer", ref.String())
	}
	if u.User != nil && req.Header.Get("Authorization") == "" && (prev == nil || sameHost) {
		p, _ := u.User.Password()
		req.SetBasicAuth(u.User.Username(), p)
	}
	addCookies(req, r, jarCookies)
	return req
}

// newRequest is http.NewRequestWithContext for a URL parsed once, when the
// script's URL was read: the same fields, without a URL string to parse
// per request. The transport checks the method.
func newRequest(ctx context.Context, method string, u *url.URL, body []byte, hasBody bool) *http.Request {
	if method == "" {
		method = http.MethodGet
	}
	r := http.Request{Method: method, URL: u, Host: u.Host, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: make(http.Header)}
	if hasBody {
		if len(body) == 0 {
			r.Body = http.NoBody
			r.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
		} else {
			r.ContentLength = int64(len(body))
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
	}
	return r.WithContext(ctx)
}

func sensitiveHeader(k string) bool {
	switch http.CanonicalHeaderKey(k) {
	case "Authorization", "Www-Authenticate", "Cookie", "Cookie2":
		return true
	}
	return false
}

func sameOrSubdomain(parent, sub string) bool {
	parent, sub = strings.ToLower(parent), strings.ToLower(sub)
	return parent == sub || strings.HasSuffix(sub, "."+parent)
}

// addCookies adds the jar's cookies for the hop's URL (but those that
// params.cookies replace) and then params.cookies.
func addCookies(req *http.Request, r *request, jarCookies []*http.Cookie) {
	for _, c := range jarCookies {
		if !r.replaces(c.Name) {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	for _, c := range r.cookies {
		req.AddCookie(&http.Cookie{Name: c.name, Value: c.value})
	}
}

// finish reads the last hop's body and fills the response.
func (s *sender) finish(r *request, res *Response, h *hopTrace, method string, u *url.URL, resp *http.Response) (*Response, error) {
	var raw []byte
	var err error
	if r.respType == respNone {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		raw, err = readBody(resp.Body, resp.ContentLength)
	}
	resp.Body.Close()
	end := time.Now()
	if err != nil {
		if errors.Is(err, errTimeout) || errors.Is(err, context.DeadlineExceeded) || (s.ctx.Err() == nil && r.timeout > 0 && end.Sub(h.start) >= r.timeout) {
			err = errTimeout
		}
		return s.fail(r, res, h, method, u, err)
	}
	res.Status = resp.StatusCode
	res.StatusText = resp.Status
	res.Proto = resp.Proto
	res.header = resp.Header
	res.Timings = h.timings(end)
	res.remote = h.remote.Load()
	if resp.TLS != nil {
		res.TLSVersion = netx.TLSVersionName(resp.TLS.Version)
		res.TLSCipherSuite = netx.CipherSuiteName(resp.TLS.CipherSuite)
		res.OCSP.Status = "unknown"
	}
	res.hasBody = !(resp.StatusCode < 200 || resp.StatusCode == 204 || resp.StatusCode == 304)
	if res.hasBody && r.respType != respNone {
		if dec, derr := decompress(raw, resp.Header.Get("Content-Encoding")); derr != nil {
			res.Error = fmt.Sprintf("error decompressing response body (%v)", derr)
			res.ErrorCode = 1701
		} else {
			raw = dec
		}
	}
	res.raw = raw
	if res.ErrorCode == 0 && resp.StatusCode >= 400 {
		res.ErrorCode = 1000 + resp.StatusCode
	}
	var hopErr error
	if res.ErrorCode == 1701 {
		hopErr = errors.New(res.Error)
	}
	s.emitHop(r, h, end, method, u, resp, hopErr, false)
	if hopErr != nil {
		return res, hopErr
	}
	return res, nil
}

// readBody reads b to its end. A declared length (up to 1 MiB; a server
// may lie) sizes the buffer, so that a small body costs one small
// allocation rather than io.ReadAll's 512 bytes and growth.
func readBody(b io.Reader, length int64) ([]byte, error) {
	if length < 0 || length > 1<<20 {
		return io.ReadAll(b)
	}
	buf := make([]byte, 0, length+1) // +1: the read that sees EOF needs room
	for {
		n, err := b.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // longer than declared: grow
		}
	}
}

// fail fills res for a transport error on a hop and emits that hop.
func (s *sender) fail(r *request, res *Response, h *hopTrace, method string, u *url.URL, err error) (*Response, error) {
	end := time.Now()
	code, msg := classify(err)
	res.Status, res.StatusText, res.Proto = 0, "", ""
	res.header = nil
	res.Error, res.ErrorCode = msg, code
	res.Timings = h.timings(end)
	res.hasBody = false
	res.remote = h.remote.Load()
	s.emitHop(r, h, end, method, u, nil, err, false)
	var ue *url.Error
	if errors.As(err, &ue) || code == 1050 {
		if code == 1050 {
			err = errTimeout
		}
		return res, &url.Error{Op: urlOp(method), URL: u.String(), Err: err}
	}
	var ta *throwAlways
	if errors.As(err, &ta) {
		return res, err
	}
	return res, &url.Error{Op: urlOp(method), URL: u.String(), Err: err}
}

func urlOp(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + strings.ToLower(method[1:])
}

// hopTags are a hop's system tag values; with no user tags they key the
// tag-set cache, so that a VU repeating a request builds its tags once.
type hopTags struct {
	base                                  *metrics.TagSet
	name, method, status, proto, tls, ip  string
	errMsg, errCode, expected             string
	hasErr, hasProto, hasExpected, tlsSet bool
}

// tagSetCache maps hopTags to tag sets (bounded; shared by the VU's
// goroutines).
type tagSetCache struct {
	mu      sync.Mutex
	m       map[hopTags]*metrics.TagSet
	lastKey hopTags
	last    *metrics.TagSet
}

func (c *tagSetCache) get(k hopTags, build func() *metrics.TagSet) *metrics.TagSet {
	c.mu.Lock()
	if c.last != nil && c.lastKey == k { // a VU mostly repeats its last request
		t := c.last
		c.mu.Unlock()
		return t
	}
	t, ok := c.m[k]
	if ok {
		c.last, c.lastKey = t, k
	}
	c.mu.Unlock()
	if ok {
		return t
	}
	t = build()
	c.mu.Lock()
	if c.m == nil || len(c.m) >= 1024 {
		c.m = make(map[hopTags]*metrics.TagSet, 16)
	}
	c.m[k] = t
	c.mu.Unlock()
	return t
}

// emitHop emits one hop's samples at end.
func (s *sender) emitHop(r *request, h *hopTrace, end time.Time, method string, u *url.URL, resp *http.Response, err error, forceExpected bool) {
	t := h.timings(end)
	sys := s.sys.SystemTagEnabled
	k := hopTags{base: s.tags, name: r.name, method: method}
	if k.name == "" {
		if u == r.url && u.User == nil {
			k.name = r.urlString
		} else {
			k.name = maskURL(u)
		}
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
		k.hasProto = true
		k.proto = resp.Proto
		if resp.TLS != nil {
			k.tlsSet = true
			k.tls = netx.TLSVersionName(resp.TLS.Version)
		}
	}
	k.status = statusTag(status)
	if err != nil {
		code, msg := classify(err)
		k.hasErr, k.errMsg, k.errCode = true, msg, strconv.Itoa(code)
	} else if status >= 400 {
		k.errCode = strconv.Itoa(1000 + status)
	}
	if a := h.remote.Load(); a != nil && sys("ip") {
		k.ip = a.IP.String()
	}
	cb := r.callback
	expected := true
	if cb != nil {
		expected = forceExpected || cb.match(status)
		k.hasExpected = true
		k.expected = strconv.FormatBool(expected)
	}
	build := func() *metrics.TagSet {
		tags := make(map[string]string, len(r.tags)+10)
		for tk, tv := range r.tags {
			tags[tk] = tv
		}
		set := func(name, v string, on bool) {
			if on && sys(name) {
				tags[name] = v
			} else if name == "url" || name == "method" || name == "status" {
				delete(tags, name) // user tags of these names never pass
			}
		}
		set("url", k.name, true)
		set("name", k.name, true)
		set("method", k.method, true)
		set("status", k.status, true)
		set("proto", k.proto, k.hasProto)
		set("tls_version", k.tls, k.tlsSet)
		set("error", k.errMsg, k.hasErr)
		set("error_code", k.errCode, k.errCode != "")
		set("ip", k.ip, k.ip != "")
		set("expected_response", k.expected, k.hasExpected)
		return s.tags.WithMap(tags)
	}
	var tags *metrics.TagSet
	if len(r.tags) == 0 {
		tags = s.cache.get(k, build)
	} else {
		tags = build()
	}
	m := s.m
	samples := make([]metrics.Sample, 8, 9)
	samples[0] = metrics.Sample{Metric: m.reqs, Value: 1}
	samples[1] = metrics.Sample{Metric: m.duration, Value: t.Duration}
	samples[2] = metrics.Sample{Metric: m.blocked, Value: t.Blocked}
	samples[3] = metrics.Sample{Metric: m.connecting, Value: t.Connecting}
	samples[4] = metrics.Sample{Metric: m.tls, Value: t.TLSHandshaking}
	samples[5] = metrics.Sample{Metric: m.sending, Value: t.Sending}
	samples[6] = metrics.Sample{Metric: m.waiting, Value: t.Waiting}
	samples[7] = metrics.Sample{Metric: m.receiving, Value: t.Receiving}
	if cb != nil {
		v := 0.0
		if !expected {
			v = 1
		}
		samples = append(samples, metrics.Sample{Metric: m.failed, Value: v})
	}
	s.out.Emit(metrics.Batch{Time: end, Tags: tags, Metadata: s.md, Samples: samples})
}

// maskURL is the URL with credentials masked, as k6 tags it.
// statusTags are the status tag values of the codes servers send.
var statusTags = func() (t [600]string) {
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

// statusTag is strconv.Itoa(status) without allocating for 0–599.
func statusTag(status int) string {
	if status >= 0 && status < len(statusTags) {
		return statusTags[status]
	}
	return strconv.Itoa(status)
}

func maskURL(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	c := *u
	c.User = nil
	s := c.String()
	mask := "****@"
	if _, ok := u.User.Password(); ok {
		mask = "****:****@"
	}
	if i := strings.Index(s, "://"); i >= 0 {
		return s[:i+3] + mask + s[i+3:]
	}
	return s
}

func httpCookie(c *http.Cookie) *HTTPCookie {
	// As k6: Go's UnixNano in ms, so a cookie without Expires (the zero
	// Time, whose UnixNano overflows) reads -6795364578871.
	exp := c.Expires.UnixNano() / int64(time.Millisecond)
	return &HTTPCookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path, HTTPOnly: c.HttpOnly,
		Secure: c.Secure, MaxAge: c.MaxAge, Expires: exp}
}

// request describes the original request (res.request), built when a
// script first reads it.
func (res *Response) request() Request {
	r := res.req
	u := r.rawURL
	if r.url != nil {
		u = r.url.String()
	}
	ri := Request{Method: r.method, URL: u, Body: r.plainBody, Headers: map[string][]string{}, Cookies: map[string][]*RequestCookie{}}
	for k, v := range r.headers {
		ri.Headers[k] = v
	}
	if ua := res.ua; ua != "" {
		if _, set := ri.Headers["User-Agent"]; !set {
			ri.Headers["User-Agent"] = []string{ua}
		}
	}
	if r.contentType != "" {
		if _, set := ri.Headers["Content-Type"]; !set {
			ri.Headers["Content-Type"] = []string{r.contentType}
		}
	}
	delete(ri.Headers, "Content-Length")
	if r.host != "" {
		ri.Headers["Host"] = []string{r.host}
	}
	var cookieHdr []string
	for _, c := range res.jarCookies {
		if !r.replaces(c.Name) {
			ri.Cookies[c.Name] = append(ri.Cookies[c.Name], &RequestCookie{Name: c.Name, Value: c.Value})
			cookieHdr = append(cookieHdr, c.Name+"="+c.Value)
		}
	}
	for _, c := range r.cookies {
		ri.Cookies[c.name] = append(ri.Cookies[c.name], &RequestCookie{Name: c.name, Value: c.value})
		cookieHdr = append(cookieHdr, c.name+"="+c.value)
	}
	if len(cookieHdr) > 0 {
		ri.Headers["Cookie"] = []string{strings.Join(cookieHdr, "; ")}
	}
	return ri
}
