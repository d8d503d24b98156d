package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/js"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/vu"
)

// TestNamespaceImportsInTheFirstRuntime: for every module a script may
// import, `import * as ns` lists the names of the instance's exports (its
// default object's keys), in the first runtime's init code (which gives
// the options, before any instance of the module exists) as in a VU's
// iteration, and each module is a modules.ExportNamer. Without the names up front, the first runtime saw
// an empty namespace and `new metrics.Counter(…)` in init code threw.
func TestNamespaceImportsInTheFirstRuntime(t *testing.T) {
	mods := registry()
	for _, name := range mods.Names() {
		t.Run(name, func(t *testing.T) {
			m, _ := mods.Get(name)
			if _, ok := m.(modules.ExportNamer); !ok {
				t.Errorf("%T is not a modules.ExportNamer", m)
			}
			src := `import * as ns from '` + name + `';
const atInit = Object.keys(ns).join(',');
export const options = { tags: { names: atInit } };
function check(when) {
  const named = Object.keys(ns).filter((k) => k !== 'default').join(',');
  const made = Object.keys(ns.default).sort().join(',');
  if (named !== made) throw new Error(when + ': the namespace lists ' + named + ', the instance exports ' + made);
  for (const k of Object.keys(ns)) {
    if (k !== 'default' && ns[k] === undefined) throw new Error(when + ': ' + k + ' is undefined');
  }
}
check('init');
export default function () {
  const now = Object.keys(ns).join(',');
  if (now !== atInit) throw new Error('in the iteration: ' + now + '; in the first init: ' + atInit);
  check('iteration');
}
`
			path := filepath.Join(t.TempDir(), "ns.js")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			reg := metrics.NewRegistry()
			r, err := js.Load(context.Background(), path, js.Options{Modules: mods, Metrics: reg, Builtins: metrics.RegisterBuiltins(reg), Test: &vu.State{}})
			if err != nil {
				t.Fatal(err)
			}
			var opts struct {
				Tags struct{ Names string }
			}
			if err := json.Unmarshal(r.Options(), &opts); err != nil {
				t.Fatal(err)
			}
			if names := strings.Split(opts.Tags.Names, ","); len(names) < 2 || !strings.Contains(opts.Tags.Names, "default") {
				t.Errorf("the first runtime's namespace lists %q, want the exports and default", opts.Tags.Names)
			}
			v, err := r.NewVU(context.Background(), 1, metrics.Discard)
			if err != nil {
				t.Fatal(err)
			}
			it := &vu.Iteration{Scenario: &vu.Scenario{Name: "default", Executor: "shared-iterations", Exec: "default"}}
			if err := v.RunOnce(context.Background(), it); err != nil {
				t.Fatal(err)
			}
		})
	}
}
