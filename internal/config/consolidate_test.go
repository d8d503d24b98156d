package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"

	"github.com/llmbench/llmbench/internal/exit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// layerCase is one testdata/consolidate/*.json case: a layer per source.
type layerCase struct {
	File   json.RawMessage   `json:"file"`
	Script json.RawMessage   `json:"script"`
	Env    map[string]string `json:"env"`
	Flags  []string          `json:"flags"`
}

// consolidateCase runs the layers of c the way the CLI will and renders the
// outcome as text: warnings, then the error and its exit code, or the
// consolidated options JSON.
func consolidateCase(c layerCase) string {
	var out strings.Builder
	var warnings []string
	run, err := func() (Run, error) {
		file, err := FromFileJSON(c.File)
		if err != nil {
			return Run{}, err
		}
		script, w, err := FromScriptJSON(c.Script)
		warnings = append(warnings, w...)
		if err != nil {
			return Run{}, err
		}
		env, err := FromEnv(c.Env)
		if err != nil {
			return Run{}, err
		}
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		flags := RegisterFlags(fs)
		if err := fs.Parse(c.Flags); err != nil {
			return Run{}, err
		}
		cli, err := flags.Options()
		if err != nil {
			return Run{}, err
		}
		run, w, err := Consolidate(Defaults(), file, script, env, cli)
		warnings = append(warnings, w...)
		return run, err
	}()
	for _, w := range warnings {
		fmt.Fprintf(&out, "warning: %s\n", w)
	}
	if err != nil {
		fmt.Fprintf(&out, "exit %d\n%s\n", exit.CodeOf(err), err)
		return out.String()
	}
	b, err := run.MarshalJSON()
	if err != nil {
		return fmt.Sprintf("marshal: %v\n", err)
	}
	// Show the scenarios as derived, before executor defaults, so the
	// cases hold with or without internal/executor wired in.
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Sprintf("unmarshal: %v\n", err)
	}
	raw := map[string]json.RawMessage{}
	for _, s := range run.Scenarios() {
		raw[s.Name] = s.Raw
	}
	m["scenarios"], _ = json.Marshal(raw)
	if b, err = encode(m); err != nil {
		return err.Error()
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, b, "", "  "); err != nil {
		return fmt.Sprintf("indent: %v\n", err)
	}
	out.Write(ind.Bytes())
	out.WriteByte('\n')
	return out.String()
}

func TestConsolidateGolden(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob("testdata/consolidate/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var c layerCase
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&c); err != nil {
				t.Fatalf("case %s: %v", p, err)
			}
			got := consolidateCase(c)
			golden := strings.TrimSuffix(p, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
