package cli

import (
	"os"
	"strings"
	"testing"
)

// TestOutputLostFailsTheRun: an output that cannot write (here /dev/full,
// which fails every write with ENOSPC, as a full disk does) is reported
// when it happens and ends the run with exit 111, not 0.
func TestOutputLostFailsTheRun(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	for _, out := range []string{"json=/dev/full", "csv=/dev/full"} {
		t.Run(out, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, nil, "-q", "--out", out, "shared_iterations.js")
			if r.code != 111 {
				t.Fatalf("exit %d, want 111\n%s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "results are being lost") || !strings.Contains(r.stderr, "no space left on device") {
				t.Errorf("stderr does not say results are being lost to a full disk:\n%s", r.stderr)
			}
			if r.export == nil {
				t.Errorf("the summary export (another file) was not written")
			}
		})
	}
}
