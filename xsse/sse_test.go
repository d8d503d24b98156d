package xsse_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/js/modules/modulestest"
	"github.com/llmbench/llmbench/internal/netx"
	"github.com/llmbench/llmbench/xsse"
)

// Every expected value below comes from the reference (k6-http.md §13,
// k6-behaviour.md §9.1): what xk6-sse does for the same stream.

func TestEventsAndResponse(t *testing.T) {
	t.Parallel()
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Multi"] = []string{"a", "b"}
		eventStream(w)
		write(w, ": hello\n\n", "id: 1\nevent: greet\ndata: l1\n", "data: l2\n\n",
			"retry: 10\ndata: x\n\n", "id: 2\ndata: {\"k\":1}\n\n", "data: dropped\n")
	})
	r := mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
export default function () {
  const log = [];
  const res = sse.open(__ENV.URL + '/stream', function (client) {
    log.push('setup');
    client.on('open', () => log.push('open'));
    client.on('event', (e) => log.push(JSON.stringify(e)));
    client.on('event', (e) => log.push('second:' + e.data));
    client.on('event', 'not a function');
    client.on('error', (e) => log.push('error:' + e.error()));
  });
  eq(log, [
    'setup', 'open',
    '{"id":"","name":"","comment":"hello","data":""}', 'second:',
    '{"id":"1","name":"greet","comment":"","data":"l1\\nl2"}', 'second:l1\nl2',
    '{"id":"","name":"","comment":"","data":"x"}', 'second:x',
    '{"id":"2","name":"","comment":"","data":"{\\"k\\":1}"}', 'second:{"k":1}',
  ], 'events');
  eq(Object.keys(res), ['url', 'status', 'headers', 'error'], 'response keys');
  eq(res.url, __ENV.URL + '/stream', 'url');
  eq(res.status, 200, 'status');
  eq(res.error, '', 'error');
  eq(res.headers['Content-Type'], 'text/event-stream', 'content type');
  eq(res.headers['X-Multi'], 'a, b', 'joined header');
  eq(res.headers['content-type'], undefined, 'exact-case header keys');
}
`, "-e", "URL="+url)
	ev := r.Of("sse_event")
	if len(ev) != 4 {
		t.Fatalf("sse_event: %d samples, want 4", len(ev))
	}
	for _, s := range ev {
		if s.Value != 1 || s.Tags["url"] != url+"/stream" || s.Tags["status"] != "200" {
			t.Errorf("sse_event sample %+v", s)
		}
	}
	checkHTTPSamples(t, r, url+"/stream", "200")
}

// checkHTTPSamples checks xk6-sse's http_* samples of one sse.open.
func checkHTTPSamples(t *testing.T, r result, url, status string) {
	t.Helper()
	if n := len(r.Of("http_reqs")); n != 1 {
		t.Errorf("http_reqs: %d samples, want 1", n)
	}
	sending, dur := r.Of("http_req_sending"), r.Of("http_req_duration")
	if len(sending) != 2 || len(dur) != 1 {
		t.Fatalf("http_req_sending ×%d (want 2), http_req_duration ×%d (want 1)", len(sending), len(dur))
	}
	if sending[0].Value != sending[1].Value || sending[0].Value > dur[0].Value {
		t.Errorf("http_req_sending %v, %v; http_req_duration %v", sending[0].Value, sending[1].Value, dur[0].Value)
	}
	if !sending[0].Time.Before(sending[1].Time) {
		t.Errorf("the first http_req_sending is stamped at the request start: %v, then %v", sending[0].Time, sending[1].Time)
	}
	for _, m := range []string{"http_req_waiting", "http_req_receiving", "http_req_blocked", "http_req_connecting", "http_req_tls_handshaking", "http_req_failed"} {
		if n := len(r.Of(m)); n != 0 {
			t.Errorf("%s: %d samples, want none", m, n)
		}
	}
	for _, s := range append(append(r.Of("http_reqs"), sending...), dur...) {
		if s.Tags["url"] != url || s.Tags["status"] != status {
			t.Errorf("%s tags %v: want url %q, status %q", s.Metric, s.Tags, url, status)
		}
		for _, k := range []string{"method", "name", "proto", "expected_response"} {
			if _, has := s.Tags[k]; has {
				t.Errorf("%s has a %s tag: %v", s.Metric, k, s.Tags)
			}
		}
		if status == "" {
			if _, has := s.Tags["status"]; has {
				t.Errorf("%s has a status tag after a failed connection: %v", s.Metric, s.Tags)
			}
		}
	}
}

func TestCRLFStream(t *testing.T) {
	t.Parallel()
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		eventStream(w)
		write(w, "id: 1\r\nevent: e\r\n: c\r\ndata: a\r\ndata: b\r\n\r\n", ": keep-alive\r\n\r\n")
	})
	mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
export default function () {
  const got = [];
  sse.open(__ENV.URL, (c) => c.on('event', (e) => got.push([e.id, e.name, e.comment, e.data])));
  eq(got, [['1\r', 'e\r', 'c\r', 'a\r\nb'], ['', '', 'keep-alive\r', '']], 'CRLF events');
}
`, "-e", "URL="+url)
}

