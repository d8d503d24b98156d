package js

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/grafana/sobek"
	"github.com/grafana/sobek/parser"

	"github.com/llmbench/llmbench/internal/js/modules"
)

// stdinURL names the script read from standard input (`llmbench run -`),
// as k6 names it.
const stdinURL = "file:///-"

// loader resolves and parses the script's modules once per process. File
// and remote modules are named by their absolute file:// or https:// URL;
// native modules by their registered name. It is goroutine-safe and, once
// locked after VU 0's init, answers only from its cache.
type loader struct {
	native map[string]*nativeRecord
	names  []string
	read   func(string) ([]byte, error)
	// stdin is the source of file:///- (the script given as "-").
	stdin []byte
	// cwd is the directory URL (ending in "/") that the stdin script's
	// relative imports resolve against.
	cwd    *url.URL
	remote remoteFetcher

	mu     sync.RWMutex
	byURL  map[string]sobek.ModuleRecord
	urlOf  map[sobek.ModuleRecord]*url.URL
	errs   map[string]error
	locked atomic.Bool
	// commonJS holds the modules run as CommonJS (no import or export).
	commonJS map[sobek.ModuleRecord]bool

	linkMu sync.Mutex
	linked map[sobek.ModuleRecord]bool // modules require() linked
}

func newLoader(reg *modules.Registry, read func(string) ([]byte, error), vus *vuIndex) *loader {
	l := &loader{
		native: map[string]*nativeRecord{},
		read:   read,
		byURL:  map[string]sobek.ModuleRecord{},
		urlOf:  map[sobek.ModuleRecord]*url.URL{},
		errs:   map[string]error{},

		commonJS: map[sobek.ModuleRecord]bool{},
		linked:   map[sobek.ModuleRecord]bool{},
	}
	l.remote.cache = map[string][]byte{}
	if reg != nil {
		l.names = reg.Names()
		for _, n := range l.names {
			m, _ := reg.Get(n)
			l.native[n] = &nativeRecord{name: n, mod: m, vus: vus}
		}
	}
	return l
}

// scriptURL turns the script argument into the entry module's URL: "-" is
// file:///- (standard input), an https:// or file:// URL stays as it is,
// and a path (absolute, or relative to the CWD) becomes a file URL.
func scriptURL(p string) (*url.URL, error) {
	if p == "-" {
		return url.Parse(stdinURL)
	}
	if strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "file://") {
		return url.Parse(p)
	}
	return fileURL(p)
}

// fileURL turns a path (absolute or relative to the CWD) into an absolute
// file URL.
func fileURL(p string) (*url.URL, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, fmt.Errorf("resolving %q: %w", p, err)
	}
	return &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}, nil
}

// dirURL returns the file URL of directory dir, ending in "/".
func dirURL(dir string) *url.URL {
	p := filepath.ToSlash(dir)
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return &url.URL{Scheme: "file", Path: p}
}

// UnknownModuleError is an import that names no file, URL or registered
// module. Its message is one line naming the specifier and, for a k6
// module or extension llmbench lacks, saying so.
type UnknownModuleError struct {
	Name       string
	Registered []string
}

func (e *UnknownModuleError) Error() string {
	switch {
	case strings.HasPrefix(e.Name, "k6/x/"):
		return fmt.Sprintf("unknown extension %q: llmbench's extensions are built in, there is no automatic extension resolution; this binary has %s (see docs/compatibility.md)",
			e.Name, e.extensions())
	case e.Name == "k6" || strings.HasPrefix(e.Name, "k6/"):
		return fmt.Sprintf("module %q is a k6 module llmbench does not implement (see docs/compatibility.md); available: %s",
			e.Name, strings.Join(e.Registered, ", "))
	case strings.HasPrefix(e.Name, "github.com/") || strings.HasPrefix(e.Name, "cdnjs.com/"):
		return fmt.Sprintf("%q: github.com and cdnjs.com 'special' urls are no longer supported - please use real ones (an https:// URL)", e.Name)
	default:
		return fmt.Sprintf("The moduleSpecifier %q couldn't be recognised as something k6 supports: imports are ./relative or /absolute paths, file:// or https:// URLs, or one of %s",
			e.Name, strings.Join(e.Registered, ", "))
	}
}

