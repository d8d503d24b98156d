package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// lockedBuffer is a bytes.Buffer safe for one writer and one reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMockStallStopsOnSignal: `llmbench mock --stall 1h` with a stream in
// its stall must stop within seconds of SIGINT.
func TestMockStallStopsOnSignal(t *testing.T) {
	t.Parallel()
	mods := modules.NewRegistry()
	builtin.Register(mods)
	sig := make(chan os.Signal, 1)
	var stdout lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- Main(context.Background(), Env{Args: []string{"mock", "--addr", "127.0.0.1:0", "--stall", "1h", "--output-tokens", "4"},
			Stdout: &stdout, Stderr: &stdout, Dir: t.TempDir(), Signals: sig}, mods, nil)
	}()
	urlRE := regexp.MustCompile(`http://\S+/v1`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		base = urlRE.FindString(stdout.String())
	}
	if base == "" {
		t.Fatalf("the mock did not start: %s", stdout.String())
	}
	// A stream that stalls halfway: its headers come at once.
	resp, err := http.Post(base+"/chat/completions", "application/json", strings.NewReader(`{"messages":[{"role":"user","content":"x"}],"stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sig <- syscall.SIGINT
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit %d", c)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the mock still runs 15s after SIGINT: it waits for the stalled stream")
	}
}