// A 4xx/5xx is not checked: its body is read as an event stream, so a JSON
// error body becomes an 'error' event; the status is returned.
func TestErrorStatusBodies(t *testing.T) {
	t.Parallel()
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/500":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			_, _ = io.WriteString(w, "{\"error\":\"boom\"}\n")
		case "/404":
			w.WriteHeader(404)
			_, _ = io.WriteString(w, "not found\ndata: still parsed\n\n")
		}
	})
	r := mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
export default function () {
  const errs = [], events = [];
  let res = sse.open(__ENV.URL + '/500', (c) => {
    c.on('event', (e) => events.push(e.data));
    c.on('error', (e) => errs.push(e.error()));
  });
  eq(res.status, 500, '500 status');
  eq(res.error, '', 'no error for a 5xx');
  eq(errs, ['unknown event: {"error":"boom"}\n'], '500 error events');
  eq(events, [], '500 events');
  res = sse.open(__ENV.URL + '/404', (c) => {
    c.on('event', (e) => events.push(e.data));
    c.on('error', (e) => errs.push(e.error()));
  });
  eq(res.status, 404, '404 status');
  eq(errs.slice(1), ['unknown event: not found\n'], '404 error events');
  eq(events, ['still parsed'], '404 events');
}
`, "-e", "URL="+url)
	status := map[string]int{}
	for _, s := range r.Of("http_reqs") {
		status[s.Tags["status"]]++
		if s.Tags["error_code"] != "" {
			t.Errorf("xk6-sse sets no error_code tag: %v", s.Tags)
		}
	}
	if status["500"] != 1 || status["404"] != 1 {
		t.Errorf("http_reqs by status: %v", status)
	}
}

// A stream cut in the middle of its chunked body: the events before the
// cut are dispatched, then an 'error' event with Go's read error.
func TestCutStream(t *testing.T) {
	t.Parallel()
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		eventStream(w)
		write(w, "data: a\n\n", "data: half")
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
export default function () {
  const log = [];
  const res = sse.open(__ENV.URL, (c) => {
    c.on('event', (e) => log.push('event:' + e.data));
    c.on('error', (e) => { log.push('error:' + e.error()); c.close(); });
  });
  eq(log, ['event:a', 'error:unexpected EOF'], 'events then the cut');
  eq([res.status, res.error], [200, ''], 'response');
}
`, "-e", "URL="+url)
}

// client.close() from a handler ends sse.open at once, even on an endless
// stream.
func TestCloseFromHandler(t *testing.T) {
	t.Parallel()
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		eventStream(w)
		for i := 0; r.Context().Err() == nil; i++ {
			write(w, fmt.Sprintf("id: %d\ndata: tick\n\n", i))
			time.Sleep(5 * time.Millisecond)
		}
	})
	r := mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
export default function () {
  const ids = [];
  const t0 = Date.now();
  const res = sse.open(__ENV.URL, (c) => {
    c.on('event', (e) => { ids.push(e.id); if (ids.length === 3) c.close(); });
    c.on('error', (e) => exec.test.abort('unexpected error ' + e.error()));
  });
  eq(ids, ['0', '1', '2'], 'events until close');
  eq(res.status, 200, 'status');
  ok(Date.now() - t0 < 5000, 'close ends the stream');
}
`, "-e", "URL="+url)
	if n := len(r.Of("sse_event")); n != 3 {
		t.Errorf("sse_event: %d, want 3", n)
	}

	// close() inside the setup function: no events at all.
	mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
export default function () {
  let events = 0, opened = 0;
  const res = sse.open(__ENV.URL, (c) => { c.on('open', () => opened++); c.on('event', () => events++); c.close(); });
  eq([opened, events, res.status], [1, 0, 200], 'closed in setup');
}
`, "-e", "URL="+url)
}

