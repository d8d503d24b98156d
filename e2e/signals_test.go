//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/cli"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// firstRecord is a signalWhen that fires once a request has completed, so
// that the stop lands while the other VUs are mid-stream.
func firstRecord(line string) bool {
	return strings.Contains(line, `msg="E2E `) && strings.Contains(line, `\"ok\":true`)
}

// TestStopUnderLoad stops a stream-heavy run against the real server in the
// three ways k6 has, and checks the run ends promptly with its exit code, a
// complete summary and outputs, and that no stream is left running on the
// server.
func TestStopUnderLoad(t *testing.T) {
	s := inference(t)
	warm(t, s.base, s.slow)
	cases := []struct {
		name, stop string
		code       int
		signal     bool
	}{
		{name: "SIGINT", stop: "signal", code: 105, signal: true},
		{name: "test.abort", stop: "abort", code: 108},
		{name: "abortOnFail", stop: "threshold", code: 99},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := runOpts{script: "stress.js", timeout: 50 * time.Second, env: map[string]string{
				"BASE": s.base, "MODEL": s.slow, "STOP": c.stop, "SHORT_TOKENS": "40"}}
			if c.signal {
				o.signalWhen = firstRecord
			}
			r := run(t, o)
			r.wantCode(t, c.code)
			r.wantSummary(t)
			// A long stream takes ~30 s and gracefulStop is 3 s: the run
			// must end soon after the stop, not wait for the streams.
			if c.signal && r.afterSignal > 12*time.Second {
				t.Errorf("the run ended %s after SIGINT (gracefulStop 3s): in-flight streams were waited for", r.afterSignal)
			}
			if r.elapsed > 25*time.Second {
				t.Errorf("the run took %s after being stopped early: in-flight streams were waited for", r.elapsed)
			}
			t.Logf("ended %s after the start (%s after SIGINT, when sent)", r.elapsed.Round(time.Millisecond), r.afterSignal.Round(time.Millisecond))
			done := 0
			for _, rec := range r.records {
				switch {
				case rec.OK:
					done++
				case rec.ErrorCode != "interrupted":
					t.Errorf("%s request failed with %s: %s", rec.Tag, rec.ErrorCode, rec.Error)
				}
			}
			if done == 0 {
				t.Fatalf("no request completed before the stop")
			}
			// Completed requests are in the outputs and the summary, once;
			// the ones the stop cut count as failed (error_code interrupted).
			// (A request can complete and be counted just before the stop
			// interrupts its iteration, before the script logs it: so at
			// least the logged ones.)
			counted := r.count("llm_requests", nil)
			if counted < float64(done) {
				t.Errorf("json output has %v llm_requests, %d requests completed", counted, done)
			}
			if c := r.count("llm_request_failed", nil); c == 0 || c > counted-float64(done) {
				t.Errorf("json output has %v failed requests of %v, %d completed: the cut requests must count as failed", c, counted, done)
			}
			if c := r.summary["llm_requests"]["count"]; c != counted {
				t.Errorf("summary llm_requests %v, json output %v", c, counted)
			}
			noStreamsLeft(t, s.base, s.slow)
		})
	}
}

// noStreamsLeft asks the server: four probe streams at once (as many as
// the server runs in parallel) must all start at once. A stream llmbench
// left open would hold a slot for its whole 1,500 tokens (~30 s).
func noStreamsLeft(t *testing.T, base, model string) {
	t.Helper()
	var wg sync.WaitGroup
	ttft := make([]time.Duration, 4)
	errs := make([]error, 4)
	for i := range ttft {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ttft[i], errs[i] = streamTTFT(base, model, 4)
		}()
	}
	wg.Wait()
	for i := range ttft {
		if errs[i] != nil {
			t.Errorf("probe %d: %v", i, errs[i])
		} else if ttft[i] > 3*time.Second {
			t.Errorf("probe TTFTs %v: a probe waited %s, so the server is still busy with streams llmbench left open", ttft, ttft[i])
		}
	}
}

