package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/gjson"

	"github.com/llmbench/llmbench/internal/netx"
	"github.com/llmbench/llmbench/internal/redact"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API root, e.g. "http://127.0.0.1:8000/v1".
	BaseURL string
	// APIKey, when set, is sent as "Authorization: Bearer <key>". It is
	// never printed, logged or put in a Result.
	APIKey string
	// Model is inserted into request bodies that name no model.
	Model string
	// Timeout bounds a whole request, headers and stream (0: none).
	Timeout time.Duration
	// Headers are added to every request.
	Headers map[string]string
	// Transport is the transport requests go through. The k6/x/llm module
	// passes the VU's (internal/netx), shared with k6/http and k6/x/sse;
	// nil gives the Client a network handle of its own. Receive timestamps
	// need a netx transport (its connections keep them).
	Transport http.RoundTripper
	// MaxLine bounds one event-stream line (DefaultMaxLine when 0).
	MaxLine int
	// UserClock stamps events with time.Now when the client reads them,
	// even where the kernel's receive timestamps are available (see
	// internal/netx).
	UserClock bool
}

// RequestOptions are per-request settings.
type RequestOptions struct {
	// Headers are added to this request, over Config.Headers.
	Headers map[string]string
	// Timeout overrides Config.Timeout when > 0.
	Timeout time.Duration
}

// Client sends OpenAI-compatible requests and measures their streams. It is
// safe for concurrent use.
//
// In scripts a Client sends through its VU's network handle
// (internal/netx), whether it was made in the init code or in every
// iteration, so connections are per VU, as k6 keeps them: a VU reuses its
// keep-alive connection from request to request, VUs never queue behind
// each other on a shared per-host limit (which would add client-side
// waiting to TTFT), and a script cannot leak connections by making clients.
// The handle keeps a VU's concurrent async requests alive and does not
// decompress, so that no decoder buffers the stream between the socket and
// the clock.
type Client struct {
	cfg       Config
	base      string
	modelJSON []byte
	hc        *http.Client
	scratch   sync.Pool
}

// What is read of a response beyond a stream.
const (
	maxErrorBody = 64 << 10 // an error body: enough for any server's message
	maxJSONBody  = 64 << 20 // a non-streaming body (a long completion, many embeddings)
	drainLimit   = 64 << 10 // what is drained after [DONE] so the connection can be reused
)

// NewClient returns a client for cfg.
func NewClient(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("llm client: baseURL %q: %s", redact.URL(cfg.BaseURL), redact.Text(err.Error()))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("llm client: baseURL %q: scheme must be http or https", redact.URL(cfg.BaseURL))
	}
	rt := cfg.Transport
	if rt == nil {
		n := netx.New(nil)
		n.WantReceiveStamps() // the stream readers time chunks to the packet
		rt = n.Transport()
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/"), hc: &http.Client{Transport: rt, CheckRedirect: refuseRedirect}}
	if cfg.Model != "" {
		c.modelJSON, _ = json.Marshal(cfg.Model)
	}
	return c, nil
}

// CloseIdleConnections closes the client's idle keep-alive connections.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// Do sends body (an OpenAI request, see PrepareBody) to ep and reads the
// whole response. It never panics and never returns nil: failures are
// described by the Result. Cancelling ctx aborts the request (ErrInterrupted).
func (c *Client) Do(ctx context.Context, ep Endpoint, body []byte, opt RequestOptions) *Result {
	res := &Result{Endpoint: ep}
	body, stream := PrepareBody(body, c.modelJSON)
	c.do(ctx, ep, body, stream, opt, res)
	if res.Model == "" { // no answer named it: tag with what was asked for
		if m := gjson.GetBytes(body, "model"); m.Type == gjson.String {
			res.Model = m.Str
		}
	}
	return res
}

