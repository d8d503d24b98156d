package llm

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const modulePath = "github.com/llmbench/llmbench"

// imports lists the imports of every non-test Go file under dir (whatever
// its build tags), by file.
func imports(t *testing.T, dir string, recurse bool) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && (!recurse || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			out[path] = append(out[path], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLayering keeps the documented layering (docs/architecture.md, SPEC
// §2): the engine under internal/ never imports the root package (GPU
// sampling reaches the CLI through gpustat.Source from cmd/llmbench), the
// root does not import the aggregate, and the leaf packages stay leaves.
func TestLayering(t *testing.T) {
	if _, err := os.Stat("internal"); err != nil {
		t.Fatalf("run from the module root: %v", err)
	}
	for file, ims := range imports(t, "internal", true) {
		for _, p := range ims {
			if p == modulePath {
				t.Errorf("%s imports the root package %s; hand it in from cmd/llmbench instead", file, modulePath)
			}
		}
	}
	for file, ims := range imports(t, ".", false) {
		for _, p := range ims {
			if p == modulePath+"/internal/aggregate" {
				t.Errorf("%s imports internal/aggregate; the root takes plain data (internal/gpustat)", file)
			}
		}
	}
	leaves := map[string][]string{
		"internal/duration": nil,
		"internal/gpustat":  {modulePath + "/internal/metrics"},
	}
	for dir, allowed := range leaves {
		for file, ims := range imports(t, dir, false) {
			for _, p := range ims {
				if strings.Contains(p, ".") && !slices.Contains(allowed, p) {
					t.Errorf("%s imports %s; %s is a leaf package", file, p, dir)
				}
			}
		}
	}
}
