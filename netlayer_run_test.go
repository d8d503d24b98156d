package llm_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/cli"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/mock"
)

// countingServer is the mock behind a listener that counts the TCP
// connections it accepted and the bytes that crossed them both ways.
type countingServer struct {
	*httptest.Server
	conns         atomic.Int64
	read, written atomic.Int64
	mu            sync.Mutex
	open          map[net.Conn]bool
	maxOpen       int
}

func newCountingServer(t *testing.T, cfg mock.Config) *countingServer {
	t.Helper()
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingServer{open: map[net.Conn]bool{}}
	cs.Server = httptest.NewUnstartedServer(srv)
	cs.Server.Config.ConnState = func(c net.Conn, s http.ConnState) {
		cs.mu.Lock()
		defer cs.mu.Unlock()
		switch s {
		case http.StateNew:
			cs.conns.Add(1)
			cs.open[c] = true
			cs.maxOpen = max(cs.maxOpen, len(cs.open))
		case http.StateClosed, http.StateHijacked:
			delete(cs.open, c)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cs.Server.Listener = &countListener{Listener: ln, cs: cs}
	cs.Start()
	t.Cleanup(cs.Close)
	return cs
}

type countListener struct {
	net.Listener
	cs *countingServer
}

func (l *countListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countConn{Conn: c, cs: l.cs}, nil
}

type countConn struct {
	net.Conn
	cs *countingServer
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.cs.read.Add(int64(n))
	return n, err
}

func (c *countConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.cs.written.Add(int64(n))
	return n, err
}

func runScript(t *testing.T, script string, args ...string) (code int, stdout, stderr string, summary map[string]any) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "script.js")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "summary.json")
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), cli.Env{
		Args:   append(append([]string{"run", "-q", "--gpu", "none", "--summary-export", export}, args...), path),
		Stdout: &out, Stderr: &errb, Dir: dir,
	}, mods, nil)
	if b, err := os.ReadFile(export); err == nil {
		_ = json.Unmarshal(b, &summary)
	}
	return code, out.String(), errb.String(), summary
}

func metricValue(summary map[string]any, name, stat string) float64 {
	m, _ := summary["metrics"].(map[string]any)[name].(map[string]any)
	if m == nil {
		return -1
	}
	if v, ok := m["values"].(map[string]any); ok {
		m = v
	}
	f, _ := m[stat].(float64)
	return f
}

// TestClientPerIterationSharesTheVUConnection: a script that makes a new
// llm.Client in every iteration (5 VUs, 300 iterations) opens at most one
// connection per VU — the client borrows the VU's network handle — and
// data_sent/data_received are the wire bytes the server saw, not bodies.
func TestClientPerIterationSharesTheVUConnection(t *testing.T) {
	t.Parallel()
	cs := newCountingServer(t, mock.Config{OutputTokens: 4})
	script := `
import llm from 'k6/x/llm';
export const options = { vus: 5, iterations: 300 };
export default function () {
  const c = new llm.Client({ baseURL: __ENV.BASE });
  const r = c.chat({ messages: [{ role: 'user', content: 'hi' }] });
  if (!r.ok) throw new Error(r.error);
}`
	code, _, stderr, sum := runScript(t, script, "-e", "BASE="+cs.URL+"/v1")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if n := cs.conns.Load(); n > 5 {
		t.Errorf("300 requests from 5 VUs opened %d connections, want ≤ 5", n)
	}
	cs.Close()
	// Every byte the server read was sent by the VUs' handles, and the
	// other way round (the summary counts what crossed the wire).
	sent, recv := metricValue(sum, "data_sent", "count"), metricValue(sum, "data_received", "count")
	// They can differ by a request that net/http wrote on a keep-alive
	// connection the server was closing, and retried: the client's
	// counters saw those bytes, the server never read them.
	read, written := float64(cs.read.Load()), float64(cs.written.Load())
	if sent < read || sent > read*1.01 || recv < written*0.99 || recv > written {
		t.Errorf("data_sent %v, data_received %v; the server read %v and wrote %v bytes", sent, recv, read, written)
	}
}

// TestDataBytesPerIteration: data_sent and data_received are emitted once
// per iteration with the VU's tags only, as k6 does (no per-request tags).
func TestDataBytesPerIteration(t *testing.T) {
	t.Parallel()
	cs := newCountingServer(t, mock.Config{OutputTokens: 2})
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	script := `
import llm from 'k6/x/llm';
export const options = { vus: 1, iterations: 3 };
const c = new llm.Client({ baseURL: __ENV.BASE });
export default function () {
  c.chat({ messages: [{ role: 'user', content: 'a' }] });
  c.chat({ messages: [{ role: 'user', content: 'b' }] });
}`
	code, _, stderr, _ := runScript(t, script, "-e", "BASE="+cs.URL+"/v1", "--out", "json="+out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l struct {
			Type, Metric string
			Data         struct {
				Value float64
				Tags  map[string]string
			}
		}
		_ = json.Unmarshal(sc.Bytes(), &l)
		if l.Type != "Point" || l.Metric != "data_sent" {
			continue
		}
		n++
		if _, ok := l.Data.Tags["endpoint"]; ok {
			t.Errorf("data_sent carries request tags: %v", l.Data.Tags)
		}
		if l.Data.Value <= 0 {
			t.Errorf("data_sent %v in an iteration that sent two requests", l.Data.Value)
		}
	}
	if n != 3 {
		t.Errorf("%d data_sent samples for 3 iterations, want 3", n)
	}
}

// TestLLMClientUsesTheVUsTLSOptions: the network options apply to k6/x/llm
// too, since it sends through the VU's handle: against a TLS server with a
// self-signed certificate a chat fails unless insecureSkipTLSVerify is set,
// and hosts maps a name for it as for k6/http.
func TestLLMClientUsesTheVUsTLSOptions(t *testing.T) {
	t.Parallel()
	srv, err := mock.New(mock.Config{OutputTokens: 3})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	script := `
import llm from 'k6/x/llm';
export const options = { iterations: 1, hosts: { 'llm.example.test': '127.0.0.1' }, insecureSkipTLSVerify: __ENV.SKIP === '1' };
export default function () {
  const r = new llm.Client({ baseURL: 'https://llm.example.test:' + __ENV.PORT + '/v1' }).chat({ messages: [{ role: 'user', content: 'hi' }] });
  if (__ENV.SKIP === '1' && !r.ok) throw new Error('with insecureSkipTLSVerify: ' + r.error);
  if (__ENV.SKIP !== '1' && (r.ok || !/certificate/.test(r.error))) throw new Error('without it: ok=' + r.ok + ' ' + r.error);
}`
	for _, skip := range []string{"1", "0"} {
		code, _, stderr, sum := runScript(t, script, "-e", "PORT="+port, "-e", "SKIP="+skip)
		if code != 0 || strings.Contains(stderr, "Error") {
			t.Fatalf("SKIP=%s: exit %d\n%s", skip, code, stderr)
		}
		if n := metricValue(sum, "llm_requests", "count"); n != 1 {
			t.Errorf("SKIP=%s: llm_requests %v", skip, n)
		}
	}
}
