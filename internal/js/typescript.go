package js

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/grafana/sobek"
	"github.com/grafana/sobek/parser"
)

// isTypeScript reports whether a module that failed to parse as JavaScript
// gets a second try as TypeScript: a name ending in .ts (remote URLs too)
// or the stdin script, as in k6. .tsx, .mts and .cts are not.
func isTypeScript(u *url.URL) bool {
	return strings.HasSuffix(u.Path, ".ts") || u.String() == stdinURL
}

// TypeScriptError is esbuild's first error for a TypeScript module, at
// its position in the .ts source.
type TypeScriptError struct {
	File         string
	Line, Column int // 1-based line, 0-based column (sobek's form)
	Text         string
}

func (e *TypeScriptError) Error() string {
	return fmt.Sprintf("SyntaxError: %s: Line %d:%d %s", e.File, e.Line, e.Column+1, e.Text)
}

// parseTypeScript strips the types from src with esbuild's transform
// (loader ts, target ESNext, no bundling, so JS syntax is not lowered and
// imports stay as they are) and parses the result with its source map, so
// that positions in stack traces and errors point at the .ts lines.
func parseTypeScript(name string, src []byte, r sobek.HostResolveImportedModuleFunc) (*sobek.SourceTextModuleRecord, bool, error) {
	res := api.Transform(string(src), api.TransformOptions{
		Loader:         api.LoaderTS,
		Target:         api.ESNext,
		Format:         api.FormatDefault,
		Sourcemap:      api.SourceMapExternal,
		SourcesContent: api.SourcesContentExclude,
		Sourcefile:     name,
		LogLevel:       api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		m := res.Errors[0]
		e := &TypeScriptError{File: name, Text: m.Text}
		if m.Location != nil {
			e.Line, e.Column = m.Location.Line, m.Location.Column
		}
		return nil, false, e
	}
	mapURL := name + ".map"
	code := string(res.Code) + "\n//# sourceMappingURL=" + mapURL + "\n"
	loadMap := func(u string) ([]byte, error) {
		if u == mapURL {
			return res.Map, nil
		}
		return nil, nil
	}
	return parseModule(name, code, r, parser.WithSourceMapLoader(loadMap))
}
