package js

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/netx"
	"github.com/llmbench/llmbench/internal/vu"
)

// Options configure a Runner.
type Options struct {
	Modules  *modules.Registry
	Metrics  *metrics.Registry
	Builtins *metrics.Builtins
	Test     *vu.State         // shared execution state (k6/execution, abort, fail)
	Env      map[string]string // __ENV
	RunTags  map[string]string // on every sample
	// SystemTags are the enabled system tags; nil = k6's default set.
	SystemTags     map[string]bool
	Logger         *slog.Logger
	Stdout, Stderr io.Writer
	ReadFile       func(path string) ([]byte, error) // nil = os.ReadFile
	// Net are the network options of every VU's handle (nil: k6's
	// defaults); SetNetOptions replaces them after Load.
	Net *netx.Options
	// Script is the entry script's source when the script argument is "-"
	// (`llmbench run -` passes standard input); it is named file:///-.
	Script []byte
	// CWD is the directory the stdin script's relative imports and open()
	// resolve against; "" = the process's working directory.
	CWD string
	// HTTPClient fetches https:// modules; nil = Go's default client (proxy
	// variables and system CAs apply, as in k6).
	HTTPClient *http.Client
	// RemoteModules are https:// modules known before the run (a k6
	// archive's https/ entries), by URL without its query; they are used
	// instead of fetching.
	RemoteModules map[string][]byte
	// CompatibilityMode is CompatExtended ("" too) or CompatBase (no
	// `global`); see ParseCompatibilityMode.
	CompatibilityMode string
}

// Runner holds a script compiled once; it makes VUs and runs the lifecycle
// functions. It implements vu.Runner.
type Runner struct {
	opts    Options
	logger  *slog.Logger
	read    func(string) ([]byte, error)
	ld      *loader
	entry   sobek.ModuleRecord
	root    string // directory URL of the entry script, ending in "/"
	rootDir string
	vus     vuIndex
	files   fileCache
	sysTags map[string]bool
	runTags *metrics.TagSet

	options   json.RawMessage
	exports   map[string]bool
	setupData []byte
}

var _ vu.Runner = (*Runner)(nil)

// DefaultSystemTags returns k6's default enabled system tags.
func DefaultSystemTags() map[string]bool {
	m := map[string]bool{}
	for _, t := range []string{"proto", "subproto", "status", "method", "url", "name", "group", "check", "error",
		"error_code", "tls_version", "scenario", "service", "expected_response"} {
		m[t] = true
	}
	return m
}