// timeout covers the whole exchange: mid-stream it is an 'error' event (Go's
// read error), before the headers a connection failure.
func TestTimeout(t *testing.T) {
	t.Parallel()
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/no-headers" {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		eventStream(w)
		write(w, "data: first\n\n")
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
export default function () {
  const log = [];
  let res = sse.open(__ENV.URL + '/stall', { timeout: '300ms' }, (c) => {
    c.on('event', (e) => log.push(e.data));
    c.on('error', (e) => { log.push(e.error()); c.close(); });
  });
  eq(log, ['first', 'context deadline exceeded (Client.Timeout or context cancellation while reading body)'], 'mid-stream timeout');
  eq([res.status, res.error], [200, ''], 'response after a mid-stream timeout');
  res = sse.open(__ENV.URL + '/no-headers', { timeout: '300ms' }, (c) => c.on('error', () => exec.test.abort('handlers never see a connection error')));
  eq(res, { url: '', status: 0, headers: null,
    error: 'Get "' + __ENV.URL + '/no-headers": context deadline exceeded (Client.Timeout exceeded while awaiting headers)' }, 'timeout before the headers');
}
`, "-e", "URL="+url)
}

func TestConnectionFailure(t *testing.T) {
	t.Parallel()
	r := mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
export default function () {
  const res = sse.open('http://127.0.0.1:1/x', (c) => { exec.test.abort('setup runs only after a response'); });
  eq(res, { url: '', status: 0, headers: null,
    error: 'Get "http://127.0.0.1:1/x": dial tcp 127.0.0.1:1: connect: connection refused' }, 'refused');
}
`)
	checkHTTPSamples(t, r, "http://127.0.0.1:1/x", "")

	// With the throw option the same failure is thrown.
	mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1, throw: true };
export default function () {
  let msg = '';
  try { sse.open('http://127.0.0.1:1/x', () => {}); } catch (e) { msg = e.message; }
  eq(msg, 'Get "http://127.0.0.1:1/x": dial tcp 127.0.0.1:1: connect: connection refused', 'thrown');
}
`)
}

// Every argument error of §13, thrown as a GoError.
func TestArgumentErrors(t *testing.T) {
	t.Parallel()
	mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
function thrown(f) { try { f(); } catch (e) { return e.name + ': ' + e.message; } return 'no throw'; }
export default function () {
  const u = 'http://127.0.0.1:1/';
  eq(thrown(() => sse.open()), 'GoError: invalid number of arguments to sse.open', 'no arguments');
  eq(thrown(() => sse.open(u)), 'GoError: invalid number of arguments to sse.open', 'no function');
  eq(thrown(() => sse.open(u, {}, () => {}, 1)), 'GoError: invalid number of arguments to sse.open', 'four arguments');
  eq(thrown(() => sse.open(u, {})), 'GoError: last argument to sse.open must be a function', 'params last');
  eq(thrown(() => sse.open(u, {}, 'f')), 'GoError: last argument to sse.open must be a function', 'string last');
  eq(thrown(() => sse.open(u, { tags: { a: {} } }, () => {})),
    "GoError: invalid sse.open() metric tags: invalid value for metric tag 'a': only String, Boolean and Number types are accepted as a metric tag values", 'bad tag');
  eq(thrown(() => sse.open(u, { timeout: 'soon' }, () => {})), 'GoError: invalid sse.open() timeout: time: invalid duration "soon"', 'bad timeout');
  eq(thrown(() => sse.open(u, { timeout: 5000 }, () => {})), 'GoError: invalid sse.open() timeout: time: missing unit in duration "5000"', 'numeric timeout');
  eq(thrown(() => sse.open('http://[::1', () => {})), 'GoError: parse "http://[::1": missing \']\' in host', 'bad URL');
  eq(thrown(() => sse.open(u, { method: 'BAD METHOD' }, () => {})), 'GoError: net/http: invalid method "BAD METHOD"', 'bad method');
}
`)
	r := run(t, `
import sse from 'k6/x/sse';
sse.open('http://127.0.0.1:1/', () => {});
export default function () {}
`)
	if r.Code != 107 || !strings.Contains(r.Stderr, "using sse in the init context is not supported") {
		t.Errorf("init context: exit %d\n%s", r.Code, lastLines(r.Stderr, 5))
	}
}

