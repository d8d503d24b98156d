package k6http_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

// echoServer answers /echo with what it received (method, headers, body),
// /status/N with status N, /slow after a second, /gzip a gzipped body,
// /redirect/N with N 302s ending at /echo, /cookie setting a cookie.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		hdr := map[string]string{}
		for k, v := range r.Header {
			hdr[k] = strings.Join(v, ",")
		}
		out, _ := json.Marshal(map[string]any{"method": r.Method, "body": string(b), "headers": hdr, "host": r.Host, "cl": r.ContentLength})
		_, _ = w.Write(out)
	})
	mux.HandleFunc("/status/", func(w http.ResponseWriter, r *http.Request) {
		var code int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/status/"), "%d", &code)
		w.WriteHeader(code)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
		}
		_, _ = io.WriteString(w, "late")
	})
	mux.HandleFunc("/sleep", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-r.Context().Done():
		}
		_, _ = io.WriteString(w, "slept")
	})
	mux.HandleFunc("/stall-body", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		_, _ = io.WriteString(w, "part")
		w.(http.Flusher).Flush()
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = io.WriteString(zw, `{"unzipped":true}`)
		_ = zw.Close()
	})
	mux.HandleFunc("/redirect/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/redirect/"), "%d", &n)
		if n <= 1 {
			http.Redirect(w, r, "/echo", http.StatusFound)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/redirect/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/cookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1", Path: "/"})
		w.WriteHeader(200)
	})
	mux.HandleFunc("/multipart", func(w http.ResponseWriter, r *http.Request) {
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		var parts []string
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			parts = append(parts, fmt.Sprintf("%s|%s|%s|%s", p.FormName(), p.FileName(), p.Header.Get("Content-Type"), b))
		}
		_, _ = io.WriteString(w, strings.Join(parts, ";"))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestResponse(t *testing.T) {
	t.Parallel()
	ts := echoServer(t)
	r := mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  const res = http.post(__ENV.BASE + '/echo', 'hello', { headers: { 'x-custom': 'v', 'Content-Length': '99' } });
  eq(res.status, 200, 'status');
  eq(res.status_text, '200 OK', 'status_text');
  eq(res.proto, 'HTTP/1.1', 'proto');
  eq(res.headers['Content-Type'], 'application/json', 'canonical header');
  eq(res.headers['content-type'], undefined, 'exact-case lookup');
  eq(res.headers['X-Multi'], 'a, b', 'joined values');
  eq(res.json('method'), 'POST', 'method');
  eq(res.json('body'), 'hello', 'body sent as is');
  eq(res.json('cl'), 5, 'user Content-Length ignored');
  eq(res.json('headers.X-Custom'), 'v', 'user header canonicalised');
  eq(res.json('headers.Content-Type'), undefined, 'no Content-Type for a string body');
  eq(res.json('headers.Accept-Encoding'), undefined, 'no Accept-Encoding');
  ok(/^llmbench\/\S+ \(compatible; Grafana k6\/1\.8\.1\)$/.test(res.json('headers.User-Agent')), 'User-Agent ' + res.json('headers.User-Agent'));
  eq(res.url, __ENV.BASE + '/echo', 'url');
  eq(res.remote_ip, '127.0.0.1', 'remote_ip');
  eq(String(res.remote_port), __ENV.BASE.split(':')[2], 'remote_port');
  eq(res.error, '', 'error');
  eq(res.error_code, 0, 'error_code');
  eq(res.tls_version, '', 'tls_version');
  const t = res.timings;
  ok(Math.abs(t.duration - (t.sending + t.waiting + t.receiving)) < 1e-9, 'duration = sending+waiting+receiving ' + JSON.stringify(t));
  ok(t.connecting > 0 && t.blocked >= t.connecting, 'a new connection is blocked and connecting ' + JSON.stringify(t));
  eq(t.looking_up, 0, 'looking_up');
  eq(res.request.method, 'POST', 'request.method');
  eq(res.request.body, 'hello', 'request.body');
  eq(res.request.headers['X-Custom'], ['v'], 'request.headers');
  eq(res.request.headers['Content-Length'], undefined, 'request.headers without Content-Length');
  eq(res.json(), JSON.parse(res.body), 'json() parses the body');
  eq(res.json('nope.deeper'), undefined, 'missing path');
  eq(Object.keys(res), ['status', 'status_text', 'proto', 'headers', 'cookies', 'body', 'url', 'remote_ip', 'remote_port',
    'timings', 'tls_version', 'tls_cipher_suite', 'ocsp', 'error', 'error_code', 'request'], 'keys in order');
  ok(res.headers === res.headers && res.timings === res.timings, 'objects keep their identity');
  eq(typeof res.json, 'function', 'json is a method');
  res.mine = 1; res.status = 299;
  eq([res.mine, res.status, JSON.parse(JSON.stringify(res)).mine], [1, 299, 1], 'assignable');
  const again = http.get(__ENV.BASE + '/echo');
  eq(again.timings.connecting, 0, 'reused connection: connecting 0');
  eq(again.timings.tls_handshaking, 0, 'reused connection: tls 0');
}`, "-e", "BASE="+ts.URL)
	reqs := r.Of("http_reqs")
	if len(reqs) != 2 {
		t.Fatalf("%d http_reqs samples, want 2", len(reqs))
	}
	tags := reqs[0].Tags
	want := map[string]string{"method": "POST", "url": ts.URL + "/echo", "name": ts.URL + "/echo", "status": "200",
		"proto": "HTTP/1.1", "expected_response": "true", "scenario": "default", "group": ""}
	for k, v := range want {
		if tags[k] != v {
			t.Errorf("tag %s = %q, want %q (tags %v)", k, tags[k], v, tags)
		}
	}
	for _, k := range []string{"error", "error_code", "tls_version", "vu", "iter", "ip"} {
		if _, ok := tags[k]; ok {
			t.Errorf("tag %s set on a plain successful request: %v", k, tags)
		}
	}
	for _, m := range []string{"http_req_duration", "http_req_blocked", "http_req_connecting", "http_req_tls_handshaking",
		"http_req_sending", "http_req_waiting", "http_req_receiving", "http_req_failed"} {
		if n := len(r.Of(m)); n != 2 {
			t.Errorf("%d %s samples, want 2", n, m)
		}
	}
	if !strings.Contains(r.Stdout, "{ expected_response:true }") {
		t.Errorf("summary lacks the expected_response line:\n%s", r.Stdout)
	}
}

func TestBodies(t *testing.T) {
	t.Parallel()
	ts := echoServer(t)
	mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  let res = http.post(__ENV.BASE + '/echo', { b: 'x y', a: [1, 2], c: null, d: 1.5, e: true });
  eq(res.json('body'), 'a=1&a=2&b=x+y&c=%3Cnil%3E&d=1.5&e=true', 'form body, sorted keys');
  eq(res.json('headers.Content-Type'), 'application/x-www-form-urlencoded', 'form content type');
  res = http.post(__ENV.BASE + '/echo', { a: '1' }, { headers: { 'Content-Type': 'text/custom' } });
  eq(res.json('headers.Content-Type'), 'text/custom', 'user Content-Type wins');
  const bytes = new Uint8Array([104, 105]).buffer;
  res = http.put(__ENV.BASE + '/echo', bytes);
  eq(res.json('body'), 'hi', 'ArrayBuffer body');
  eq(res.json('method'), 'PUT', 'put');
  res = http.post(__ENV.BASE + '/echo');
  eq(res.json('cl'), 0, 'POST without a body sends Content-Length 0');
  res = http.request('delete', __ENV.BASE + '/echo');
  eq(res.json('method'), 'delete', 'request() keeps the method as given');
  res = http.del(__ENV.BASE + '/echo');
  eq(res.json('method'), 'DELETE', 'del');
  res = http.post(__ENV.BASE + '/multipart', { field: 'v', upload: http.file('content', 'a "b".txt', 'text/plain') });
  eq(res.body, 'field|||v;upload|a "b".txt|text/plain|content', 'multipart parts');
  const f = http.file('x');
  eq(f.content_type, 'application/octet-stream', 'file() default content type');
  ok(/^[0-9]{16,}$/.test(f.filename), 'file() default name is Unix ns: ' + f.filename);
  res = http.post(__ENV.BASE + '/echo', 'zip me', { compression: 'gzip' });
  eq(res.json('headers.Content-Encoding'), 'gzip', 'compression header');
  eq(res.request.headers['Content-Encoding'], ['gzip'], 'request.headers has Content-Encoding');
  eq(res.request.body, 'zip me', 'request.body is the uncompressed body');
  res = http.get(__ENV.BASE + '/gzip');
  eq(res.json('unzipped'), true, 'gzip response decoded');
  eq(res.headers['Content-Encoding'], 'gzip', 'headers keep Content-Encoding');
  res = http.get(__ENV.BASE + '/echo', { responseType: 'binary' });
  ok(res.body instanceof ArrayBuffer, 'binary body is an ArrayBuffer');
  res = http.get(__ENV.BASE + '/echo', { responseType: 'none' });
  eq(res.body, null, 'responseType none');
  res = http.get(__ENV.BASE + '/status/204');
  eq(res.body, null, '204 has a null body');
  let err = '';
  try { http.get(__ENV.BASE + '/status/204').json(); } catch (e) { err = e.message; }
  ok(err.startsWith('the body is null so we can'), 'json() of a null body: ' + err);
  try { http.post(__ENV.BASE + '/echo', 'x', { compression: 'lz4' }); } catch (e) { err = e.message; }
  res = http.post(__ENV.BASE + '/echo', 'x', { compression: 'lz4' });
  eq(res.error, 'unknown compression algorithm lz4, supported algorithms are [gzip deflate zstd br]', 'bad compression');
  eq(res.status, 0, 'bad compression status');
  res = http.get(__ENV.BASE + '/status/200', { responseType: 'weird' });
  eq(res.error, 'weird does not belong to ResponseType values', 'bad responseType');
}`, "-e", "BASE="+ts.URL)
}

func TestJSONErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Query().Get("b"))
	}))
	t.Cleanup(srv.Close)
	mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
function jsonErr(body) {
  try { http.get(__ENV.BASE + '/?b=' + encodeURIComponent(body)).json(); } catch (e) { return e.message; }
  return '';
}
export default function () {
  eq(jsonErr('{"a":\n  x}'), 'cannot parse json due to an error at line 2, character 3 , error: invalid character \'x\' looking for beginning of value', 'syntax error position');
  eq(jsonErr(''), 'cannot parse json due to an error at line 1, character 0 , error: unexpected end of JSON input', 'empty body');
  eq(http.get(__ENV.BASE + '/?b=' + encodeURIComponent('{bad')).json('a'), undefined, 'selector on invalid JSON');
  const r = http.get(__ENV.BASE + '/?b=' + encodeURIComponent('{"items":[{"n":"a"},{"n":"b"}],"v":null}'));
  eq(r.json('items.#'), 2, 'gjson length');
  eq(r.json('items.#.n'), ['a', 'b'], 'gjson array path');
  eq(r.json('items.1.n'), 'b', 'gjson index');
  eq(r.json('v'), null, 'JSON null');
}`, "-e", "BASE="+srv.URL)
}

// TestTimeoutPerRequest: the VU goroutine's requests share one timeout
// context and timer, so each request must get its own full timeout, a
// timed-out request must not doom the next one, and the body's read is
// under the timeout too (k6: the whole request, 1050).
func TestTimeoutPerRequest(t *testing.T) {
	t.Parallel()
	ts := echoServer(t)
	r := mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 2 };
export default function () {
  for (let i = 0; i < 3; i++) {
    // 3 × 150 ms > 400 ms: a timer not re-armed per request cuts the third.
    const res = http.get(__ENV.BASE + '/sleep?ms=150', { timeout: '400ms' });
    eq([res.status, res.error_code], [200, 0], 'request ' + i + ' under its own timeout');
  }
  let res = http.get(__ENV.BASE + '/sleep?ms=1000', { timeout: '100ms' });
  eq([res.status, res.error_code], [0, 1050], 'timed out');
  ok(res.timings.duration < 900, 'cut at its timeout: ' + res.timings.duration);
  res = http.get(__ENV.BASE + '/echo', { timeout: '1s' });
  eq([res.status, res.error_code], [200, 0], 'the request after a timeout');
  res = http.get(__ENV.BASE + '/stall-body', { timeout: '200ms' });
  eq([res.status, res.error, res.error_code], [0, 'request timeout', 1050], 'stalled body');
  res = http.get(__ENV.BASE + '/echo');
  eq([res.status, res.error_code], [200, 0], 'default timeout after a timeout');
}`, "-e", "BASE="+ts.URL)
	codes := map[string]int{}
	for _, s := range r.Of("http_reqs") {
		codes[s.Tags["error_code"]]++
	}
	if codes["1050"] != 4 || codes[""] != 10 {
		t.Errorf("http_reqs by error_code %v, want 4 timeouts and 10 answers over 2 iterations", codes)
	}
}

