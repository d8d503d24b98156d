package js

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/grafana/sobek"
)

// setGlobals installs __VU, __ITER, __ENV and global (not in base
// compatibility mode) on a fresh runtime, and puts lazyGlobals between the
// global object and Object.prototype for the rest.
func (v *VU) setGlobals() {
	rt := v.rt
	must(rt.Set("__VU", v.id))
	// __ITER is an accessor over v.curIter, so that starting an iteration
	// sets a field rather than a global property; a script may still
	// assign it (until the next iteration), as it may in k6.
	get := rt.ToValue(func() int64 { return v.curIter })
	set := rt.ToValue(func(n sobek.Value) { v.curIter = n.ToInteger() })
	must(rt.GlobalObject().DefineAccessorProperty("__ITER", get, set, sobek.FLAG_FALSE, sobek.FLAG_TRUE))
	must(rt.Set("__ENV", v.env))
	if v.r.opts.CompatibilityMode != CompatBase {
		must(rt.Set("global", rt.GlobalObject())) // extended mode only
	}
	lazy := rt.NewDynamicObject(&lazyGlobals{v: v})
	must(rt.GlobalObject().SetPrototype(lazy))
}

// lazyGlobals holds the globals that every VU offers and few scripts use:
// console, open, require, the four timer functions, and module and
// exports, which throw as k6 does in an ES module (a CommonJS file sees
// its wrapper's parameters instead). Each function object is made when a
// script first reads it: made up front they were about 10 KB of every
// VU's live heap (a fifth of it for a k6/http VU), which GOGC=400 turns
// into about 50 KB of RSS per VU.
//
// It is the global object's prototype (whose own prototype stays
// Object.prototype), so a name reads as before: `console.log(…)`,
// `typeof setTimeout`, `'require' in globalThis`. Assigning
// globalThis.console makes an own property of the global object, as
// assigning an inherited writable property does. The differences from own
// properties: Object.keys(globalThis) does not list them, deleting one
// from globalThis leaves it readable, and sobek lets strict code (every ES
// module) assign a bare global name only when it is the global object's
// own, so `console = x` in a module throws a ReferenceError where
// `globalThis.console = x` works (docs/compatibility.md).
type lazyGlobals struct {
	v    *VU
	made map[string]sobek.Value // nil value: deleted
}

// lazyNames are the names lazyGlobals answers, in the order Keys lists them.
var lazyNames = []string{"console", "open", "require", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "module", "exports"}

func (g *lazyGlobals) make(key string) sobek.Value {
	v := g.v
	switch key {
	case "console":
		return v.newConsole()
	case "open":
		return v.rt.ToValue(v.open)
	case "require":
		return v.rt.ToValue(v.require)
	case "setTimeout", "clearTimeout", "setInterval", "clearInterval":
		return v.timers.fn(v.rt, key)
	case "module", "exports":
		panic(v.rt.NewTypeError(fmt.Sprintf(`you are trying to access identifier %q, this likely is due to mixing ECMAScript Modules (ESM) and CommonJS syntax: `+
			`use export in an ES module, or module.exports in a file with no import or export (see docs/compatibility.md)`, key)))
	}
	return nil
}

// Get makes key's value on first read.
func (g *lazyGlobals) Get(key string) sobek.Value {
	if val, ok := g.made[key]; ok {
		return val
	}
	val := g.make(key)
	if val != nil {
		if g.made == nil {
			g.made = make(map[string]sobek.Value, 2)
		}
		g.made[key] = val
	}
	return val
}

// Set replaces key's value; only a script that reaches the prototype
// itself (Object.getPrototypeOf(globalThis).x = …) calls it.
func (g *lazyGlobals) Set(key string, val sobek.Value) bool {
	if g.made == nil {
		g.made = make(map[string]sobek.Value, 2)
	}
	g.made[key] = val
	return true
}

// Has reports whether key is one of lazyNames or was set, and not deleted.
func (g *lazyGlobals) Has(key string) bool {
	if val, ok := g.made[key]; ok {
		return val != nil
	}
	return slices.Contains(lazyNames, key)
}

// Delete removes key.
func (g *lazyGlobals) Delete(key string) bool {
	if g.made == nil {
		g.made = make(map[string]sobek.Value, 2)
	}
	g.made[key] = nil
	return true
}

