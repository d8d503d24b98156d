package js

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llmbench/llmbench/internal/exit"
)

// loadSource writes src as main.js in a temporary directory and loads it.
func loadSource(t *testing.T, src string, edit func(*Options)) (*Runner, error) {
	t.Helper()
	return loadFiles(t, map[string]string{"main.js": src}, edit)
}

// loadFiles writes files in a temporary directory and loads main.js.
func loadFiles(t *testing.T, files map[string]string, edit func(*Options)) (*Runner, error) {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	opts := newOptions(t, &syncBuffer{})
	if edit != nil {
		edit(&opts)
	}
	return Load(context.Background(), filepath.Join(dir, "main.js"), opts)
}

// TestResolutionErrors checks k6's resolution rules for what cannot load:
// each is one line naming the specifier, exit 107.
func TestResolutionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec string
		want string
	}{
		{"http://127.0.0.1:1/x.js", "only supported schemes for imports are file and https, http://127.0.0.1:1/x.js has `http`"},
		{"ftp://example.invalid/x.js", "has `ftp`"},
		{"k6/ws", `module "k6/ws" is a k6 module llmbench does not implement (see docs/compatibility.md)`},
		{"k6/browser", `module "k6/browser" is a k6 module llmbench does not implement`},
		{"k6/net/grpc", `module "k6/net/grpc" is a k6 module llmbench does not implement`},
		{"k6/experimental/websockets", `module "k6/experimental/websockets" is a k6 module llmbench does not implement`},
		{"k6/html", `module "k6/html" is a k6 module llmbench does not implement`},
		{"k6/x/faker", `unknown extension "k6/x/faker": llmbench's extensions are built in`},
		{"github.com/grafana/k6-jslib/x.js", "github.com and cdnjs.com 'special' urls are no longer supported"},
		{"cdnjs.com/libraries/x", "'special' urls are no longer supported"},
		{"lodash", `The moduleSpecifier "lodash" couldn't be recognised as something k6 supports`},
		{"./nope.js", `The moduleSpecifier "./nope.js" couldn't be found on local disk`},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			_, err := loadSource(t, fmt.Sprintf("import x from %q;\nexport default function () {}\n", tt.spec), nil)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if got := exit.CodeOf(err); got != exit.ScriptException {
				t.Errorf("exit code %d, want %d", got, exit.ScriptException)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is more than one line: %q", err)
			}
		})
	}
}

// moduleServer is a local HTTPS server of JS modules that counts requests.
type moduleServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string][]string // path → raw queries, in order
}

func newModuleServer(t *testing.T) *moduleServer {
	t.Helper()
	s := &moduleServer{hits: map[string][]string{}}
	files := map[string]string{
		"/lib/helper.js": "import { twice } from './dep.js';\nexport function label(n) { return 'n=' + twice(n); }\n",
		"/lib/dep.js":    "export const twice = (n) => n * 2;\n",
		"/lib/again.js":  "import { twice } from 'https://" + "HOST/lib/dep.js';\nexport const four = twice(2);\n",
		"/typed.ts":      "const greeting: string = 'ts over https';\nexport default greeting;\n",
		"/local.js":      "import x from 'file:///etc/hostname';\nexport default x;\n",
		"/entry.js":      "import { twice } from './lib/dep.js';\nexport const options = { iterations: twice(3) };\nexport default function () {}\n",
	}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path] = append(s.hits[r.URL.Path], r.URL.RawQuery)
		s.mu.Unlock()
		switch r.URL.Path {
		case "/flaky.js": // fails the first (_k6=1) attempt only
			if r.URL.Query().Get("_k6") == "1" {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			fmt.Fprint(w, "export const flaky = 'second attempt';\n")
		case "/teapot.js":
			w.WriteHeader(http.StatusTeapot)
		default:
			src, ok := files[r.URL.Path]
			if !ok {
				http.NotFound(w, r)
				return
			}
			fmt.Fprint(w, strings.ReplaceAll(src, "HOST", r.Host))
		}
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted-CA case logs handshake errors
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (s *moduleServer) queries(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.hits[path]...)
}