// TestCookiesResetPerIteration: as k6, each iteration starts with an
// empty jar (a jar no cookie reached is kept, and must still be empty);
// noCookiesReset keeps one jar across iterations.
func TestCookiesResetPerIteration(t *testing.T) {
	t.Parallel()
	ts := echoServer(t)
	script := `
import http from 'k6/http';
export const options = { iterations: 4, noCookiesReset: __ENV.KEEP === '1' };
const cookie = () => http.get(__ENV.BASE + '/echo').json('headers.Cookie') || '';
export default function () {
  const keep = __ENV.KEEP === '1';
  switch (__ITER) {
  case 0:
    eq(cookie(), '', 'a new jar');
    break;
  case 1:
    eq(cookie(), '', 'a kept unused jar');
    http.get(__ENV.BASE + '/cookie');
    eq(cookie(), 'session=s1', 'the cookie within its iteration');
    break;
  default:
    eq(cookie(), keep ? 'session=s1' : '', 'the next iteration');
  }
}`
	for _, keep := range []string{"0", "1"} {
		mustRun(t, script, "-e", "BASE="+ts.URL, "-e", "KEEP="+keep)
	}
}

func TestErrorsAndCodes(t *testing.T) {
	t.Parallel()
	ts := echoServer(t)
	r := mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  let res = http.get(__ENV.BASE + '/slow', { timeout: '200ms' });
  eq([res.status, res.error, res.error_code, res.body], [0, 'request timeout', 1050, null], 'timeout');
  ok(res.timings.duration < 1000, 'timeout bounds the request');
  res = http.get(__ENV.BASE + '/slow', { timeout: 150 });
  eq(res.error_code, 1050, 'numeric timeout in ms');
  res = http.get('http://127.0.0.1:1/');
  eq([res.status, res.error, res.error_code], [0, 'dial: connection refused', 1212], 'refused');
  eq([res.status_text, res.proto, res.remote_ip, res.remote_port], ['', '', '', 0], 'error response fields');
  res = http.get(__ENV.BASE + '/status/404');
  eq([res.status, res.error, res.error_code], [404, '', 1404], '404');
  res = http.get(__ENV.BASE + '/status/503');
  eq(res.error_code, 1503, '503');
  res = http.get('::not a url');
  eq([res.status, res.error_code], [0, 1020], 'invalid URL');
  ok(res.error.startsWith('invalid URL: '), 'invalid URL message ' + res.error);
  res = http.get(__ENV.BASE + '/echo', { tags: { bad: {} } });
  eq(res.error, "invalid HTTP request metric tags: invalid value for metric tag 'bad': only String, Boolean and Number types are accepted as a metric tag values", 'bad tag');
  res = http.get(__ENV.BASE + '/echo', { timeout: 'soon' });
  ok(res.error.startsWith('invalid timeout value'), 'bad timeout: ' + res.error);
  res = http.get(__ENV.BASE + '/echo', { responseCallback: 5 });
  eq(res.error, 'unsupported responseCallback', 'bad responseCallback');
  let thrown = '';
  try { http.get('http://127.0.0.1:1/', { throw: true }); } catch (e) { thrown = e.name + ': ' + e.message; }
  ok(thrown.startsWith('GoError: Get "http://127.0.0.1:1/": dial tcp'), 'throw: ' + thrown);
  thrown = '';
  try { http.get(__ENV.BASE + '/status/500', { throw: true }); } catch (e) { thrown = e.message; }
  eq(thrown, '', 'a 500 never throws');
}`, "-e", "BASE="+ts.URL)
	byCode := map[string]sample{}
	for _, s := range r.Of("http_reqs") {
		byCode[s.Tags["error_code"]] = s
	}
	if s := byCode["1050"]; s.Tags["error"] != "request timeout" || s.Tags["status"] != "0" {
		t.Errorf("timeout sample tags %v", s.Tags)
	}
	if s := byCode["1212"]; s.Tags["error"] != "dial: connection refused" {
		t.Errorf("refused sample tags %v", s.Tags)
	}
	if s := byCode["1404"]; s.Tags["status"] != "404" || s.Tags["error"] != "" || s.Tags["expected_response"] != "false" {
		t.Errorf("404 sample tags %v", s.Tags)
	}
	// Parse errors emit nothing: 2 timeouts, 2 refused, 404, 503, 500.
	if n := len(r.Of("http_reqs")); n != 7 {
		t.Errorf("%d http_reqs samples, want 7 (parse errors emit none)", n)
	}
	if !strings.Contains(r.Stderr, `msg="Request Failed" error="Get \"http://127.0.0.1:1/\": dial tcp 127.0.0.1:1: connect: connection refused"`) {
		t.Errorf("no Request Failed warning with Go's error:\n%s", r.Stderr)
	}
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	ts := echoServer(t)
	r := mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  let res = http.get(__ENV.BASE + '/redirect/3');
  eq([res.status, res.url], [200, __ENV.BASE + '/echo'], 'followed');
  eq(res.request.url, __ENV.BASE + '/redirect/3', 'request.url is the first URL');
  res = http.post(__ENV.BASE + '/redirect/1', 'payload');
  eq([res.json('method'), res.json('body')], ['GET', ''], '302 turns a POST into a GET without a body');
  res = http.get(__ENV.BASE + '/redirect/2', { redirects: 0 });
  eq([res.status, res.headers['Location']], [302, '/redirect/1'], 'redirects: 0 returns the 3xx');
  res = http.get(__ENV.BASE + '/redirect/12');
  eq(res.status, 302, 'stopped after the default 10');
}`, "-e", "BASE="+ts.URL)
	// 4 hops + 2 hops + 1 + 11 = 18 samples, one per hop.
	if n := len(r.Of("http_reqs")); n != 18 {
		t.Errorf("%d http_reqs samples, want 18 (one per hop)", n)
	}
	if !strings.Contains(r.Stderr, "Stopped after 11 redirects and returned the redirection; pass { redirects: n } in request params or set global maxRedirects to silence this") {
		t.Errorf("no redirect-limit warning:\n%s", lastLines(r.Stderr, 10))
	}
	hops := map[string]int{}
	for _, s := range r.Of("http_reqs") {
		hops[s.Tags["url"]+" "+s.Tags["status"]]++
	}
	if hops[ts.URL+"/redirect/3 302"] != 2 || hops[ts.URL+"/redirect/2 302"] != 3 || hops[ts.URL+"/redirect/1 302"] != 2 || hops[ts.URL+"/echo 200"] != 2 {
		t.Errorf("hop tags %v", hops)
	}
}

