package js

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
)

// countingModule has four named exports, functions that count their calls.
type countingModule struct{ calls *atomic.Int64 }

func (m countingModule) NewInstance(modules.VU) (modules.Instance, error) { return m, nil }
func (m countingModule) Exports() modules.Exports {
	named := map[string]any{}
	for _, k := range []string{"a", "b", "c", "d"} {
		named[k] = func() string { m.calls.Add(1); return k }
	}
	return modules.Exports{Named: named}
}

// TestDefaultExportOfNamedModule: the default export of a module with only
// named exports behaves as the plain object it replaces (keys, identity
// with the named bindings, assignment, deletion, spread), and the named
// bindings are live views of its properties, as in k6 (checked against
// k6 v1.8.1: after `http.get = f; delete http.post`, the imported get is f
// and post is undefined).
func TestDefaultExportOfNamedModule(t *testing.T) {
	calls := &atomic.Int64{}
	src := `
import m, { a } from 'k6/x/count';
import * as ns from 'k6/x/count';
export default function () {
  const out = [];
  out.push(Object.keys(m).join(''), m.a === a, ns.b === m.b, 'c' in m, m.nope === undefined, m.b());
  const orig = m.a;
  m.a = () => 'patched';
  out.push(m.a(), Object.keys(m).join(''), orig !== m.a, a(), a === m.a);
  delete m.a;
  out.push(m.a === undefined, 'a' in m, Object.keys(m).join(''), a === undefined);
  m.a = 1; m.z = 2;
  out.push(Object.keys(m).join(''), Object.keys({ ...m }).length);
  delete m.z;
  out.push(Object.keys(m).join(''));
  if (out.join(',') !== EXPECTED) throw new Error(out.join(','));
}
`
	want := "abcd,true,true,true,true,b,patched,abcd,true,patched,true,true,false,bcd,true,bcdaz,5,bcda"
	r, err := loadSource(t, strings.Replace(src, "EXPECTED", "'"+want+"'", 1), func(o *Options) {
		if err := o.Modules.Register("k6/x/count", countingModule{calls}); err != nil {
			t.Fatal(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := r.NewVU(context.Background(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.RunOnce(context.Background(), iteration(scenario("default", "default"))); err != nil {
		t.Fatal(err)
	}
}

// TestNamedExportsConvertLazily: only what the script reads is converted.
func TestNamedExportsConvertLazily(t *testing.T) {
	rt := sobek.New()
	i, names := exportValues(rt, countingModule{&atomic.Int64{}}.Exports())
	if got := strings.Join(names, ","); got != "a,b,c,d,default" {
		t.Errorf("names %s", got)
	}
	if len(i.vals) != 1 {
		t.Fatalf("%d values converted before any read, want only default", len(i.vals))
	}
	d := i.GetBindingValue("default").(*sobek.Object)
	if d.Get("b") != i.GetBindingValue("b") || len(i.vals) != 2 {
		t.Errorf("after reading b: %d values converted, want 2, and one value for both bindings", len(i.vals))
	}
}