func TestRemoteModules(t *testing.T) {
	t.Parallel()
	srv := newModuleServer(t)
	src := fmt.Sprintf(`import { label } from '%[1]s/lib/helper.js';
import { four } from '%[1]s/lib/again.js';
import { flaky } from '%[1]s/flaky.js?v=2';
import greeting from '%[1]s/typed.ts';
export const options = { tags: { label: label(21), four: String(four), flaky, greeting } };
export default function () {}
`, srv.URL)
	r, err := loadSource(t, src, func(o *Options) { o.HTTPClient = srv.Client() })
	if err != nil {
		t.Fatal(err)
	}
	want := `{"tags":{"label":"n=42","four":"4","flaky":"second attempt","greeting":"ts over https"}}`
	if got := string(r.Options()); got != want {
		t.Errorf("options = %s, want %s", got, want)
	}
	// Another VU reuses the modules fetched for VU 0: no new requests.
	e := &env{r: r, out: &collector{}}
	e.newVU(t, 1)
	for path, want := range map[string][]string{
		"/lib/helper.js": {"_k6=1"},
		"/lib/dep.js":    {"_k6=1"}, // imported twice (relative and absolute), fetched once
		"/flaky.js":      {"v=2&_k6=1", "v=2"},
	} {
		if got := srv.queries(path); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s requested with queries %q, want %q", path, got, want)
		}
	}
	if _, ok := r.RemoteModules()[srv.URL+"/lib/dep.js"]; !ok || len(r.RemoteModules()) != 5 /* helper, dep, again, flaky, typed */ {
		t.Errorf("RemoteModules() has %d modules: %v", len(r.RemoteModules()), r.RemoteModules())
	}
}

