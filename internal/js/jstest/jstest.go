// Package jstest runs small scripts through the real engine for the tests
// of JS modules: Setup writes a script to a temporary directory, loads it
// with the built-in modules (VU 0 init, as `llmbench run` does) and returns
// the JSON of what its setup() returned.
package jstest

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmbench/llmbench/internal/js"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// Setup runs src (an ES module that exports setup and default) and returns
// the JSON of setup()'s result, or the error of loading or of setup.
func Setup(t testing.TB, src string) ([]byte, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "script.js")
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	reg := modules.NewRegistry()
	builtin.Register(reg)
	r, err := js.Load(context.Background(), p, js.Options{Modules: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	if err := r.Setup(context.Background(), nil); err != nil {
		return nil, err
	}
	return r.SetupData(), nil
}

// Prelude defines show(x) for Expr scripts: an ArrayBuffer becomes
// "AB:<hex>" so byte results compare as strings.
const Prelude = `function show(x) {
	if (x instanceof ArrayBuffer) {
		return "AB:" + Array.from(new Uint8Array(x)).map(b => b.toString(16).padStart(2, "0")).join("");
	}
	return x;
}
`

// Expr evaluates the JS expression expr in setup(), after imports (import
// lines) and Prelude, and returns show(result) as a string, or the thrown
// error's String() with ok false.
func Expr(t testing.TB, imports, expr string) (out string, ok bool) {
	t.Helper()
	src := imports + "\n" + Prelude + `
export function setup() {
	try { return { v: String(show(` + expr + `)) }; } catch (e) { return { err: String(e) }; }
}
export default function () {}
`
	b, err := Setup(t, src)
	if err != nil {
		t.Fatalf("running %s: %v", expr, err)
	}
	var res struct {
		V   *string
		Err *string
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("setup() result %s: %v", b, err)
	}
	if res.Err != nil {
		return *res.Err, false
	}
	return *res.V, true
}
