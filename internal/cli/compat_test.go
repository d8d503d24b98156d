package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/mock"
)

// TestLeniency runs scripts that lean on k6's coercions: numeric options as
// strings from __ENV, `export let options`, an arrow default export, string
// and boolean metric values, an import after code, a scenario exec.
func TestLeniency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args   []string
		code   int
		stderr string
		want   map[string]float64 // "metric stat" → value
	}{
		{[]string{"-e", "VUS=2", "-e", "ITERS=8", "lenient.js"}, 0, "", map[string]float64{
			"iterations count": 10, "latency avg": 12.5, "latency max": 12.5,
			"ok_rate value": 0.5, "things count": 6, "vus_max value": 3,
		}},
		// An empty string is unset, as in k6: the scenario's default of 1 VU.
		{[]string{"-e", "VUS=", "-e", "ITERS=8", "lenient.js"}, 0, "", map[string]float64{"iterations count": 10, "vus_max value": 2}},
		{[]string{"-e", "ITERS=7", "vus_string.js"}, 0, "", map[string]float64{"iterations count": 7, "vus_max value": 1}},
		{[]string{"-e", "VUS=3", "vus_string.js"}, 0, "", map[string]float64{"iterations count": 6, "vus_max value": 3}},
		{[]string{"-e", "VUS=x", "vus_string.js"}, 104, `option "vus": strconv.ParseInt: parsing "x"`, nil},
		{[]string{"vus_bad_string.js"}, 104, `scenario s: vus: strconv.ParseInt: parsing "two"`, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, nil, append([]string{"-q"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.stderr, r.stderr)
			}
			for k, want := range tt.want {
				name, stat, _ := strings.Cut(k, " ")
				if got := r.metric(t, name, stat); got != want {
					t.Errorf("%s = %v, want %v", k, got, want)
				}
			}
		})
	}
}

// runScriptIn runs cli.Main with args in a temporary working directory holding
// files, with stdin and the client for https:// imports.
func runScriptIn(t *testing.T, files map[string]string, stdin string, client *http.Client, args ...string) result {
	t.Helper()
	return runScriptInEnv(t, []string{"PATH=/usr/bin"}, files, stdin, client, args...)
}

// runScriptInEnv is runScriptIn with the process environment environ.
func runScriptInEnv(t *testing.T, environ []string, files map[string]string, stdin string, client *http.Client, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mods := modules.NewRegistry()
	builtin.Register(mods)
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), Env{
		Args: args, Environ: environ, Stdin: strings.NewReader(stdin),
		Stdout: &stdout, Stderr: &stderr, Dir: dir, ModuleClient: client,
	}, mods, nil)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// TestRemoteHandleSummary runs a script whose handleSummary formats the
// summary with a helper imported over https, from a local TLS server whose
// CA only the test's client trusts.
func TestRemoteHandleSummary(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/k6-summary/0.1.0/index.js" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `export function textSummary(data, opts) {
  const it = data.metrics.iterations.values;
  return (opts && opts.indent || '') + 'iterations=' + it.count + '\n';
}
`)
	}))
	defer srv.Close()
	script := fmt.Sprintf(`import { textSummary } from '%s/k6-summary/0.1.0/index.js';
export const options = { iterations: 3 };
export default function () {}
export function handleSummary(data) {
  return { stdout: textSummary(data, { indent: '> ' }) };
}
`, srv.URL)
	files := map[string]string{"summary.js": script}
	r := runScriptIn(t, files, "", srv.Client(), "run", "-q", "summary.js")
	if r.code != 0 || !strings.Contains(r.stdout, "> iterations=3\n") {
		t.Fatalf("exit %d, stdout %q, want > iterations=3\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests to the module server, want 1 (fetched once, kept in memory)", n)
	}
	// Without a client that trusts the server: exit 107 naming the URL.
	r = runScriptIn(t, files, "", nil, "run", "-q", "summary.js")
	if r.code != 107 || !strings.Contains(r.stderr, `couldn't be retrieved from the resolved url "`+srv.URL+`/k6-summary/0.1.0/index.js"`) ||
		!strings.Contains(r.stderr, "curl -o index.js") {
		t.Errorf("exit %d, stderr:\n%s\nwant 107 naming the URL and how to make it available", r.code, r.stderr)
	}
}

