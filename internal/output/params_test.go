package output_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/output"
)

func TestParseKeyValues(t *testing.T) {
	t.Parallel()
	got, err := output.ParseKeyValues("a=1, b = x=y ,c=")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([][2]string{{"a", "1"}, {"b", "x=y"}, {"c", ""}}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := output.ParseKeyValues("a=1,b"); err == nil {
		t.Error("no error for a part without =")
	}
}

func TestJSONSetting(t *testing.T) {
	for raw, want := range map[string]string{
		`"5s"`: "5s", `4`: "4", `true`: "true", `["vu","iter"]`: "vu,iter", `["p(99)",95]`: "p(99),95",
	} {
		got, err := output.JSONSetting(json.RawMessage(raw))
		if err != nil || got != want {
			t.Errorf("JSONSetting(%s) = %q, %v; want %q", raw, got, err, want)
		}
	}
	if _, err := output.JSONSetting(json.RawMessage(`{`)); err == nil {
		t.Error("invalid JSON: want an error")
	}
}