// method, body, headers, tags and jar reach the server and the samples.
func TestRequestParams(t *testing.T) {
	t.Parallel()
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		cookies := []string{}
		for _, c := range r.Cookies() {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
		b, _ := json.Marshal(map[string]any{
			"method": r.Method, "body": string(body), "ua": r.Header.Get("User-Agent"), "accept": r.Header.Get("Accept"),
			"ctype": r.Header.Values("Content-Type"), "x": r.Header.Get("X-Custom"), "cookies": cookies, "proto": r.Proto,
		})
		http.SetCookie(w, &http.Cookie{Name: "set", Value: "by-server"})
		eventStream(w)
		write(w, "data: "+string(b)+"\n\n")
	})
	r := mustRun(t, `
import sse from 'k6/x/sse';
import http from 'k6/http';
export const options = { iterations: 1, userAgent: 'ua-test/1' };
function echo(params) {
  let got;
  const res = sse.open(__ENV.URL + '/echo', params, (c) => c.on('event', (e) => { got = JSON.parse(e.data); }));
  eq(res.status, 200, 'status');
  return got;
}
export default function () {
  let g = echo(null);
  eq([g.method, g.body, g.ua, g.accept, g.ctype, g.proto], ['GET', '', 'ua-test/1', 'text/event-stream', null, 'HTTP/1.1'], 'defaults');
  // The method is trimmed, not upper-cased: Go sends it as given.
  g = echo({ method: ' post ', body: '  {"a":1}\n', headers: { Accept: 'application/json', 'x-custom': 42 }, tags: { model: 'm1' }, other: 1 });
  eq([g.method, g.body, g.accept, g.x, g.ctype], ['post', '{"a":1}', 'application/json', '42', null], 'method, body, headers');
  g = echo({ headers: { 'User-Agent': 'mine' } });
  eq(g.ua, 'mine', 'user agent override');

  // The VU jar is the default: the server's Set-Cookie comes back.
  eq(echo({}).cookies, ['set=by-server'], 'VU jar');
  const jar = new http.CookieJar();
  jar.set(__ENV.URL, 'own', 'jar');
  eq(echo({ jar: jar }).cookies, ['own=jar'], 'own jar');
  eq(jar.cookiesForURL(__ENV.URL).set, ['by-server'], 'own jar stores the response cookies');
}
`, "-e", "URL="+url)
	tagged := 0
	for _, s := range r.Samples {
		if s.Tags["model"] == "m1" {
			tagged++
		}
	}
	// One sse_event, two http_req_sending, http_reqs and http_req_duration.
	if tagged != 5 {
		t.Errorf("samples tagged by params.tags: %d, want 5", tagged)
	}
}

// A handler's exception propagates out of sse.open.
func TestHandlerException(t *testing.T) {
	t.Parallel()
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		eventStream(w)
		write(w, "data: a\n\n", "bad line\n", "data: b\n\n")
	})
	mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
export default function () {
  let msg = '';
  try {
    sse.open(__ENV.URL, (c) => c.on('event', (e) => { throw new Error('from handler ' + e.data); }));
  } catch (e) { msg = String(e); }
  eq(msg, 'Error: from handler a', 'event handler');
  msg = '';
  try {
    sse.open(__ENV.URL, (c) => c.on('error', (e) => { throw e; }));
  } catch (e) { msg = e.error(); }
  eq(msg, 'unknown event: bad line\n', 'rethrown error event (llama.cpp style)');
  msg = '';
  try { sse.open(__ENV.URL, () => { throw new Error('in setup'); }); } catch (e) { msg = e.message; }
  eq(msg, 'in setup', 'setup function');
}
`, "-e", "URL="+url)
}

// The end of the VU (here the scenario's hard stop) ends sse.open: on an
// endless stream, and after a read error whose handler did not close the
// client (xk6-sse then waits for close() or the VU's end).
func TestVUEndStopsOpen(t *testing.T) {
	t.Parallel()
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		eventStream(w)
		if r.URL.Path == "/cut" {
			write(w, "data: a\n\n")
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		for r.Context().Err() == nil {
			write(w, "data: tick\n\n")
			time.Sleep(10 * time.Millisecond)
		}
	})
	for _, path := range []string{"/endless", "/cut"} {
		start := time.Now()
		r := mustRun(t, `