func TestCookies(t *testing.T) {
	t.Parallel()
	ts := echoServer(t)
	mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 2, vus: 1 };
export default function () {
  let res = http.get(__ENV.BASE + '/echo');
  eq(res.json('headers.Cookie'), undefined, 'the jar is empty at the start of every iteration');
  res = http.get(__ENV.BASE + '/cookie');
  eq(res.cookies.session[0].value, 's1', 'response cookies');
  eq(res.cookies.session[0].expires, -6795364578871, 'no Expires: Go zero time in ms');
  res = http.get(__ENV.BASE + '/echo');
  eq(res.json('headers.Cookie'), 'session=s1', 'jar cookie sent');
  res = http.get(__ENV.BASE + '/echo', { cookies: { extra: 'e', session: { value: 'mine', replace: true } } });
  eq(res.json('headers.Cookie'), 'extra=e; session=mine', 'params cookies, replace');
  res = http.get(__ENV.BASE + '/echo', { cookies: { session: 'also' } });
  eq(res.json('headers.Cookie'), 'session=s1; session=also', 'params cookies added without replace');
  const jar = http.cookieJar();
  eq(jar.cookiesForURL(__ENV.BASE + '/'), { session: ['s1'] }, 'cookiesForURL');
  jar.set(__ENV.BASE, 'k', 'v');
  eq(http.get(__ENV.BASE + '/echo').json('headers.Cookie'), 'session=s1; k=v', 'jar.set');
  jar.delete(__ENV.BASE, 'k');
  const own = new http.CookieJar();
  own.set(__ENV.BASE, 'only', 'mine');
  eq(http.get(__ENV.BASE + '/echo', { jar: own }).json('headers.Cookie'), 'only=mine', 'params.jar replaces the VU jar');
  jar.clear(__ENV.BASE);
  eq(http.get(__ENV.BASE + '/echo').json('headers.Cookie'), undefined, 'jar.clear');
}`, "-e", "BASE="+ts.URL)
}

func TestInitContext(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ code, want string }{
		{`http.get('http://127.0.0.1:1/')`, "Making http requests in the init context is not supported"},
		{`http.asyncRequest('GET', 'http://127.0.0.1:1/')`, "Making http requests in the init context is not supported"},
		{`http.batch(['http://127.0.0.1:1/'])`, "Using batch in the init context is not supported"},
		{`http.cookieJar()`, "Making cookie jars in the init context is not supported"},
	} {
		r := run(t, "import http from 'k6/http';\n"+tc.code+";\nexport default function () {}")
		if r.Code != 107 || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("%s: exit %d, want 107 with %q\n%s", tc.code, r.Code, tc.want, lastLines(r.Stderr, 5))
		}
	}
	// What init code may use.
	mustRun(t, `
