package js

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"

	"github.com/grafana/sobek"
)

// setGlobals installs __VU, __ITER, __ENV, global (not in base
// compatibility mode), console, open and the timer functions on a fresh
// runtime.
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
	must(rt.Set("console", v.newConsole()))
	must(rt.Set("open", v.open))
	v.timers.install(rt)
	v.refuseCommonJS()
}

// refuseCommonJS makes the globals module and exports throw, as k6 does in
// an ES module (a CommonJS file sees its wrapper's parameters instead), and
// installs require.
func (v *VU) refuseCommonJS() {
	rt := v.rt
	g := rt.GlobalObject()
	for _, name := range []string{"module", "exports"} {
		msg := fmt.Sprintf(`you are trying to access identifier %q, this likely is due to mixing ECMAScript Modules (ESM) and CommonJS syntax: `+
			`use export in an ES module, or module.exports in a file with no import or export (see docs/compatibility.md)`, name)
		get := rt.ToValue(func() sobek.Value { panic(rt.NewTypeError(msg)) })
		must(g.DefineAccessorProperty(name, get, nil, sobek.FLAG_FALSE, sobek.FLAG_TRUE))
	}
	must(rt.Set("require", v.require))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// envObject builds a plain JS object from env.
func envObject(rt *sobek.Runtime, env map[string]string) *sobek.Object {
	o := rt.NewObject()
	for k, val := range env {
		must(o.Set(k, val))
	}
	return o
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
