package execution

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/llmbench/llmbench/internal/executor"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/vu"
)

// pool is the run's VU pool: idle VUs are handed out lowest id first.
type pool struct {
	runner vu.Runner
	out    metrics.Emitter
	test   *vu.State
	nextID atomic.Uint64

	mu   sync.Mutex
	idle []vu.VU
}

var _ executor.Pool = (*pool)(nil)

// Get returns an idle VU, or initialises one.
func (p *pool) Get(ctx context.Context) (vu.VU, error) {
	p.mu.Lock()
	if len(p.idle) > 0 {
		v := p.idle[0]
		p.idle = p.idle[1:]
		p.mu.Unlock()
		return v, nil
	}
	p.mu.Unlock()
	return p.New(ctx)
}

// New initialises one more VU with the next id.
func (p *pool) New(ctx context.Context) (vu.VU, error) {
	id := p.nextID.Add(1)
	out := p.out
	if sh, ok := out.(metrics.Sharded); ok {
		out = sh.For(id) // its own shard: VUs on other cores take other locks
	}
	v, err := p.runner.NewVU(ctx, id, out)
	if err != nil {
		return nil, fmt.Errorf("initialising VU %d: %w", id, err)
	}
	p.test.VUsInitialized.Add(1)
	return v, nil
}

// close closes the idle VUs that hold resources outside their runtime
// (network connections) once the scenarios are over; the VUs stay usable.
func (p *pool) close() {
	p.mu.Lock()
	idle := append([]vu.VU(nil), p.idle...)
	p.mu.Unlock()
	for _, v := range idle {
		if c, ok := v.(interface{ Close() }); ok {
			c.Close()
		}
	}
}

// Put returns v to the idle list.
func (p *pool) Put(v vu.VU) {
	p.mu.Lock()
	p.idle = append(p.idle, v)
	p.mu.Unlock()
}

// fill initialises n VUs concurrently on GOMAXPROCS workers; progress is
// called with the number done so far.
func (p *pool) fill(ctx context.Context, n int64, progress func(int64)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ids := make(chan struct{})
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		made  []vu.VU
		first error
		done  atomic.Int64
	)
	for range min(int64(runtime.GOMAXPROCS(0)), n) {
		wg.Go(func() {
			for range ids {
				v, err := p.New(ctx)
				mu.Lock()
				if err != nil {
					if first == nil {
						first = err
					}
					cancel()
				} else {
					made = append(made, v)
				}
				mu.Unlock()
				progress(done.Add(1))
			}
		})
	}
feed:
	for range n {
		select {
		case ids <- struct{}{}:
		case <-ctx.Done():
			break feed
		}
	}
	close(ids)
	wg.Wait()
	sort.Slice(made, func(i, j int) bool { return made[i].ID() < made[j].ID() })
	p.mu.Lock()
	p.idle = append(p.idle, made...)
	p.mu.Unlock()
	if first != nil {
		return first
	}
	return ctx.Err()
}
