package js

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/vu"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// collector keeps emitted batches.
type collector struct {
	mu      sync.Mutex
	batches []metrics.Batch
}

func (c *collector) Emit(b metrics.Batch) {
	c.mu.Lock()
	c.batches = append(c.batches, b)
	c.mu.Unlock()
}

// samples flattens the batches into "metric value tags" lines.
func (c *collector) samples(metric string) []sampleLine {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []sampleLine
	for _, b := range c.batches {
		for _, s := range b.Samples {
			if metric == "" || s.Metric.Name == metric {
				out = append(out, sampleLine{Metric: s.Metric.Name, Value: s.Value, Tags: b.Tags.Map()})
			}
		}
	}
	return out
}

type sampleLine struct {
	Metric string
	Value  float64
	Tags   map[string]string
}

type env struct {
	r    *Runner
	logs *syncBuffer
	out  *collector
	test *vu.State
}

func newOptions(t testing.TB, logs *syncBuffer) Options {
	t.Helper()
	reg := modules.NewRegistry()
	builtin.Register(reg)
	mreg := metrics.NewRegistry()
	return Options{
		Modules:  reg,
		Metrics:  mreg,
		Builtins: metrics.RegisterBuiltins(mreg),
		Test:     &vu.State{},
		Env:      map[string]string{"BASE": "b"},
		Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// load loads testdata/name, failing the test on error.
func load(t testing.TB, name string, edit func(*Options)) *env {
	t.Helper()
	logs := &syncBuffer{}
	opts := newOptions(t, logs)
	if edit != nil {
		edit(&opts)
	}
	r, err := Load(context.Background(), filepath.Join("testdata", name), opts)
	if err != nil {
		t.Fatalf("Load(%s): %v\nlogs:\n%s", name, err, logs)
	}
	return &env{r: r, logs: logs, out: &collector{}, test: opts.Test}
}

func (e *env) newVU(t testing.TB, id uint64) *VU {
	t.Helper()
	v, err := e.r.NewVU(context.Background(), id, e.out)
	if err != nil {
		t.Fatalf("NewVU(%d): %v", id, err)
	}
	return v.(*VU)
}

func scenario(name, exec string) *vu.Scenario {
	return &vu.Scenario{Name: name, Executor: "shared-iterations", Exec: exec}
}

func iteration(s *vu.Scenario) *vu.Iteration {
	n := s.NextIteration()
	return &vu.Iteration{Scenario: s, InInstance: n, InTest: n}
}

func countLines(s, sub string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}
