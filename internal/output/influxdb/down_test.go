package influxdb

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/outputtest"
)

// syncLog is a log destination safe for the output's goroutines.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestHungServerBoundsTheBuffer: an InfluxDB that accepts connections but
// never answers must not make the output hold every sample: once every
// write has hung for a push interval, new points are dropped and counted
// while the run goes on, with one warning saying InfluxDB looks down.
func TestHungServerBoundsTheBuffer(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/write" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}))
	defer srv.Close()
	defer close(release)
	var logs syncLog
	o, err := New(output.Params{ConfigArgument: srv.URL + "/db?pushInterval=20ms&concurrentWrites=1",
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	o.stopTimeout = 100 * time.Millisecond
	if err := o.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	f := outputtest.New(10, base)
	deadline := time.Now().Add(10 * time.Second)
	for {
		o.AddBatches(f.Batches)
		if _, dropped, _ := o.Stats(); dropped >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("nothing dropped after 10s against a hung server: the output buffers without bound")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := o.Stop(nil); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if strings.Count(out, "looks down or stuck") != 1 {
		t.Errorf("want one 'looks down' warning:\n%s", out)
	}
	if strings.Contains(out, "longer than the push interval") {
		t.Errorf("a hung write was reported as slow:\n%s", out)
	}
}
