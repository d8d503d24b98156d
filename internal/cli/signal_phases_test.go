package cli

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// TestSignalInEveryPhase: the first SIGINT stops init code (an endless
// loop, a long top-level await), setup() and the initialisation of many
// VUs, with exit 105 and no iteration started.
func TestSignalInEveryPhase(t *testing.T) {
	t.Parallel()
	for _, script := range []string{"init_loop.js", "init_await.js", "setup_loop.js", "many_vus.js"} {
		t.Run(script, func(t *testing.T) {
			t.Parallel()
			sig := make(chan os.Signal, 2)
			go func() {
				time.Sleep(700 * time.Millisecond)
				sig <- syscall.SIGINT
			}()
			start := time.Now()
			r := runCLI(t, sig, "-q", script)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v after a SIGINT at 0.7s", d)
			}
			if r.code != 105 {
				t.Fatalf("exit %d, want 105\nstderr:\n%s", r.code, r.stderr)
			}
			ms, _ := r.export["metrics"].(map[string]any)
			if it, ok := ms["iterations"].(map[string]any); ok && it["count"].(float64) > 0 {
				t.Errorf("%v iterations ran after the signal", it["count"])
			}
		})
	}
}
