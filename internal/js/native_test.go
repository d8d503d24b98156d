package js

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
)

// countingModule has four named exports, functions that count their calls,
// as a Named map or (lookup set) as Names and a Lookup that counts the
// values it makes.
type countingModule struct {
	calls  *atomic.Int64
	lookup *atomic.Int64
}

func (m countingModule) NewInstance(modules.VU) (modules.Instance, error) { return m, nil }
func (m countingModule) Exports() modules.Exports {
	fn := func(k string) any { return func() string { m.calls.Add(1); return k } }
	names := []string{"a", "b", "c", "d"}
	if m.lookup != nil {
		return modules.Exports{Names: names, Lookup: func(k string) any { m.lookup.Add(1); return fn(k) }}
	}
	named := map[string]any{}
	for _, k := range names {
		named[k] = fn(k)
	}
	return modules.Exports{Named: named}
}

// exportForms are countingModule's two forms of named exports.
var exportForms = []struct {
	name   string
	module func() countingModule
}{
	{"Named", func() countingModule { return countingModule{calls: &atomic.Int64{}} }},
	{"Lookup", func() countingModule { return countingModule{calls: &atomic.Int64{}, lookup: &atomic.Int64{}} }},
}

// TestDefaultExportOfNamedModule: the default export of a module with only
// named exports behaves as the plain object it replaces (keys, identity
// with the named bindings, assignment, deletion, spread), and the named
// bindings are live views of its properties, as in k6 (checked against
// k6 v1.8.1: after `http.get = f; delete http.post`, the imported get is f
// and post is undefined).
func TestDefaultExportOfNamedModule(t *testing.T) {
	for _, form := range exportForms {
		t.Run(form.name, func(t *testing.T) { testDefaultExportOfNamedModule(t, form.module()) })
	}
}

func testDefaultExportOfNamedModule(t *testing.T, mod countingModule) {
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
		if err := o.Modules.Register("k6/x/count", mod); err != nil {
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

// TestNamedExportsConvertLazily: only what the script reads is converted
// (and, with Lookup, made); a Lookup module's instance does without the
// list of names once the module record has it.
func TestNamedExportsConvertLazily(t *testing.T) {
	for _, form := range exportForms {
		t.Run(form.name, func(t *testing.T) {
			mod := form.module()
			rt := sobek.New()
			i, names := exportValues(rt, mod.Exports(), true)
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
			if got := strings.Join(d.Keys(), ","); got != "a,b,c,d" {
				t.Errorf("default object's keys %s", got)
			}
			if sobek.IsUndefined(i.GetBindingValue("nope")) != true || d.Get("nope") != nil {
				t.Errorf("an unknown name has a value")
			}
			if mod.lookup != nil && mod.lookup.Load() != 1 {
				t.Errorf("Lookup called %d times, want once (for b)", mod.lookup.Load())
			}
			_, names = exportValues(sobek.New(), mod.Exports(), false)
			if mod.lookup != nil && names != nil {
				t.Errorf("names made without being wanted: %v", names)
			}
		})
	}
}
