package js

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/vu"
)

func TestMoreLoadErrors(t *testing.T) {
	tests := []struct {
		script string
		want   []string
	}{
		{"bare_import.js", []string{`The moduleSpecifier "lodash" couldn't be recognised`, "k6/timers"}},
		{"keyed_export.js", []string{"keyed_export.js: unsupported module syntax"}},
		{"dep_syntax/main.js", []string{"SyntaxError", "dep_syntax/broken.js: Line 1:18"}},
	}
	for _, tc := range tests {
		t.Run(tc.script, func(t *testing.T) {
			_, err := Load(context.Background(), filepath.Join("testdata", tc.script), newOptions(t, &syncBuffer{}))
			if exit.CodeOf(err) != exit.ScriptException {
				t.Fatalf("Load = %v, want exit 107", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestMisuseErrors(t *testing.T) {
	e := load(t, "misuse.js", nil)
	v := e.newVU(t, 2)
	err := v.RunOnce(context.Background(), iteration(scenario("default", "default")))
	var se *vu.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("RunOnce = %v, want the script's error", err)
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg[:strings.Index(msg, "\n\tat ")], "Error: ")
	want := []string{
		"check: Using check() in the init context is not supported",
		"add: Adding to metrics in the init context is not supported",
		"scenario: getting scenario information outside of the VU context is not supported",
		"instance: getting instance information in the init context is not supported",
		"metrics must be declared in the init context",
		"group() does not support async functions as arguments",
		"group and check names may not contain '::'",
		"no checks provided to `check`",
		`the "open" function is only available in the init stage`,
		"TypeError",
	}
	if diff := cmp.Diff(want, strings.Split(msg, "\n")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestOpenOnlyFilesOfVU0(t *testing.T) {
	e := load(t, "open_late.js", nil)
	_, err := e.r.NewVU(context.Background(), 1, e.out)
	if err == nil || !strings.Contains(err.Error(), "open() can't be used with files that weren't previously opened during initialization (__VU==0)") {
		t.Fatalf("NewVU = %v", err)
	}
}