// TestRemoteEntry loads the script itself from an https URL (`llmbench
// run https://…/x.js`); its relative imports resolve against that URL.
func TestRemoteEntry(t *testing.T) {
	t.Parallel()
	srv := newModuleServer(t)
	opts := newOptions(t, &syncBuffer{})
	opts.HTTPClient = srv.Client()
	r, err := Load(context.Background(), srv.URL+"/entry.js", opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(r.Options()), `{"iterations":6}`; got != want {
		t.Errorf("options = %s, want %s", got, want)
	}
	if got := srv.queries("/lib/dep.js"); len(got) != 1 {
		t.Errorf("/lib/dep.js requested %d times, want 1", len(got))
	}
}

func TestRemoteModuleErrors(t *testing.T) {
	t.Parallel()
	srv := newModuleServer(t)
	dead := httptest.NewTLSServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	tests := []struct {
		name   string
		url    string
		client *http.Client
		want   []string
	}{
		{"404", srv.URL + "/missing.js", srv.Client(), []string{
			`The moduleSpecifier "` + srv.URL + `/missing.js" couldn't be retrieved from the resolved url "` + srv.URL + `/missing.js". Error : "not found: ` + srv.URL + `/missing.js"`,
			"without network access, save the file next to the script (curl -o missing.js " + srv.URL + "/missing.js)",
		}},
		{"status", srv.URL + "/teapot.js", srv.Client(), []string{`wrong status code (418) for: ` + srv.URL + `/teapot.js`}},
		{"no server", deadURL + "/lib/x.js", srv.Client(), []string{`couldn't be retrieved from the resolved url "` + deadURL + `/lib/x.js"`, "connection refused", "curl -o x.js"}},
		// Go's default client does not trust the test server's CA.
		{"untrusted", srv.URL + "/lib/dep.js", nil, []string{"certificate"}},
		{"file from https", srv.URL + "/local.js", srv.Client(), []string{"origin (" + srv.URL + "/local.js) not allowed to load local file: file:///etc/hostname"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadSource(t, fmt.Sprintf("import x from %q;\nexport default function () {}\n", tt.url),
				func(o *Options) { o.HTTPClient = tt.client })
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if got := exit.CodeOf(err); got != exit.ScriptException {
				t.Errorf("exit code %d, want %d", got, exit.ScriptException)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	var rerr *RemoteModuleError
	_, err := loadSource(t, fmt.Sprintf("import x from '%s/missing.js';\nexport default function () {}\n", srv.URL),
		func(o *Options) { o.HTTPClient = srv.Client() })
	if !errors.As(err, &rerr) || rerr.URL != srv.URL+"/missing.js" {
		t.Errorf("error %v is not a *RemoteModuleError for the URL", err)
	}
}

func TestTypeScript(t *testing.T) {
	t.Parallel()
	e := load(t, "ts/main.ts", nil)
	if got, want := string(e.r.Options()), `{"vus":1,"iterations":2}`; got != want {
		t.Errorf("options = %s, want %s", got, want)
	}
	v := e.newVU(t, 1)
	if err := v.RunOnce(context.Background(), iteration(scenario("default", "default"))); err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	s := e.out.samples("shapes_made")
	if len(s) != 1 || s[0].Value != 3 || s[0].Tags["shape"] != "circle r=2" {
		t.Errorf("shapes_made samples = %+v, want one of 3 tagged shape=circle r=2", s)
	}
	load(t, "ts/plain.ts", nil)
}

// TestTypeScriptPositions checks that errors point at the .ts source lines.
func TestTypeScriptPositions(t *testing.T) {
	t.Parallel()
	e := load(t, "ts/throws.ts", nil)
	v := e.newVU(t, 1)
	err := v.RunOnce(context.Background(), iteration(scenario("default", "default")))
	if err == nil || !strings.Contains(err.Error(), "Error: bad 1") || !strings.Contains(err.Error(), "ts/throws.ts:8:") {
		t.Errorf("RunOnce error = %v, want Error: bad 1 at throws.ts:8", err)
	}
	_, err = Load(context.Background(), filepath.Join("testdata", "ts", "bad_syntax.ts"), newOptions(t, &syncBuffer{}))
	if exit.CodeOf(err) != exit.ScriptException || !strings.Contains(err.Error(), "SyntaxError: file://") ||
		!strings.Contains(err.Error(), "bad_syntax.ts: Line 3:8 Unexpected \"=\"") {
		t.Errorf("Load(bad_syntax.ts) = %v, want a SyntaxError at bad_syntax.ts line 3", err)
	}
}

// TestStdinScript loads a script given as "-": named file:///-, tried as
// TypeScript if it is not JavaScript, and resolving relative imports and
// open() against the working directory.
func TestStdinScript(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lib.js"), []byte("export const who = 'lib';\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.txt"), []byte("from cwd"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := `import { who } from './lib.js';
const data: string = open('./data.txt');
export const options = { tags: { who, data, url: import.meta.url, lib: import.meta.resolve('./lib.js') } };
export default function (): void {}
`
	opts := newOptions(t, &syncBuffer{})
	opts.Script, opts.CWD = []byte(src), dir
	r, err := Load(context.Background(), "-", opts)
	if err != nil {
		t.Fatal(err)
	}
	libURL := dirURL(dir).String() + "lib.js"
	if got, want := string(r.Options()), `{"tags":{"who":"lib","data":"from cwd","url":"file:///-","lib":"`+libURL+`"}}`; got != want {
		t.Errorf("options = %s, want %s", got, want)
	}
	opts.Script = []byte("export default function () {\n  throw new Error('from stdin');\n}\n")
	r, err = Load(context.Background(), "-", opts)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{r: r, out: &collector{}}
	err = e.newVU(t, 1).RunOnce(context.Background(), iteration(scenario("default", "default")))
	if err == nil || !strings.Contains(err.Error(), "file:///-:2:") {
		t.Errorf("RunOnce error = %v, want a position in file:///-", err)
	}
}

// TestCommonJS checks k6's CommonJS handling: a file with no import,
// export or top-level await runs wrapped as (module, exports), as the
// entry script (its exports are module.exports') or imported (module.exports
// is its default export, e.g. a UMD library); touching module or exports
// from an ES module throws k6's error; require() works in init.
func TestCommonJS(t *testing.T) {
	t.Parallel()
	umd := `(function (root, factory) {
  if (typeof module === 'object' && module.exports) { module.exports = factory(); } else { root.Lib = factory(); }
}(this, function () { return { shout: (s) => s.toUpperCase() }; }));
`
	t.Run("entry", func(t *testing.T) {
		t.Parallel()
		r, err := loadFiles(t, map[string]string{"main.js": "module.exports.options = { vus: 2 };\nexports.default = function () {};\nexports.helper = 1;\n"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(r.Options()); got != `{"vus":2}` {
			t.Errorf("options = %s", got)
		}
		if !r.HasExport("default") || r.HasExport("helper") {
			t.Errorf("exports = %v", r.exports)
		}
		e := &env{r: r, out: &collector{}}
		if err := e.newVU(t, 1).RunOnce(context.Background(), iteration(scenario("default", "default"))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("imported UMD", func(t *testing.T) {
		t.Parallel()
		r, err := loadFiles(t, map[string]string{
			"main.js": "import lib from './umd.js';\nexport const options = { tags: { s: lib.shout('hi') } };\nexport default function () {}\n",
			"umd.js":  umd,
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(r.Options()); got != `{"tags":{"s":"HI"}}` {
			t.Errorf("options = %s", got)
		}
	})
	t.Run("require", func(t *testing.T) {
		t.Parallel()
		r, err := loadFiles(t, map[string]string{
			"main.js": `const { Counter } = require('k6/metrics');
const k6 = require('k6');
const lib = require('./lib/cjs.js');
const esm = require('./lib/esm.js');
const made = new Counter('made');
module.exports.options = { tags: { n: String(lib.n + esm.m), same: String(require('./lib/cjs.js') === lib), check: typeof k6.check } };
module.exports.default = function () { made.add(lib.n); };
module.exports.late = function () { require('./lib/cjs.js'); };
`,
			"lib/cjs.js":  "const dep = require('./dep.js');\nmodule.exports = { n: dep.one + Number(open('./one.txt')) };\n",
			"lib/one.txt": "1", // open() in a required file is relative to it
			"lib/dep.js":  "exports.one = 1;\n",
			"lib/esm.js":  "export const m = 40;\n",
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(r.Options()); got != `{"tags":{"n":"42","same":"true","check":"function"}}` {
			t.Errorf("options = %s", got)
		}
		e := &env{r: r, out: &collector{}}
		v := e.newVU(t, 2) // another VU: the same modules, from the loader's cache
		if err := v.RunOnce(context.Background(), iteration(scenario("default", "default"))); err != nil {
			t.Fatal(err)
		}
		if s := e.out.samples("made"); len(s) != 1 || s[0].Value != 2 {
			t.Errorf("made samples %+v, want one of 2", s)
		}
		err = v.RunOnce(context.Background(), iteration(scenario("late", "late")))
		if err == nil || !strings.Contains(err.Error(), "require() is only available in the init context") {
			t.Errorf("require in an iteration: %v", err)
		}
	})
	for _, tt := range []struct{ src, want string }{
		{"const x = require('./missing.js');\nexports.default = function () {};\n",
			`require("./missing.js"): The moduleSpecifier "./missing.js" couldn't be found on local disk`},
		{"const ws = require('k6/ws');\nexports.default = function () {};\n",
			`module "k6/ws" is a k6 module llmbench does not implement (see docs/compatibility.md)`},
		{"module.exports.x = 1;\nexport default function () {}\n",
			`you are trying to access identifier "module", this likely is due to mixing ECMAScript Modules (ESM) and CommonJS syntax`},
		{"exports.options = {};\nexport default function () {}\n", `identifier "exports"`},
	} {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			_, err := loadFiles(t, map[string]string{"main.js": tt.src}, nil)
			if exit.CodeOf(err) != exit.ScriptException || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %v, want exit 107 with %q", err, tt.want)
			}
		})
	}
	t.Run("module-scoped name", func(t *testing.T) {
		t.Parallel()
		if _, err := loadFiles(t, map[string]string{"main.js": "const module = { ok: true };\nexport default function () {}\n"}, nil); err != nil {
			t.Errorf("a module-scoped name `module` must be allowed: %v", err)
		}
	})
}

// TestRemoteModulesSeeded: modules handed in (an archive's https/ entries,
// by URL without the query) are used without any request.
func TestRemoteModulesSeeded(t *testing.T) {
	t.Parallel()
	r, err := loadSource(t, "import { v } from 'https://127.0.0.1:1/lib/v.js?x=1';\nexport const options = { tags: { v } };\nexport default function () {}\n",
		func(o *Options) {
			o.RemoteModules = map[string][]byte{"https://127.0.0.1:1/lib/v.js": []byte("export const v = 'seeded';\n")}
		})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(r.Options()); got != `{"tags":{"v":"seeded"}}` {
		t.Errorf("options = %s", got)
	}
}
