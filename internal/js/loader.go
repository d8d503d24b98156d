package js

import (
	"fmt"
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

// loader resolves and parses the script's modules once per process. File
// modules are named by their absolute file:// URL; native modules by their
// registered name. It is goroutine-safe and, once locked after VU 0's init,
// answers only from its cache.
type loader struct {
	native map[string]*nativeRecord
	names  []string
	read   func(string) ([]byte, error)

	mu     sync.RWMutex
	byURL  map[string]sobek.ModuleRecord
	urlOf  map[sobek.ModuleRecord]*url.URL
	errs   map[string]error
	locked atomic.Bool
}

func newLoader(reg *modules.Registry, read func(string) ([]byte, error), vus *vuIndex) *loader {
	l := &loader{
		native: map[string]*nativeRecord{},
		read:   read,
		byURL:  map[string]sobek.ModuleRecord{},
		urlOf:  map[sobek.ModuleRecord]*url.URL{},
		errs:   map[string]error{},
	}
	if reg != nil {
		l.names = reg.Names()
		for _, n := range l.names {
			m, _ := reg.Get(n)
			l.native[n] = &nativeRecord{name: n, mod: m, vus: vus}
		}
	}
	return l
}

// fileURL turns a script path (absolute, relative to the CWD, or a file://
// URL) into an absolute file URL.
func fileURL(p string) (*url.URL, error) {
	if strings.HasPrefix(p, "file://") {
		return url.Parse(p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, fmt.Errorf("resolving %q: %w", p, err)
	}
	return &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}, nil
}

// UnknownModuleError is an import of a module that is neither a file nor
// registered.
type UnknownModuleError struct {
	Name       string
	Registered []string
}

func (e *UnknownModuleError) Error() string {
	return fmt.Sprintf("unknown module %q: not a relative path (./, ../), an absolute path or a file:// URL, and not one of the registered modules: %s",
		e.Name, strings.Join(e.Registered, ", "))
}

func isPathSpec(spec string) bool {
	return strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") ||
		strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "file://")
}

// resolve is the sobek HostResolveImportedModuleFunc.
func (l *loader) resolve(referrer any, spec string) (sobek.ModuleRecord, error) {
	if m, ok := l.native[spec]; ok {
		return m, nil
	}
	if !isPathSpec(spec) {
		return nil, &UnknownModuleError{Name: spec, Registered: l.names}
	}
	var base *url.URL
	if rm, ok := referrer.(sobek.ModuleRecord); ok {
		l.mu.RLock()
		base = l.urlOf[rm]
		l.mu.RUnlock()
	}
	var u *url.URL
	var err error
	if base != nil {
		u, err = base.Parse(spec)
	} else {
		u, err = fileURL(spec)
	}
	if err != nil {
		return nil, fmt.Errorf("resolving module %q: %w", spec, err)
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
	rec, err := l.load(u)
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

func (l *loader) load(u *url.URL) (sobek.ModuleRecord, error) {
	src, err := l.read(u.Path)
	if err != nil {
		return nil, fmt.Errorf("loading module %s: %w", u, err)
	}
	return parseModule(u.String(), string(src), l.resolve)
}

// parseModule parses one module with source maps disabled, turning the
// parser's panics on unsupported export forms into errors.
func parseModule(name, src string, r sobek.HostResolveImportedModuleFunc) (m *sobek.SourceTextModuleRecord, err error) {
	defer func() {
		if x := recover(); x != nil {
			m, err = nil, fmt.Errorf("%s: unsupported module syntax: %v", name, x)
		}
	}()
	return sobek.ParseModule(name, src, r, parser.WithDisableSourceMaps)
}

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
