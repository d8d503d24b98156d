package cli

import (
	"strings"
	"testing"
)

// TestLeniency runs scripts that lean on k6's coercions: numeric options as
// strings from __ENV, `export let options`, an arrow default export, string
// and boolean metric values, an import after code, a scenario exec.
func TestLeniency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args   []string
		code   int
		stderr string
		want   map[string]float64 // "metric stat" → value
	}{
		{[]string{"-e", "VUS=2", "-e", "ITERS=8", "lenient.js"}, 0, "", map[string]float64{
			"iterations count": 10, "latency avg": 12.5, "latency max": 12.5,
			"ok_rate value": 0.5, "things count": 6, "vus_max value": 3,
		}},
		// An empty string is unset, as in k6: the scenario's default of 1 VU.
		{[]string{"-e", "VUS=", "-e", "ITERS=8", "lenient.js"}, 0, "", map[string]float64{"iterations count": 10, "vus_max value": 2}},
		{[]string{"-e", "ITERS=7", "vus_string.js"}, 0, "", map[string]float64{"iterations count": 7, "vus_max value": 1}},
		{[]string{"-e", "VUS=3", "vus_string.js"}, 0, "", map[string]float64{"iterations count": 6, "vus_max value": 3}},
		{[]string{"-e", "VUS=x", "vus_string.js"}, 104, `option "vus": strconv.ParseInt: parsing "x"`, nil},
		{[]string{"vus_bad_string.js"}, 104, `scenario s: vus: strconv.ParseInt: parsing "two"`, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, nil, append([]string{"-q"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.stderr, r.stderr)
			}
			for k, want := range tt.want {
				name, stat, _ := strings.Cut(k, " ")
				if got := r.metric(t, name, stat); got != want {
					t.Errorf("%s = %v, want %v", k, got, want)
				}
			}
		})
	}
}