func (c *Client) do(ctx context.Context, ep Endpoint, body []byte, stream bool, opt RequestOptions, res *Result) {
	timeout := c.cfg.Timeout
	if opt.Timeout > 0 {
		timeout = opt.Timeout
	}
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()

	// WroteHeaders runs on the transport's writer goroutine: pass the
	// instant through an atomic offset from base (keeping the monotonic clock).
	base := time.Now()
	var sent atomic.Int64
	sent.Store(-1)
	var conn net.Conn
	trace := &httptrace.ClientTrace{
		GotConn:      func(i httptrace.GotConnInfo) { conn = i.Conn },
		WroteHeaders: func() { sent.Store(int64(time.Since(base))) },
	}
	rc := reqCtx{vu: ctx, req: rctx}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(rctx, trace), http.MethodPost, c.base+ep.Path(), bytes.NewReader(body))
	if err != nil {
		fail(res, ErrConnection, fmt.Errorf("building request: %w", err))
		return
	}
	c.setHeaders(req, stream, opt.Headers)
	res.BytesSent = int64(len(body))
	resp, err := c.hc.Do(req)
	now := time.Now()
	res.Timing.Send = sendTime(base, &sent)
	res.Timing.End = now
	if err != nil {
		fail(res, rc.classify(err, ErrConnection), err)
		return
	}
	defer resp.Body.Close()
	rb := &countingReader{r: resp.Body, n: &res.BytesReceived}
	clk := netx.Clock{Floor: res.Timing.Send}
	if resp.ProtoMajor == 1 && conn != nil && !c.cfg.UserClock { // HTTP/2 connections are read by the transport
		clk.Conn = netx.ConnOf(conn)
	}
	res.Status = resp.StatusCode
	res.Headers = flatten(resp.Header)
	switch {
	case resp.StatusCode >= 400:
		c.readError(rc, resp, rb, res)
	case encoded(resp.Header) != "":
		failEncoded(res, encoded(resp.Header))
	case ep == Embeddings:
		c.readEmbeddings(rc, clk, rb, res)
	case ep == Responses:
		c.readResponses(rc, clk, resp, rb, res)
	case isEventStream(resp.Header.Get("Content-Type")):
		res.Streamed = true
		c.readStream(rc, clk, rb, res)
	default:
		c.readJSON(rc, clk, rb, res)
	}
}

func sendTime(base time.Time, sent *atomic.Int64) time.Time {
	if d := sent.Load(); d >= 0 {
		return base.Add(time.Duration(d))
	}
	return base // headers never written (connection failed): the call start
}

func (c *Client) setHeaders(req *http.Request, stream bool, extra map[string]string) {
	h := req.Header
	h.Set("Content-Type", "application/json")
	if stream {
		h.Set("Accept", "text/event-stream")
	} else {
		h.Set("Accept", "application/json")
	}
	if c.cfg.APIKey != "" {
		h.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	for k, v := range c.cfg.Headers {
		h.Set(k, v)
	}
	for k, v := range extra {
		h.Set(k, v)
	}
}

func (c *Client) readError(rc reqCtx, resp *http.Response, body io.Reader, res *Result) {
	b, err := io.ReadAll(io.LimitReader(body, maxErrorBody))
	res.Timing.End = time.Now()
	code := ErrHTTP4xx
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		code = ErrHTTP429
	case resp.StatusCode >= 500:
		code = ErrHTTP5xx
	}
	msg := errorMessage(b)
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
		if err != nil && rc.vu.Err() != nil {
			msg += ": " + err.Error()
		}
	}
	fail(res, code, fmt.Errorf("HTTP %d: %s", resp.StatusCode, msg))
}

// fail marks res failed with code and err's message.
func fail(res *Result, code string, err error) {
	res.OK = false
	res.ErrorCode = code
	if err != nil {
		res.Error = redact.Text(err.Error())
	}
}

// reqCtx are a request's two contexts: vu ends when the VU must stop (the
// end of the test), req also when the request's timeout expires.
type reqCtx struct{ vu, req context.Context }

// classify maps a transport or read error to an error code; fallback is the
// code when neither context ended nor a timeout occurred.
func (rc reqCtx) classify(err error, fallback string) string {
	if rc.vu.Err() != nil {
		return ErrInterrupted
	}
	if rc.req.Err() == context.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded) {
		return ErrTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ErrTimeout
	}
	return fallback
}

// failRead marks res failed by a stream read error: a line over the limit
// is a malformed chunk; otherwise the VU's end, a timeout or a cut stream.
func (rc reqCtx) failRead(res *Result, err error) {
	code := ErrMalformedChunk
	if !errors.Is(err, ErrLineTooLong) {
		code = rc.classify(err, ErrStreamCut)
	}
	fail(res, code, fmt.Errorf("reading stream: %w", err))
}

func flatten(h http.Header) map[string]string {
	m := make(map[string]string, len(h))
	for k, v := range h {
		m[k] = strings.Join(v, ", ")
	}
	return m
}

// countingReader counts the response body bytes read (data_received).
type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}
