// Package modules is the boundary between the script runtime and the Go
// modules scripts import: the Module/Instance/VU interfaces, the per-VU State
// a module reads while iterations run, and the Registry that maps import
// names ("k6", "k6/metrics", "k6/x/llm") to modules. cmd/llmbench lists the
// modules explicitly; nothing registers itself.
package modules

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/netx"
	"github.com/llmbench/llmbench/internal/vu"
)

// Module is a Go module importable from scripts. NewInstance is called once
// per VU runtime that imports it (including VU 0 and the transient VUs of
// setup, teardown and handleSummary), during init.
type Module interface {
	NewInstance(v VU) (Instance, error)
}

// ExportNamer is a Module that lists its named exports (in any order)
// without an instance. Every module should be one: a script that imports
// a module's namespace (`import * as metrics from 'k6/metrics'`) has it
// made before the module's first instance, so without the names the
// first runtime, the one whose init code gives the options, sees an
// empty namespace (`new metrics.Counter(…)` throws there).
type ExportNamer interface {
	ExportNames() []string
}

// Instance is one VU's instance of a module.
type Instance interface {
	Exports() Exports
}

// Exports are what a module instance gives the script. With only Named, the
// default export is an object holding every named value. Named values are
// converted to JS once per runtime, when the script first reads them.
type Exports struct {
	Default any
	Named   map[string]any
	// Names and Lookup stand for Named in a module with many exports, of
	// which a VU reads few: Names lists them sorted (one slice shared by
	// every instance, never written) and Lookup makes the value of one of
	// them, when the script first reads it. A Named map costs every VU
	// that imports the module its entries and the closures in them.
	Names  []string
	Lookup func(name string) any
}

// VU is what a module sees of the VU that imports it. Runtime, State and
// RegisterCallback may be used only on the VU's goroutine.
type VU interface {
	// Context is cancelled when the VU must stop (the iteration's hard
	// stop while an iteration runs; the init/run context otherwise).
	Context() context.Context
	Runtime() *sobek.Runtime
	// InitEnv is non-nil only while the init code runs.
	InitEnv() *InitEnv
	// State is nil during init and non-nil while iterations (and setup,
	// teardown) run.
	State() *State
	// RegisterCallback reserves a slot on the VU's event loop: the
	// returned function must be called exactly once, from any goroutine,
	// with the work to run on the loop. The iteration does not end while a
	// reservation is outstanding.
	RegisterCallback() func(func() error)
}

// InitEnv is available to modules during init.
type InitEnv struct {
	Registry *metrics.Registry
	Builtins *metrics.Builtins
	Logger   *slog.Logger
	// CWD is the directory relative paths are resolved against.
	CWD string
	// Net is the VU's network handle (the same one State.Net holds later):
	// a client made in init code borrows it.
	Net *netx.VU
}

// State is the per-VU state while code runs outside init. It belongs to the
// VU goroutine; modules must not keep it across goroutines except through
// Emit, which is safe to call from any goroutine.
type State struct {
	VUID      uint64 // __VU
	Iteration int64  // __ITER
	Scenario  *vu.Scenario
	// IterationInScenario is exec.vu.iterationInScenario.
	IterationInScenario int64
	Builtins            *metrics.Builtins
	Registry            *metrics.Registry
	Out                 metrics.Emitter
	Logger              *slog.Logger
	Test                *vu.State
	// Group is the current group path ("" at root, "::a::b" nested).
	Group string
	// Tags are the VU's current tags: run tags, scenario tags, scenario,
	// group, and exec.vu.tags. Replace them with SetTags; never mutate.
	tags *metrics.TagSet
	// Metadata are non-indexed values (vu, iter when enabled).
	Metadata map[string]string
	// Data is the setup data JSON (nil when setup returned nothing).
	Data []byte
	// Current is the running iteration (exec.scenario.iterationInInstance
	// and iterationInTest); nil outside iterations.
	Current *vu.Iteration
	// SystemTags are the enabled system tags ("scenario", "group",
	// "check", "vu", "iter", …); nil means k6's default set.
	SystemTags map[string]bool
	// Net is the VU's network handle: every network module sends through
	// its transport; the engine counts its bytes and emits data_sent and
	// data_received at the end of each iteration.
	Net *netx.VU
}

// SystemTagEnabled reports whether system tag name is enabled.
func (s *State) SystemTagEnabled(name string) bool {
	if s.SystemTags == nil {
		return name != "vu" && name != "iter" && name != "ip" && name != "ocsp_status"
	}
	return s.SystemTags[name]
}

// Tags returns the VU's current tags.
func (s *State) Tags() *metrics.TagSet { return s.tags }

// SetTags replaces the VU's current tags.
func (s *State) SetTags(t *metrics.TagSet) { s.tags = t }

// Emit sends samples with the current tags (plus extra, may be nil) and
// metadata, stamped t. Safe from any goroutine only if the caller captured
// the tags earlier; from the VU goroutine it reads the current ones.
func (s *State) Emit(t time.Time, extra map[string]string, samples ...metrics.Sample) {
	tags := s.tags
	if len(extra) > 0 {
		tags = tags.WithMap(extra)
	}
	s.Out.Emit(metrics.Batch{Time: t, Tags: tags, Metadata: s.Metadata, Samples: samples})
}

// Registry maps import names to modules. It is written before any script
// loads and read-only after.
type Registry struct {
	mu   sync.RWMutex
	mods map[string]Module
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{mods: map[string]Module{}} }

// Register adds a module under name. Built-ins use "k6" and "k6/…";
// extensions must use "k6/x/…". A name may be registered once.
func (r *Registry) Register(name string, m Module) error {
	if name != "k6" && !strings.HasPrefix(name, "k6/") {
		return fmt.Errorf("module name %q: must be \"k6\", \"k6/<name>\" or \"k6/x/<name>\"", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.mods[name]; ok {
		return fmt.Errorf("module %q is already registered", name)
	}
	r.mods[name] = m
	return nil
}

// Get returns the module registered as name.
func (r *Registry) Get(name string) (Module, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	m, ok := r.mods[name]
	return m, ok
}

// Names returns the registered names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.mods))
	for n := range r.mods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