import sse from 'k6/x/sse';
import { Counter } from 'k6/metrics';
const errors = new Counter('errors');
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s' } } };
export default function () {
  sse.open(__ENV.URL, (c) => c.on('error', () => errors.add(1)));
}
`, "-e", "URL="+url+path)
		took := time.Since(start)
		if took > 10*time.Second {
			t.Errorf("%s: the run took %v", path, took)
		}
		wantErrors := 0
		if path == "/cut" {
			wantErrors = 1 // one open, waiting after its error until the VU ends
		}
		if n := len(r.Of("errors")); n != wantErrors {
			t.Errorf("%s: %d error events, want %d", path, n, wantErrors)
		}
		if warned := strings.Contains(r.Stderr, "no 'error' handler called client.close()"); warned != (path == "/cut") {
			t.Errorf("%s: warning printed: %v\n%s", path, warned, lastLines(r.Stderr, 5))
		}
		// As k6 (PushIfNotDone), the open cut by the VU's end emits nothing
		// after it: no http_reqs, one http_req_sending.
		if n, m := len(r.Of("http_reqs")), len(r.Of("http_req_sending")); n != 0 || m != 1 {
			t.Errorf("%s: %d http_reqs (want 0), %d http_req_sending (want 1)", path, n, m)
		}
	}
}

// The ip system tag when enabled, the raw URL (credentials not masked) in
// the url tag, VU tags, and the wire bytes counted by the VU's dialer.
func TestTagsAndBytes(t *testing.T) {
	t.Parallel()
	payload := strings.Repeat("x", 5000)
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		eventStream(w)
		write(w, "data: "+payload+"\n\n")
	})
	withCreds := strings.Replace(url, "http://", "http://user:secret@", 1) + "/s"
	r := mustRun(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1, tags: { run: 'r1' } };
export default function () {
  let size = 0;
  sse.open(__ENV.URL, (c) => c.on('event', (e) => { size = e.data.length; }));
  eq(size, 5000, 'payload');
}
`, "-e", "URL="+withCreds, "--system-tags", "url,status,ip,scenario")
	ev := r.Of("sse_event")
	if len(ev) != 1 {
		t.Fatalf("sse_event: %d samples", len(ev))
	}
	want := map[string]string{"url": withCreds, "status": "200", "ip": "127.0.0.1", "scenario": "default", "run": "r1"}
	for k, v := range want {
		if ev[0].Tags[k] != v {
			t.Errorf("tag %s = %q, want %q (all: %v)", k, ev[0].Tags[k], v, ev[0].Tags)
		}
	}
	var sent, received float64
	for _, s := range r.Of("data_sent") {
		sent += s.Value
	}
	for _, s := range r.Of("data_received") {
		received += s.Value
	}
	if sent < 50 || received < 5000 {
		t.Errorf("data_sent %v, data_received %v: the wire bytes of the stream are not counted", sent, received)
	}
}

// Over TLS the stream is HTTP/1.1 even when the server offers h2 (xk6-sse
// forces ALPN http/1.1), with the VU's TLS options.
func TestTLSForcesHTTP1(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		eventStream(w)
		write(w, "data: "+r.Proto+"\n\n")
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	mustRun(t, `
import sse from 'k6/x/sse';
import http from 'k6/http';
export const options = { iterations: 1, insecureSkipTLSVerify: true };
export default function () {
  eq(http.get(__ENV.URL).proto, 'HTTP/2.0', 'k6/http negotiates h2 with this server');
  let proto = '', rx = 0;
  const res = sse.open(__ENV.URL, (c) => c.on('event', (e) => { proto = e.data; rx = e.receivedAt; }));
  eq([res.status, proto], [200, 'HTTP/1.1'], 'sse over TLS');
  ok(rx > Date.now() - 60000 && rx <= Date.now() + 1, 'receivedAt over TLS: ' + rx);
}
`, "-e", "URL="+srv.URL)
	r := run(t, `
import sse from 'k6/x/sse';
export const options = { iterations: 1 };
export default function () {
  const res = sse.open(__ENV.URL, () => {});
  ok(res.status === 0 && res.error.indexOf('x509') >= 0, 'an unknown CA fails the connection: ' + res.error);
}
`, "-e", "URL="+srv.URL)
	if r.Code != 0 {
		t.Errorf("exit %d\n%s", r.Code, lastLines(r.Stderr, 5))
	}
}

// TestModuleAsksForReceiveStamps: importing k6/x/sse makes the VU's
// connections keep kernel receive stamps, so events carry receivedAt.
func TestModuleAsksForReceiveStamps(t *testing.T) {
	v := modulestest.New(t)
	n := netx.New(nil)
	v.Init.Net = n
	v.Load(t, xsse.New(), "sse")
	if !n.ReceiveStamps() {
		t.Error("k6/x/sse's instance did not ask the VU's handle for receive stamps")
	}
}
