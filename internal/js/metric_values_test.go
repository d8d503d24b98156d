package js

import (
	"context"
	"strings"
	"testing"
)

// TestMetricAddRejectsNonFinite: ±Infinity (number or string) and NaN are
// invalid metric values: add() warns and returns false, and no sample is
// emitted; a finite value is still accepted.
func TestMetricAddRejectsNonFinite(t *testing.T) {
	e := load(t, "non_finite.js", nil)
	v := e.newVU(t, 1)
	if err := v.RunOnce(context.Background(), iteration(scenario("sc", "default"))); err != nil {
		t.Fatalf("RunOnce: %v\n%s", err, e.logs)
	}
	if n := len(e.out.samples("my_values")); n != 1 {
		t.Errorf("%d samples of my_values, want 1 (only add(5))", n)
	}
	for _, v := range []string{"'Infinity' is an invalid value", "'-Infinity' is an invalid value", "'NaN' is an invalid value"} {
		if !strings.Contains(e.logs.String(), v) {
			t.Errorf("no warning %q in logs:\n%s", v, e.logs)
		}
	}
}