func (e *UnknownModuleError) extensions() string {
	var xs []string
	for _, n := range e.Registered {
		if strings.HasPrefix(n, "k6/x/") {
			xs = append(xs, n)
		}
	}
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

// resolveURL applies k6's resolution rules to spec imported from the
// module at base (nil for the entry script).
func (l *loader) resolveURL(base *url.URL, spec string) (*url.URL, error) {
	if base != nil && base.String() == stdinURL && l.cwd != nil {
		base = l.cwd
	}
	switch {
	case strings.Contains(spec, "://"):
		u, err := url.Parse(spec)
		if err != nil {
			return nil, fmt.Errorf("resolving module %q: %w", spec, err)
		}
		if u.Scheme != "file" && u.Scheme != "https" {
			return nil, fmt.Errorf("only supported schemes for imports are file and https, %s has `%s`", spec, u.Scheme)
		}
		if u.Scheme == "file" && base != nil && base.Scheme == "https" {
			return nil, fmt.Errorf("origin (%s) not allowed to load local file: %s", base, spec)
		}
		return u, nil
	case strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || filepath.IsAbs(spec):
		if base == nil {
			return fileURL(spec)
		}
		u, err := base.Parse(filepath.ToSlash(spec))
		if err != nil {
			return nil, fmt.Errorf("resolving module %q: %w", spec, err)
		}
		return u, nil
	default:
		return nil, &UnknownModuleError{Name: spec, Registered: l.names}
	}
}

// resolve is the sobek HostResolveImportedModuleFunc.
func (l *loader) resolve(referrer any, spec string) (sobek.ModuleRecord, error) {
	if m, ok := l.native[spec]; ok {
		return m, nil
	}
	var base *url.URL
	if rm, ok := referrer.(sobek.ModuleRecord); ok {
		l.mu.RLock()
		base = l.urlOf[rm]
		l.mu.RUnlock()
	}
	u, err := l.resolveURL(base, spec)
	if err != nil {
		return nil, err
	}
	key := u.String()
	l.mu.RLock()
	m, ok := l.byURL[key]
	perr := l.errs[key]
	l.mu.RUnlock()
	if ok {
		return m, nil
	}
	if perr != nil {
		return nil, perr
	}
	if l.locked.Load() {
		return nil, fmt.Errorf("the module %q was not previously resolved during initialization (__VU==0)", key)
	}
	rec, err := l.load(spec, u)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.errs[key] = err
		return nil, err
	}
	if prev, ok := l.byURL[key]; ok {
		return prev, nil
	}
	l.byURL[key], l.urlOf[rec] = rec, u
	return rec, nil
}

// load reads the module at u (imported as spec) and parses it: as
// JavaScript first, then, if that fails for a .ts file or the stdin
// script, as TypeScript with its types stripped.
func (l *loader) load(spec string, u *url.URL) (sobek.ModuleRecord, error) {
	src, err := l.source(spec, u)
	if err != nil {
		return nil, err
	}
	name := u.String()
	rec, cjs, err := parseModule(name, string(src), l.resolve)
	if err != nil && isTypeScript(u) {
		rec, cjs, err = parseTypeScript(name, src, l.resolve)
	}
	if err != nil {
		return nil, err
	}
	if cjs {
		l.mu.Lock()
		l.commonJS[rec] = true
		l.mu.Unlock()
	}
	return rec, nil
}

// isCommonJS reports whether m was loaded as a CommonJS file.
func (l *loader) isCommonJS(m sobek.ModuleRecord) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.commonJS[m]
}

// source returns the bytes of the module at u.
func (l *loader) source(spec string, u *url.URL) ([]byte, error) {
	switch {
	case u.String() == stdinURL:
		return l.stdin, nil
	case u.Scheme == "https":
		return l.remote.fetch(spec, u)
	}
	src, err := l.read(u.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("The moduleSpecifier %q couldn't be found on local disk. Make sure that you've specified the right path to the file (%s): %w", spec, u, err)
	}
	if err != nil {
		return nil, fmt.Errorf("loading module %s: %w", u, err)
	}
	return src, nil
}

// parseModule parses one module, with source maps disabled unless opts
// say otherwise, turning the parser's panics on unsupported export forms
// into errors. As in k6, a file with no import, no export and no
// top-level await is CommonJS: it is run wrapped in a function of
// (module, exports), and module.exports becomes its default export.
func parseModule(name, src string, r sobek.HostResolveImportedModuleFunc, opts ...parser.Option) (m *sobek.SourceTextModuleRecord, cjs bool, err error) {
	defer func() {
		if x := recover(); x != nil {
			m, cjs, err = nil, false, fmt.Errorf("%s: unsupported module syntax: %v", name, x)
		}
	}()
	if len(opts) == 0 {
		opts = []parser.Option{parser.WithDisableSourceMaps}
	}
	opts = append(opts, parser.IsModule)
	prg, err := sobek.Parse(name, src, opts...)
	if err != nil {
		return nil, false, err
	}
	if len(prg.ImportEntries) == 0 && len(prg.ExportEntries) == 0 && !prg.HasTLA {
		cjs = true
		if prg, err = sobek.Parse(name, commonJSPrefix+src+commonJSSuffix, opts...); err != nil {
			return nil, false, err
		}
	}
	m, err = sobek.ModuleFromAST(prg, r)
	return m, cjs, err
}

// The CommonJS wrapper. The prefix has no newline, so line numbers stay
// those of the file (columns on its first line shift). `this` is
// module.exports, as in Node and k6.
const (
	commonJSPrefix = "const module = { exports: {} }; (function (module, exports) {"
	commonJSSuffix = "\n}).call(module.exports, module, module.exports);\nexport default module.exports;\n"
)

// link links the entry module (parsing and compiling its dependencies).
func link(m sobek.ModuleRecord) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("linking modules: %v", x)
		}
	}()
	return m.Link()
}

// dirOf returns the directory URL of a module name, for open().
func dirOf(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i+1]
	}
	return name
}

// osRead is the default file reader.
func osRead(p string) ([]byte, error) {
	// A device or a FIFO (open('/dev/zero'), a named pipe) would never end,
	// or block, while the read cannot be interrupted: refuse them.
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a regular file (%s): llmbench reads only files", p, fi.Mode().Type())
	}
	return os.ReadFile(p)
}
