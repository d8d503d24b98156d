package js

import (
	"context"
	"strings"
	"testing"
)

// globalsScript checks, in init and in an iteration, what a script sees of
// the globals made on first read (console, open, require, the timers,
// module/exports) and of __ENV; each check throws with its line.
const globalsScript = `import { setTimeout as kst } from 'k6/timers';
function eq(got, want, what) {
  if (got !== want) throw new Error(what + ': got ' + got + ', want ' + want);
}
function common() {
  for (const n of ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'require', 'open']) {
    eq(typeof globalThis[n], 'function', 'typeof ' + n);
    eq(n in globalThis, true, n + ' in globalThis');
  }
  eq(typeof console.log, 'function', 'typeof console.log');
  eq(console, console, 'console is one object');
  eq(setTimeout, globalThis.setTimeout, 'setTimeout is one function');
  eq(kst, setTimeout, 'k6/timers exports the global setTimeout');
  eq(typeof notDefinedAnywhere, 'undefined', 'typeof an unknown global');
  let threw = '';
  try { notDefinedAnywhere; } catch (e) { threw = e.name; }
  eq(threw, 'ReferenceError', 'reading an unknown global');
  threw = '';
  try { module.exports; } catch (e) { threw = e.message; }
  eq(threw.includes('mixing ECMAScript Modules (ESM) and CommonJS syntax'), true, 'module throws k6 error: ' + threw);
  eq(Object.getPrototypeOf(Object.getPrototypeOf(globalThis)), Object.prototype, 'the chain ends at Object.prototype');
  eq(globalThis.hasOwnProperty('toString'), false, 'toString is inherited');
  eq(typeof globalThis.toString, 'function', 'Object.prototype still reached');
}
common();
eq(__ENV.BASE, 'b', '__ENV.BASE in init');
__ENV.INIT = 'set in init';
export default function () {
  common();
  eq(__ENV.BASE, 'b', '__ENV.BASE');
  eq(__ENV.INIT, 'set in init', 'a write in init stays for the VU');
  eq('BASE' in __ENV, true, "'BASE' in __ENV");
  eq('NOPE' in __ENV, false, "'NOPE' in __ENV");
  eq(__ENV.NOPE, undefined, '__ENV.NOPE');
  eq(JSON.stringify(__ENV), '{"BASE":"b","INIT":"set in init","ZED":"z"}', 'JSON of __ENV (sorted keys)');
  eq(JSON.stringify({ ...__ENV, BASE: 'spread' }), '{"BASE":"spread","INIT":"set in init","ZED":"z"}', 'spread of __ENV');
  __ENV.BASE = 'mine';
  eq(__ENV.BASE, 'mine', 'a write to a shared key');
  delete __ENV.ZED;
  eq('ZED' in __ENV, false, 'a deleted key');
  eq(Object.keys(__ENV).join(','), 'BASE,INIT', 'keys after the delete');
  const mine = { log() { globalThis.logged = true; } };
  globalThis.console = mine;
  console.log('x');
  eq(globalThis.logged, true, 'an assigned console is used');
  eq(globalThis.hasOwnProperty('console'), true, 'assigning console makes an own property');
}
`

// TestLazyGlobals runs globalsScript's checks in two VUs: one VU's writes to
// __ENV and the globals it replaces do not reach the other, and the shared
// environment is never written.
func TestLazyGlobals(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"BASE": "b", "ZED": "z"}
	r, err := loadSource(t, globalsScript, func(o *Options) { o.Env = vars })
	if err != nil {
		t.Fatal(err)
	}
	for id := uint64(1); id <= 2; id++ {
		ev := &env{r: r, out: &collector{}}
		v := ev.newVU(t, id)
		if err := v.RunOnce(context.Background(), iteration(scenario("default", "default"))); err != nil {
			t.Fatalf("VU %d: %v", id, err)
		}
	}
	if len(vars) != 2 || vars["BASE"] != "b" || vars["ZED"] != "z" {
		t.Errorf("the shared environment changed: %v", vars)
	}
}

// TestLazyGlobalsNotMadeUnread: a VU whose script reads none of the lazy
// globals holds none of them, and __ENV holds only the keys read.
func TestLazyGlobalsNotMadeUnread(t *testing.T) {
	t.Parallel()
	r, err := loadSource(t, "export default function () { return __ENV.BASE + 'x'; }\n", func(o *Options) {
		o.Env = map[string]string{"BASE": "b", "OTHER": "o"}
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := &env{r: r, out: &collector{}}
	v := ev.newVU(t, 1)
	if err := v.RunOnce(context.Background(), iteration(scenario("default", "default"))); err != nil {
		t.Fatal(err)
	}
	lazy, ok := v.rt.GlobalObject().Prototype().Export().(*lazyGlobals)
	if !ok {
		t.Fatalf("the global object's prototype is %T, want the lazy globals", v.rt.GlobalObject().Prototype().Export())
	}
	if len(lazy.made) != 0 {
		t.Errorf("lazy globals made without a read: %v", keysOf(lazy.made))
	}
	envObj, ok := v.env.Export().(*envObject)
	if !ok {
		t.Fatalf("__ENV is %T", v.env.Export())
	}
	if got := strings.Join(keysOf(envObj.vals), ","); got != "BASE" {
		t.Errorf("__ENV values made: %q, want only BASE", got)
	}
}

func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