import http from 'k6/http';
const u = http.url`+"`http://x/${1}`"+`;
const f = http.file('d', 'n');
const j = new http.CookieJar();
const cb = http.expectedStatuses(200, { min: 300, max: 302 });
http.setResponseCallback(cb);
eq([http.TLS_1_3, http.OCSP_STATUS_GOOD, http.OCSP_REASON_AA_COMPROMISE], ['tls1.3', 'good', 'aa_compromise'], 'constants');
export const options = { iterations: 1 };
export default function () {}`)
}

// TestExports: k6/http exports k6's 16 functions and 18 constants (the
// reference's §1), the same values by default object, named import and
// namespace.
func TestExports(t *testing.T) {
	t.Parallel()
	mustRun(t, `
import http, { get, OCSP_REASON_SUPERSEDED, del } from 'k6/http';
import * as ns from 'k6/http';
const fns = ['CookieJar', 'asyncRequest', 'batch', 'cookieJar', 'del', 'expectedStatuses', 'file', 'get', 'head', 'options', 'patch', 'post', 'put', 'request', 'setResponseCallback', 'url'];
const consts = {
  OCSP_REASON_AA_COMPROMISE: 'aa_compromise', OCSP_REASON_AFFILIATION_CHANGED: 'affiliation_changed', OCSP_REASON_CA_COMPROMISE: 'ca_compromise',
  OCSP_REASON_CERTIFICATE_HOLD: 'certificate_hold', OCSP_REASON_CESSATION_OF_OPERATION: 'cessation_of_operation', OCSP_REASON_KEY_COMPROMISE: 'key_compromise',
  OCSP_REASON_PRIVILEGE_WITHDRAWN: 'privilege_withdrawn', OCSP_REASON_REMOVE_FROM_CRL: 'remove_from_crl', OCSP_REASON_SUPERSEDED: 'superseded',
  OCSP_REASON_UNSPECIFIED: 'unspecified', OCSP_STATUS_GOOD: 'good', OCSP_STATUS_REVOKED: 'revoked', OCSP_STATUS_SERVER_FAILED: 'server_failed',
  OCSP_STATUS_UNKNOWN: 'unknown', TLS_1_0: 'tls1.0', TLS_1_1: 'tls1.1', TLS_1_2: 'tls1.2', TLS_1_3: 'tls1.3',
};
eq(Object.keys(http), [...Object.keys(consts), ...fns].sort(), 'the default object lists every export, sorted');
for (const f of fns) {
  eq(typeof http[f], 'function', 'typeof http.' + f);
  eq(ns[f] === http[f], true, 'ns.' + f + ' is http.' + f);
}
for (const [k, v] of Object.entries(consts)) eq(http[k], v, k);
eq(get === http.get && del === http.del, true, 'named imports are the default object\'s values');
eq(OCSP_REASON_SUPERSEDED, 'superseded', 'a named constant');
eq(http.nope, undefined, 'no other export');
export const options = { iterations: 1 };
export default function () {}`)
}

// TestBatch: results keep the input's shape; batchPerHost caps the
// requests in flight to one host.
func TestBatch(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	inFlight, peak := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		mu.Unlock()
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		_, _ = io.WriteString(w, r.Method+" "+r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	r := mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1, batchPerHost: 2 };
export default function () {
  const arr = http.batch([
    __ENV.BASE + '/a',
    ['POST', __ENV.BASE + '/b', 'x'],
    { method: 'put', url: __ENV.BASE + '/c', body: 'y' },
    { url: __ENV.BASE + '/d', body: 'dropped for GET' },
    http.url`+"`${__ENV.BASE}/e`"+`,
  ]);
  eq(arr.map((r) => r.body), ['GET /a', 'POST /b', 'PUT /c', 'GET /d', 'GET /e'], 'array batch');
  const obj = http.batch({ one: __ENV.BASE + '/1', two: ['GET', __ENV.BASE + '/2'] });
  eq([obj.one.body, obj.two.body], ['GET /1', 'GET /2'], 'object batch');
  let err = '';
  try { http.batch(); } catch (e) { err = e.message; }
  eq(err, 'no argument was provided to http.batch()', 'no argument');
  try { http.batch([['GET']]); } catch (e) { err = e.message; }
  ok(err.startsWith('invalid batch request'), 'short tuple: ' + err);
  try { http.batch([{ method: 'GET' }]); } catch (e) { err = e.message; }
  eq(err, "batch request 0 doesn't have a url key", 'no url');
  const many = [];
  for (let i = 0; i < 8; i++) many.push(__ENV.BASE + '/m' + i);
  http.batch(many);
}`, "-e", "BASE="+srv.URL, "--throw")
	mu.Lock()
	defer mu.Unlock()
	if peak != 2 {
		t.Errorf("batchPerHost 2: peak %d requests in flight to one host, want 2", peak)
	}
	if n := len(r.Of("http_reqs")); n != 15 {
		t.Errorf("%d http_reqs, want 15", n)
	}
}