// TestSIGINTNoLeaks runs cli.Main in this process, interrupts it mid-stream
// through its signal channel and checks that every goroutine it started
// (VUs, request readers, keep-alive connections, outputs) has ended.
func TestSIGINTNoLeaks(t *testing.T) {
	s := inference(t)
	warm(t, s.base, s.slow)
	direct.CloseIdleConnections()
	time.Sleep(100 * time.Millisecond)
	baseline := map[string]bool{}
	for _, g := range stacks() {
		baseline[g] = true
	}

	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sig := make(chan os.Signal, 1)
	stderr := &signalWriter{when: firstRecord, fire: func() { sig <- os.Interrupt }}
	var stdout bytes.Buffer
	script, _ := filepath.Abs(filepath.Join("testdata", "stress.js"))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	code := cli.Main(ctx, cli.Env{
		Args: []string{"run", "-q", "--no-color", "--out", "json=" + filepath.Join(dir, "out.json"),
			"-e", "BASE=" + s.base, "-e", "MODEL=" + s.slow, "-e", "STOP=signal", "-e", "SHORT_TOKENS=40", script},
		Environ: os.Environ(), Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: stderr, Dir: dir, Signals: sig,
	}, mods, llm.GPUSource{})
	if code != 105 {
		t.Fatalf("exit code %d, want 105\nstderr:\n%s", code, tail(stderr.String()))
	}
	if !strings.Contains(stdout.String(), "TOTAL RESULTS") {
		t.Errorf("no summary:\n%s", stdout.String())
	}
	// Everything the run started must end, except the VU clients' idle
	// keep-alive connections (a read and a write loop each), which the
	// engine gives the module no hook to close: they end after the
	// transport's IdleConnTimeout (90 s). At most one per VU may remain.
	var others, idle []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		others, idle = goroutines(baseline)
		if len(others) == 0 {
			break
		}
	}
	if len(others) > 0 {
		t.Errorf("%d goroutines left 10 s after the run:\n%s", len(others), strings.Join(others, "\n\n"))
	}
	if len(idle) > 2*4 {
		t.Errorf("%d keep-alive connection goroutines left, more than two per VU:\n%s", len(idle), strings.Join(idle, "\n\n"))
	}
	t.Logf("after the run: %d idle keep-alive connection goroutines (closed by IdleConnTimeout), no others", len(idle))
	noStreamsLeft(t, s.base, s.slow)
}

// stacks returns each goroutine's stack as its function names, so that the
// same goroutine compares equal over time.
func stacks() []string {
	var b bytes.Buffer
	_ = pprof.Lookup("goroutine").WriteTo(&b, 2)
	var out []string
	for _, g := range strings.Split(b.String(), "\n\n") {
		_, rest, ok := strings.Cut(g, "\n")
		if !ok {
			continue
		}
		var fns []string // function names only: arguments and offsets vary
		for _, l := range strings.Split(rest, "\n") {
			if l != "" && !strings.HasPrefix(l, "\t") {
				if i := strings.LastIndexByte(l, '('); i > 0 {
					l = l[:i]
				}
				fns = append(fns, l)
			}
		}
		out = append(out, strings.Join(fns, "\n"))
	}
	return out
}

// goroutines returns the goroutines that were not in baseline, split into
// idle HTTP keep-alive connection loops and the others (the caller's own
// goroutine excluded).
func goroutines(baseline map[string]bool) (others, idle []string) {
	for _, g := range stacks() {
		switch {
		case baseline[g], strings.Contains(g, "e2e.goroutines"), strings.Contains(g, "e2e.stacks"):
		case strings.Contains(g, "net/http.(*persistConn).readLoop"), strings.Contains(g, "net/http.(*persistConn).writeLoop"):
			idle = append(idle, g)
		default:
			others = append(others, g)
		}
	}
	return others, idle
}

// signalWriter collects stderr and calls fire once when a line matches.
type signalWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	when  func(string) bool
	fire  func()
	fired bool
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.fired && w.when(string(p)) {
		w.fired = true
		w.fire()
	}
	return len(p), nil
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