// Load reads and links the script once, runs init in VU 0 and keeps its
// exported options and callable export names.
func Load(ctx context.Context, scriptPath string, opts Options) (*Runner, error) {
	r := &Runner{opts: opts, logger: opts.Logger, read: opts.ReadFile, sysTags: opts.SystemTags}
	if r.logger == nil {
		r.logger = slog.New(slog.DiscardHandler)
	}
	if r.read == nil {
		r.read = osRead
	}
	if r.sysTags == nil {
		r.sysTags = DefaultSystemTags()
	}
	if r.opts.Metrics == nil {
		r.opts.Metrics = metrics.NewRegistry()
	}
	if r.opts.Builtins == nil {
		r.opts.Builtins = metrics.RegisterBuiltins(r.opts.Metrics)
	}
	if r.opts.Net == nil {
		r.opts.Net = netx.Defaults(netx.DefaultUserAgent(""))
	}
	if r.opts.Test == nil {
		r.opts.Test = &vu.State{}
	}
	r.runTags = metrics.NewTagSet(opts.RunTags)
	u, err := scriptURL(scriptPath)
	if err != nil {
		return nil, err
	}
	cwd := opts.CWD
	if cwd == "" {
		if cwd, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("finding the working directory: %w", err)
		}
	}
	r.root, r.rootDir = dirOf(u.String()), path.Dir(u.Path)
	if u.Scheme != "file" || u.String() == stdinURL {
		r.root, r.rootDir = dirURL(cwd).String(), cwd
	}
	r.ld = newLoader(opts.Modules, r.read, &r.vus)
	r.ld.stdin, r.ld.cwd, r.ld.remote.client, r.ld.remote.seed = opts.Script, dirURL(cwd), opts.HTTPClient, opts.RemoteModules
	entry, err := r.ld.resolve(nil, u.String())
	if err != nil {
		return nil, initError(err)
	}
	if err := link(entry); err != nil {
		return nil, initError(err)
	}
	r.entry = entry
	v, err := r.newVU(ctx, 0, nil)
	if err != nil {
		return nil, err
	}
	r.ld.locked.Store(true)
	r.files.mu.Lock()
	r.files.locked = true
	r.files.mu.Unlock()
	if err := r.readExports(v); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Runner) readExports(v *VU) error {
	r.exports = map[string]bool{}
	for _, k := range v.ns.Keys() {
		if k == "options" {
			continue
		}
		if _, ok := sobek.AssertFunction(v.ns.Get(k)); ok {
			r.exports[k] = true
		}
	}
	for _, k := range []string{"setup", "teardown", "handleSummary"} {
		if x := v.ns.Get(k); x != nil && !sobek.IsUndefined(x) && !r.exports[k] {
			return exit.Errorf(exit.ScriptException, "exported '%s' must be a function", k)
		}
	}
	if len(r.exports) == 0 {
		return exit.Errorf(exit.ScriptException, "no exported functions in script")
	}
	opt := v.ns.Get("options")
	if opt == nil || sobek.IsUndefined(opt) || sobek.IsNull(opt) {
		return nil
	}
	o, ok := opt.(*sobek.Object)
	if !ok {
		return exit.Errorf(exit.InvalidConfig, "the exported options must be an object")
	}
	var b []byte
	var err error
	if ex := v.rt.Try(func() { b, err = o.MarshalJSON() }); ex != nil {
		return exit.New(exit.InvalidConfig, fmt.Errorf("reading the exported options: %w", ex))
	}
	if err != nil {
		return exit.New(exit.InvalidConfig, fmt.Errorf("reading the exported options: %w", err))
	}
	r.options = b
	return nil
}

// Options returns the exported options object as JSON (nil if none);
// functions and undefined members are dropped.
func (r *Runner) Options() json.RawMessage { return r.options }

// HasExport reports whether the script exports a function called name.
func (r *Runner) HasExport(name string) bool { return r.exports[name] }

// RemoteModules returns the https:// modules the script imported (URL →
// source), as fetched for this run.
func (r *Runner) RemoteModules() map[string][]byte { return r.ld.remote.Sources() }

// SetupData returns the JSON of setup()'s result (nil if none).
func (r *Runner) SetupData() []byte { return r.setupData }

// SetSetupData replaces the setup data the VUs and teardown receive (the
// REST API's PUT /v1/setup, when setup() ran elsewhere); nil or JSON null
// is none. Call it before the VUs' first iteration.
func (r *Runner) SetSetupData(b []byte) {
	if string(b) == "null" {
		b = nil
	}
	r.setupData = b
}

// NewVU initialises VU id with a fresh runtime running the init code.
func (r *Runner) NewVU(ctx context.Context, id uint64, out metrics.Emitter) (vu.VU, error) {
	v, err := r.newVU(ctx, id, out)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// SetNetOptions sets the network options of the VUs made from now on
// (after Load, before any VU, setup or teardown is made).
func (r *Runner) SetNetOptions(o *netx.Options) { r.opts.Net = o }

// SetRunOptions sets the consolidated run tags (options.tags / --tag) and
// enabled system tags (nil keeps the current set) after Load, before any
// VU, setup or teardown is made.
func (r *Runner) SetRunOptions(tags map[string]string, systemTags []string) {
	r.runTags = metrics.NewTagSet(tags)
	if systemTags != nil {
		m := make(map[string]bool, len(systemTags))
		for _, t := range systemTags {
			m[t] = true
		}
		r.sysTags = m
	}
}