func TestResponseCallbackAndURLTemplate(t *testing.T) {
	t.Parallel()
	ts := echoServer(t)
	r := mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  http.get(__ENV.BASE + '/status/404', { responseCallback: http.expectedStatuses(404) });
  http.get(__ENV.BASE + '/status/201', { responseCallback: http.expectedStatuses({ min: 200, max: 200 }) });
  http.get(http.url`+"`${__ENV.BASE}/status/${200}`"+`);
  http.get(__ENV.BASE + '/status/200', { tags: { name: 'named', method: 'ignored', mine: 1 } });
  http.setResponseCallback(null);
  http.get(__ENV.BASE + '/status/500');
  let err = '';
  try { http.setResponseCallback(undefined); } catch (e) { err = e.message; }
  eq(err, 'unsupported argument, expected http.expectedStatuses', 'undefined callback');
  try { http.expectedStatuses(); } catch (e) { err = e.message; }
  eq(err, 'no arguments', 'expectedStatuses()');
  try { http.expectedStatuses('x'); } catch (e) { err = e.message; }
  eq(err, 'argument number 1 to expectedStatuses was neither an integer nor an object like {min:100, max:329}', 'bad arg');
  try { http.expectedStatuses({ min: 1 }); } catch (e) { err = e.message; }
  eq(err, 'both min and max need to be integers for argument number 1', 'bad range');
}`, "-e", "BASE="+ts.URL)
	failed := r.Of("http_req_failed")
	if len(failed) != 4 {
		t.Fatalf("%d http_req_failed samples, want 4 (none after setResponseCallback(null))", len(failed))
	}
	if failed[0].Value != 0 || failed[1].Value != 1 || failed[2].Value != 0 {
		t.Errorf("http_req_failed values %v", failed)
	}
	reqs := r.Of("http_reqs")
	if got := reqs[2].Tags; got["name"] != "${}/status/${}" || got["url"] != "${}/status/${}" {
		t.Errorf("http.url tags name=%q url=%q, want the template", got["name"], got["url"])
	}
	if got := reqs[3].Tags; got["name"] != "named" || got["url"] != "named" || got["method"] != "GET" || got["mine"] != "1" {
		t.Errorf("tags.name: %v", got)
	}
	if _, ok := reqs[4].Tags["expected_response"]; ok {
		t.Errorf("expected_response tag with the callback off: %v", reqs[4].Tags)
	}
}

func TestAsyncRequest(t *testing.T) {
	t.Parallel()
	ts := echoServer(t)
	mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default async function () {
  const [a, b] = await Promise.all([
    http.asyncRequest('GET', __ENV.BASE + '/echo'),
    http.asyncRequest('POST', __ENV.BASE + '/echo', 'body'),
  ]);
  eq([a.status, a.json('method'), b.json('body')], [200, 'GET', 'body'], 'async results');
  const failed = await http.asyncRequest('GET', 'http://127.0.0.1:1/');
  eq(failed.error_code, 1212, 'a network error resolves with an error Response');
  let err = '';
  try { await http.asyncRequest('GET', 'http://127.0.0.1:1/', null, { throw: true }); } catch (e) { err = e.message; }
  ok(err.includes('connection refused'), 'throw rejects: ' + err);
}`, "-e", "BASE="+ts.URL)
}