// Keys lists lazyNames and the names set, less the deleted ones.
func (g *lazyGlobals) Keys() []string {
	keys := make([]string, 0, len(lazyNames)+len(g.made))
	for _, k := range lazyNames {
		if g.Has(k) {
			keys = append(keys, k)
		}
	}
	for k, val := range g.made {
		if val != nil && !slices.Contains(lazyNames, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// envObject is __ENV: env (shared by every VU, never written) seen as a
// JS object, a value made the first time the VU reads its key. A VU's
// writes and deletes stay in the VU. A plain object of the environment's
// 40-odd variables cost every VU about 5 KB of live heap, for the one or
// two a script reads.
type envObject struct {
	rt   *sobek.Runtime
	env  map[string]string
	vals map[string]sobek.Value // read, written or (nil) deleted keys
}

// newEnvObject makes a VU's __ENV over env.
func newEnvObject(rt *sobek.Runtime, env map[string]string) *sobek.Object {
	return rt.NewDynamicObject(&envObject{rt: rt, env: env})
}

// Get is the VU's value of key, or nil.
func (e *envObject) Get(key string) sobek.Value {
	if val, ok := e.vals[key]; ok {
		return val
	}
	s, ok := e.env[key]
	if !ok {
		return nil
	}
	val := e.rt.ToValue(s)
	e.set(key, val)
	return val
}

func (e *envObject) set(key string, val sobek.Value) {
	if e.vals == nil {
		e.vals = make(map[string]sobek.Value, 2)
	}
	e.vals[key] = val
}

// Set writes key for this VU.
func (e *envObject) Set(key string, val sobek.Value) bool {
	e.set(key, val)
	return true
}

// Has reports whether the VU sees key.
func (e *envObject) Has(key string) bool {
	if val, ok := e.vals[key]; ok {
		return val != nil
	}
	_, ok := e.env[key]
	return ok
}

// Delete removes key for this VU.
func (e *envObject) Delete(key string) bool {
	e.set(key, nil)
	return true
}

// Keys lists the keys the VU sees, sorted.
func (e *envObject) Keys() []string {
	keys := make([]string, 0, len(e.env)+len(e.vals))
	for k := range e.env {
		if e.Has(k) {
			keys = append(keys, k)
		}
	}
	for k, val := range e.vals {
		if _, shared := e.env[k]; val != nil && !shared {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// newConsole builds console with log/info/warn/error/debug going to the
// logger with source=console.
func (v *VU) newConsole() *sobek.Object {
	o := v.rt.NewObject()
	levels := []struct {
		name  string
		level slog.Level
	}{{"log", slog.LevelInfo}, {"info", slog.LevelInfo}, {"warn", slog.LevelWarn}, {"error", slog.LevelError}, {"debug", slog.LevelDebug}}
	for _, l := range levels {
		level := l.level
		must(o.Set(l.name, func(call sobek.FunctionCall) sobek.Value {
			v.r.logger.Log(context.Background(), level, v.formatArgs(call.Arguments), "source", "console")
			return sobek.Undefined()
		}))
	}
	return o
}

func (v *VU) formatArgs(args []sobek.Value) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(v.formatValue(a))
	}
	return b.String()
}

func (v *VU) formatValue(a sobek.Value) string {
	o, ok := a.(*sobek.Object)
	if !ok || a.ExportType() == nil {
		return a.String()
	}
	if _, isFn := sobek.AssertFunction(a); isFn {
		return "[object Function]"
	}
	s := ""
	if ex := v.rt.Try(func() {
		if st := o.Get("stack"); st != nil && !sobek.IsUndefined(st) {
			s = st.String()
			return
		}
		b, err := o.MarshalJSON()
		if err != nil {
			s = o.String()
			return
		}
		s = string(b)
	}); ex != nil {
		return "[object]"
	}
	return s
}

// fileCache keeps files VU 0 opened, so later VUs read them from memory.
type fileCache struct {
	mu     sync.RWMutex
	files  map[string][]byte
	locked bool
}

// open is the init-only global open(path, mode).
func (v *VU) open(call sobek.FunctionCall) sobek.Value {
	rt := v.rt
	if v.initEnv == nil {
		panic(rt.NewGoError(fmt.Errorf(`the "open" function is only available in the init stage (i.e. the global scope), see https://grafana.com/docs/k6/latest/using-k6/test-lifecycle/ for more information`)))
	}
	p := call.Argument(0).String()
	if p == "" {
		panic(rt.NewTypeError("open() can't be used with an empty filename"))
	}
	path := v.resolvePath(p)
	data, err := v.r.readCached(path, v.id)
	if err != nil {
		panic(rt.NewGoError(err))
	}
	if call.Argument(1).String() == "b" {
		buf := make([]byte, len(data))
		copy(buf, data)
		return rt.ToValue(rt.NewArrayBuffer(buf))
	}
	return rt.ToValue(string(data))
}

// resolvePath resolves p against the directory of the file require() is
// evaluating, else of the module executing at the root of the stack.
func (v *VU) resolvePath(p string) string {
	p = strings.TrimPrefix(p, "file://")
	if strings.HasPrefix(p, "/") {
		return p
	}
	base := v.r.root
	if n := len(v.requiring); n > 0 {
		base = v.requiring[n-1] // the file require() is evaluating
	} else {
		frames := v.rt.CaptureCallStack(0, nil)
		for i := len(frames) - 1; i >= 0; i-- {
			if n := frames[i].SrcName(); n == stdinURL {
				break // the stdin script: relative to the working directory
			} else if strings.HasPrefix(n, "file://") {
				base = dirOf(n)
				break
			}
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		return p
	}
	r, err := u.Parse(p)
	if err != nil {
		return p
	}
	return r.Path
}

// readCached reads path, caching it for later VUs; once locked, only VU 0
// may read files not yet in the cache.
func (r *Runner) readCached(path string, id uint64) ([]byte, error) {
	fc := &r.files
	fc.mu.RLock()
	data, ok := fc.files[path]
	locked := fc.locked
	fc.mu.RUnlock()
	if ok {
		return data, nil
	}
	if locked && id != 0 {
		return nil, fmt.Errorf("open() can't be used with files that weren't previously opened during initialization (__VU==0), path: %q", path)
	}
	data, err := r.read(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	fc.mu.Lock()
	if fc.files == nil {
		fc.files = map[string][]byte{}
	}
	fc.files[path] = data
	fc.mu.Unlock()
	return data, nil
}
