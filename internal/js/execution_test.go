package js

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/vu"
)

func TestExecutionModule(t *testing.T) {
	e := load(t, "execution.js", func(o *Options) {
		o.Test.Options = []byte(`{"vus":3,"duration":"1s","scenarios":{"main":{"executor":"shared-iterations"}}}`)
	})
	e.test.VUsActive.Store(4)
	e.test.IterationsCompleted.Store(9)
	s := &vu.Scenario{Name: "main", Executor: "shared-iterations", Exec: "run", Env: map[string]string{"MODE": "m"}, Tags: map[string]string{"st": "1"}}
	v := e.newVU(t, 3)
	for range 2 {
		if err := v.RunOnce(context.Background(), iteration(s)); err != nil {
			t.Fatalf("RunOnce: %v\n%s", err, e.logs)
		}
	}
	var got []map[string]any
	for _, l := range strings.Split(e.logs.String(), "\n") {
		i := strings.Index(l, `msg="`)
		if i < 0 || !strings.Contains(l, "source=console") {
			continue
		}
		q := l[i+4:]
		q = q[:strings.Index(q, `" source=`)+1]
		var js string
		if err := json.Unmarshal([]byte(q), &js); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	want := func(iter float64) map[string]any {
		return map[string]any{
			"vu": 3.0, "vuTest": 3.0, "iter": iter, "iterScen": iter, "name": "main", "executor": "shared-iterations",
			"inInstance": iter, "inTest": iter, "itersDone": 9.0, "vusActive": 4.0, "env": "m/b", "iterGlobal": iter,
			"vuGlobal": 3.0, "scenarioTag": "main", "group": "::g", "optsFrozen": true, "optsScen": "main", "hasVus": false,
		}
	}
	if diff := cmp.Diff([]map[string]any{want(0), want(1)}, got); diff != "" {
		t.Errorf("exec values (-want +got):\n%s", diff)
	}
	tagged := e.out.samples("tagged")
	if len(tagged) != 2 || tagged[0].Tags["mine"] != "5" || tagged[0].Tags["st"] != "1" {
		t.Errorf("tagged samples = %+v", tagged)
	}
	if it := e.out.samples("iterations"); len(it) != 2 || it[0].Tags["mine"] != "" {
		t.Errorf("iterations samples = %+v", it)
	}
}

func TestSystemTagsMetadata(t *testing.T) {
	e := load(t, "empty.js", nil)
	e.r.SetRunOptions(map[string]string{"r": "1"}, []string{"vu", "iter", "scenario"})
	v := e.newVU(t, 7)
	s := scenario("sc", "default")
	for range 2 {
		if err := v.RunOnce(context.Background(), iteration(s)); err != nil {
			t.Fatal(err)
		}
	}
	var got []map[string]string
	for _, b := range e.out.batches {
		if b.Tags.Map()["scenario"] != "sc" || b.Tags.Map()["r"] != "1" || b.Tags.Len() != 2 {
			t.Errorf("tags = %v", b.Tags.Map())
		}
		got = append(got, b.Metadata)
	}
	want := []map[string]string{{"vu": "7", "iter": "0"}, {"vu": "7", "iter": "1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
}