func TestBasicAndDigestAuth(t *testing.T) {
	t.Parallel()
	const nonce = "abc123"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/basic":
			u, p, ok := r.BasicAuth()
			fmt.Fprintf(w, "%v %s %s", ok, u, p)
		case "/digest":
			a := r.Header.Get("Authorization")
			if !strings.HasPrefix(a, "Digest ") {
				w.Header().Set("WWW-Authenticate", `Digest realm="r", nonce="`+nonce+`", qop="auth"`)
				w.WriteHeader(401)
				return
			}
			if !checkDigest(a, "user", "pass", "r", r.Method) {
				w.WriteHeader(403)
				return
			}
			_, _ = io.WriteString(w, "digest ok")
		}
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	r := mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  eq(http.get('http://user:pass@' + __ENV.HOST + '/basic').body, 'true user pass', 'basic auth from the URL');
  const res = http.get('http://user:pass@' + __ENV.HOST + '/digest', { auth: 'digest' });
  eq([res.status, res.body], [200, 'digest ok'], 'digest');
}`, "-e", "HOST="+host)
	reqs := r.Of("http_reqs")
	if len(reqs) != 3 {
		t.Fatalf("%d http_reqs, want 3 (basic, digest challenge, digest answer)", len(reqs))
	}
	if u := reqs[0].Tags["url"]; u != "http://****:****@"+host+"/basic" {
		t.Errorf("url tag %q: credentials not masked", u)
	}
	if reqs[1].Tags["status"] != "401" || reqs[1].Tags["expected_response"] != "true" {
		t.Errorf("digest challenge hop: %v (401 is expected)", reqs[1].Tags)
	}
}

// TestTLSAndHTTP2 runs against a TLS server offering h2: proto HTTP/2.0
// over ALPN, the TLS fields, and an unknown CA as error 1310 unless
// insecureSkipTLSVerify is set.
func TestTLSAndHTTP2(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the unknown-CA case makes it log a handshake error
	srv.StartTLS()
	t.Cleanup(srv.Close)
	r := mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1, insecureSkipTLSVerify: true };
export default function () {
  const res = http.get(__ENV.BASE);
  eq([res.status, res.proto, res.body, res.tls_version], [200, 'HTTP/2.0', 'HTTP/2.0', 'tls1.3'], 'h2 over TLS');
  ok(res.tls_cipher_suite.startsWith('TLS_'), 'cipher suite ' + res.tls_cipher_suite);
  eq(res.ocsp.status, 'unknown', 'no stapled OCSP');
  ok(res.timings.tls_handshaking > 0, 'tls_handshaking');
}`, "-e", "BASE="+srv.URL)
	if tags := r.Of("http_reqs")[0].Tags; tags["proto"] != "HTTP/2.0" || tags["tls_version"] != "tls1.3" {
		t.Errorf("TLS tags %v", tags)
	}
	mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  const res = http.get(__ENV.BASE);
  eq([res.status, res.error, res.error_code], [0, 'x509: unknown authority', 1310], 'unknown CA');
}`, "-e", "BASE="+srv.URL)
}

// TestNetworkOptions: hosts maps a name, blockHostnames and blacklistIPs
// refuse, userAgent replaces the header, discardResponseBodies drops bodies.
func TestNetworkOptions(t *testing.T) {
	t.Parallel()
	ts := echoServer(t)
	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	mustRun(t, `
import http from 'k6/http';
export const options = {
  iterations: 1,
  hosts: { 'api.example.test': '127.0.0.1' },
  blockHostnames: ['*.blocked.test'],
  blacklistIPs: ['10.0.0.0/8'],
  userAgent: 'my-agent/1',
  discardResponseBodies: true,
};
export default function () {
  let res = http.get('http://api.example.test:' + __ENV.PORT + '/echo', { responseType: 'text' });
  eq(res.status, 200, 'hosts');
  eq(res.json('host'), 'api.example.test:' + __ENV.PORT, 'the Host header keeps the name');
  eq(res.json('headers.User-Agent'), 'my-agent/1', 'userAgent');
  res = http.get('http://api.example.test:' + __ENV.PORT + '/echo');
  eq(res.body, null, 'discardResponseBodies');
  res = http.get('http://x.blocked.test/');
  eq([res.error, res.error_code], ['hostname is blocked', 1111], 'blockHostnames');
  res = http.get('http://10.1.1.1/');
  eq([res.error, res.error_code], ['ip is blacklisted', 1110], 'blacklistIPs');
}`, "-e", "PORT="+port)
	r := run(t, `