// TestStdin runs `llmbench run -` with the script on standard input, as
// `k6 run - < script.js`.
func TestStdin(t *testing.T) {
	t.Parallel()
	files := map[string]string{"helper.js": "export const n = 4;\n"}
	script := `import { n } from './helper.js';
import { Counter } from 'k6/metrics';
const made = new Counter('made');
export const options = { iterations: n };
export default function () { made.add(1); }
export function handleSummary(data) { return { stdout: 'made=' + data.metrics.made.values.count + '\n' }; }
`
	r := runScriptIn(t, files, script, nil, "run", "-q", "-")
	if r.code != 0 || r.stdout != "made=4\n" {
		t.Fatalf("exit %d, stdout %q, want made=4\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// TypeScript on stdin is stripped too.
	r = runScriptIn(t, files, "export default function (): void {}\nexport function handleSummary(): object { return { stdout: 'ts ok' }; }\n", nil, "run", "-q", "-")
	if r.code != 0 || r.stdout != "ts ok" {
		t.Errorf("TS on stdin: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// A tar on stdin is read as a k6 archive, not parsed as JS.
	tarball := make([]byte, 1024)
	copy(tarball[257:], "ustar\x0000")
	r = runScriptIn(t, nil, string(tarball), nil, "run", "-q", "-")
	if r.code != 104 || !strings.Contains(r.stderr, "the archive on standard input") {
		t.Errorf("tar on stdin: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestMissingModules checks that importing a k6 module or extension
// llmbench lacks fails at init with one line naming it (exit 107).
func TestMissingModules(t *testing.T) {
	t.Parallel()
	for _, mod := range []string{"k6/ws", "k6/browser", "k6/net/grpc", "k6/html", "k6/experimental/websockets", "k6/experimental/redis", "k6/x/faker"} {
		t.Run(mod, func(t *testing.T) {
			t.Parallel()
			script := fmt.Sprintf("import m from %q;\nexport default function () {}\n", mod)
			r := runScriptIn(t, map[string]string{"s.js": script}, "", nil, "run", "-q", "s.js")
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
				if !strings.Contains(l, "GPU metrics off") {
					lines = append(lines, l)
				}
			}
			if r.code != 107 || len(lines) != 1 || !strings.Contains(lines[0], `"`+mod+`"`) || !strings.Contains(lines[0], "docs/compatibility.md") {
				t.Errorf("exit %d, stderr lines %q; want 107 and one line naming %s", r.code, lines, mod)
			}
		})
	}
}

// TestIgnoredOptions checks that an option llmbench accepts but does not
// implement gets one warning line naming it.
func TestIgnoredOptions(t *testing.T) {
	t.Parallel()
	script := "export const options = { iterations: 1, minIterationDuration: '1s', consoleOutput: 'x.log' };\nexport default function () {}\n"
	r := runScriptIn(t, map[string]string{"s.js": script}, "", nil, "run", "-q", "s.js")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	for _, k := range []string{"minIterationDuration", "consoleOutput"} {
		if n := strings.Count(r.stderr, `the option \"`+k+`\" is accepted but not acted on`); n != 1 {
			t.Errorf("%d warnings for %s, want 1\nstderr:\n%s", n, k, r.stderr)
		}
	}
}

// TestWildScript runs a script the way the public LLM benchmarks are
// written and run, all at once: TypeScript piped on stdin (`k6 run - <
// bench.ts`), jslib-style helpers imported over https (a local TLS server),
// k6/http against the mock, VU and iteration counts as strings from __ENV,
// Trend.add of a string, a named scenario exec and a handleSummary that
// formats with the remote helper.
func TestWildScript(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Config{OutputTokens: 8})
	if err != nil {
		t.Fatal(err)
	}
	llmSrv := httptest.NewServer(m)
	defer llmSrv.Close()
	jslib := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/k6-utils/1.4.0/index.js":
			fmt.Fprint(w, "export function randomItem(a) { return a[Math.floor(Math.random() * a.length)]; }\n")
		case "/k6-summary/0.1.0/index.js":
			fmt.Fprint(w, "export function textSummary(d) {\n"+
				"  return 'iterations=' + d.metrics.iterations.values.count + ' tokens_avg=' + d.metrics.tokens.values.avg +\n"+
				"    ' failed=' + d.metrics.http_req_failed.values.rate + '\\n';\n}\n")
		default:
			http.NotFound(w, r)
		}
	}))
	defer jslib.Close()
	script := strings.ReplaceAll(`import http from 'k6/http';
import { check } from 'k6';
import { Trend } from 'k6/metrics';
import { randomItem } from 'JSLIB/k6-utils/1.4.0/index.js';
import { textSummary } from 'JSLIB/k6-summary/0.1.0/index.js';

interface ChatResponse {
  choices: { message: { content: string } }[];
  usage: { completion_tokens: number };
}

export const options = {
  scenarios: { chat: { executor: 'shared-iterations', vus: __ENV.VUS, iterations: __ENV.ITERS, exec: 'chat' } },
  thresholds: { http_req_failed: ['rate==0'], tokens: ['avg==8'] },
};

const tokens = new Trend('tokens');
const prompts: string[] = ['Hi', 'Hello'];

export function chat(): void {
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: randomItem(prompts) }], max_tokens: 8 });
  const res = http.post(`+"`${__ENV.BASE}/v1/chat/completions`"+`, body, { headers: { 'Content-Type': 'application/json' } });
  const parsed = res.json() as unknown as ChatResponse;
  tokens.add(String(parsed.usage.completion_tokens));
  check(res, { 'status is 200': (r) => r.status === 200 });
}

export function handleSummary(data: any): Record<string, string> {
  return { stdout: textSummary(data) };
}
`, "JSLIB", jslib.URL)
	r := runScriptIn(t, nil, script, jslib.Client(), "run", "-q", "-e", "VUS=2", "-e", "ITERS=6", "-e", "BASE="+llmSrv.URL, "-")
	if r.code != 0 || r.stdout != "iterations=6 tokens_avg=8 failed=0\n" {
		t.Fatalf("exit %d, stdout %q, want iterations=6 tokens_avg=8 failed=0\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestCompatibilityMode checks --compatibility-mode and
// K6_COMPATIBILITY_MODE: extended defines global, base does not,
// experimental_enhanced warns and acts as base, anything else is exit 104.
func TestCompatibilityMode(t *testing.T) {
	t.Parallel()
	script := "export default function () {}\nexport function handleSummary() { return { stdout: typeof global }; }\n"
	tests := []struct {
		environ []string
		flags   []string
		code    int
		stdout  string
		stderr  string
	}{
		{nil, nil, 0, "object", ""},
		{nil, []string{"--compatibility-mode", "extended"}, 0, "object", ""},
		{nil, []string{"--compatibility-mode=base"}, 0, "undefined", ""},
		{[]string{"K6_COMPATIBILITY_MODE=base"}, nil, 0, "undefined", ""},
		{[]string{"K6_COMPATIBILITY_MODE=base"}, []string{"--compatibility-mode=extended"}, 0, "object", ""},
		{nil, []string{"--compatibility-mode=experimental_enhanced"}, 0, "undefined", `CompatibilityMode \"experimental_enhanced\" is deprecated`},
		{nil, []string{"--compatibility-mode=es6"}, 104, "", `invalid compatibility mode "es6". Use: "extended", "base", "experimental_enhanced"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(append(tt.environ, tt.flags...), " "), func(t *testing.T) {
			t.Parallel()
			args := append(append([]string{"run", "-q"}, tt.flags...), "s.js")
			r := runScriptInEnv(t, tt.environ, map[string]string{"s.js": script}, "", nil, args...)
			if r.code != tt.code || r.stdout != tt.stdout || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit %d, stdout %q, stderr with %q", r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}

// TestArchiveRemoteModules archives a script that imports a helper over
// https, then runs the archive from stdin with the module server gone and
// no client that trusts it: the module comes from the archive's https/
// entry, as in k6, so archives run offline (e.g. in a k6-operator pod).
// (It uses scenarios: an archive of a script with the iterations shortcut
// fails to run, a bug in reading archives, not in modules.)
func TestArchiveRemoteModules(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "export const greet = (n) => 'hello ' + n;\n")
	}))
	script := fmt.Sprintf(`import { greet } from '%s/lib/greet.js?v=1';
export const options = { scenarios: { s: { executor: 'shared-iterations', iterations: 2 } } };
export default function () {}
export function handleSummary(data) { return { stdout: greet(data.metrics.iterations.values.count) + ' ' + typeof global }; }
`, srv.URL)
	dir := t.TempDir()
	tarPath := filepath.Join(dir, "a.tar")
	r := runScriptIn(t, map[string]string{"s.js": script}, "", srv.Client(), "archive", "-O", tarPath, "--compatibility-mode=base", "s.js")
	if r.code != 0 {
		t.Fatalf("archive: exit %d\n%s", r.code, r.stderr)
	}
	srv.Close()
	tarball, err := os.ReadFile(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(tarball, []byte("https/"+strings.TrimPrefix(srv.URL, "https://")+"/lib/greet.js")) {
		t.Errorf("the archive has no https/<host>/lib/greet.js entry")
	}
	r = runScriptIn(t, nil, string(tarball), nil, "run", "-q", "-")
	// The archive also keeps the compatibility mode it was made with (base:
	// no global).
	if r.code != 0 || r.stdout != "hello 2 undefined" {
		t.Fatalf("run - < archive: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestTypeScriptEmbeddings runs testdata/scripts/embeddings.ts against the
// mock's /v1/embeddings: TypeScript, k6/http, k6/encoding's b64decode into
// a Float32Array, string VU counts; every vector has unit norm.
func TestTypeScriptEmbeddings(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	r := runCLI(t, nil, "-q", "-e", "VUS=2", "-e", "ITERS=5", "-e", "BASE="+srv.URL, "embeddings.ts")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if n := r.metric(t, "iterations", "count"); n != 5 {
		t.Errorf("iterations = %v, want 5", n)
	}
	if v := r.metric(t, "checks", "value"); v != 1 {
		t.Errorf("checks rate = %v, want 1", v)
	}
	if lo, hi := r.metric(t, "embedding_norm", "min"), r.metric(t, "embedding_norm", "max"); lo < 0.999 || hi > 1.001 {
		t.Errorf("embedding norms in [%v, %v], want 1", lo, hi)
	}
}