import http from 'k6/http';
export const options = { iterations: 1, hosts: { 'a.test': 'not-an-ip' } };
export default function () {}`)
	if r.Code != 104 || !strings.Contains(r.Stderr, "hosts") {
		t.Errorf("bad hosts option: exit %d, want 104\n%s", r.Code, lastLines(r.Stderr, 3))
	}
}

// TestConnectionOptions: tlsVersion pins the version; noConnectionReuse
// makes every request connect; noVUConnectionReuse closes between
// iterations only.
func TestConnectionOptions(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1, insecureSkipTLSVerify: true, tlsVersion: http.TLS_1_2, noConnectionReuse: true };
export default function () {
  const a = http.get(__ENV.BASE), b = http.get(__ENV.BASE);
  eq([a.tls_version, a.proto], ['tls1.2', 'HTTP/1.1'], 'tlsVersion');
  ok(b.timings.connecting > 0 && b.timings.tls_handshaking > 0, 'noConnectionReuse: the second request connects ' + JSON.stringify(b.timings));
}`, "-e", "BASE="+srv.URL)
	mustRun(t, `
import http from 'k6/http';
export const options = { vus: 1, iterations: 2, insecureSkipTLSVerify: true, noVUConnectionReuse: true };
export default function () {
  const a = http.get(__ENV.BASE), b = http.get(__ENV.BASE);
  ok(a.timings.tls_handshaking > 0, 'noVUConnectionReuse: each iteration connects');
  eq(b.timings.tls_handshaking, 0, 'noVUConnectionReuse: reuse within an iteration');
}`, "-e", "BASE="+srv.URL)
	mustRun(t, `
import http from 'k6/http';
export const options = { vus: 1, iterations: 2, insecureSkipTLSVerify: true };
export default function () {
  const a = http.get(__ENV.BASE);
  if (__ITER === 1) eq(a.timings.tls_handshaking, 0, 'connections persist across iterations by default');
}`, "-e", "BASE="+srv.URL)
}

// TestTimingsFollowTheServer: a server that waits 80 ms before answering
// and 60 ms between two halves of the body gives waiting and receiving of
// about those (lower bounds with room for a loaded machine's late reads); http_req_duration is their sum with sending, and a
// redirect hop's receiving ends where the next hop starts.
func TestTimingsFollowTheServer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hop" {
			http.Redirect(w, r, "/", http.StatusFound)
			return
		}
		time.Sleep(80 * time.Millisecond)
		_, _ = io.WriteString(w, "first half ")
		w.(http.Flusher).Flush()
		time.Sleep(60 * time.Millisecond)
		_, _ = io.WriteString(w, "second half")
	}))
	t.Cleanup(srv.Close)
	r := mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  const res = http.get(__ENV.BASE + '/hop');
  const t = res.timings;
  eq(res.body, 'first half second half', 'body');
  ok(t.waiting >= 60 && t.waiting < 1000, 'waiting ' + t.waiting);
  ok(t.receiving >= 40 && t.receiving < 1000, 'receiving ' + t.receiving);
  ok(Math.abs(t.duration - t.sending - t.waiting - t.receiving) < 1e-9, 'duration');
}`, "-e", "BASE="+srv.URL)
	d := r.Of("http_req_duration")
	if len(d) != 2 || d[0].Value > 50 || d[1].Value < 120 {
		t.Errorf("http_req_duration per hop %v, want the redirect short and the last hop ≥ 140 ms", d)
	}
	w := r.Of("http_req_waiting")
	if len(w) != 2 || w[1].Value < 60 {
		t.Errorf("http_req_waiting %v", w)
	}
}

// TestDecompression: every coding k6 decodes, stacked codings decoded
// right to left, and a corrupt body as error 1701.
func TestDecompression(t *testing.T) {
	t.Parallel()
	const text = `{"decoded":"yes"}`
	enc := func(coding string, b []byte) []byte {
		var buf bytes.Buffer
		var w io.WriteCloser
		switch coding {
		case "gzip":
			w = gzip.NewWriter(&buf)
		case "deflate":
			w = zlib.NewWriter(&buf)
		case "br":
			w = brotli.NewWriter(&buf)
		case "zstd":
			w, _ = zstd.NewWriter(&buf)
		}
		_, _ = w.Write(b)
		_ = w.Close()
		return buf.Bytes()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		codings := r.URL.Query().Get("c")
		body := []byte(text)
		if codings == "corrupt" {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write([]byte("not gzip at all"))
			return
		}
		for _, c := range strings.Split(codings, ",") {
			body = enc(c, body)
		}
		w.Header().Set("Content-Encoding", strings.ReplaceAll(codings, ",", ", "))
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	r := mustRun(t, `
import http from 'k6/http';
export const options = { iterations: 1 };
export default function () {
  for (const c of ['gzip', 'deflate', 'br', 'zstd', 'gzip,br', 'zstd,deflate']) {
    const res = http.get(__ENV.BASE + '/?c=' + c);
    eq([res.status, res.body], [200, '{"decoded":"yes"}'], 'Content-Encoding ' + c);
  }
  const bad = http.get(__ENV.BASE + '/?c=corrupt');
  eq(bad.error_code, 1701, 'corrupt body code');
  ok(bad.error.startsWith('error decompressing response body ('), 'corrupt body: ' + bad.error);
}`, "-e", "BASE="+srv.URL)
	if n := len(r.Of("http_reqs")); n != 7 {
		t.Errorf("%d http_reqs, want 7", n)
	}
}
