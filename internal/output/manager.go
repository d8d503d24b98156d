package output

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// DefaultFlushInterval is how often the Manager drains the buffer (k6: 50ms).
const DefaultFlushInterval = 50 * time.Millisecond

// Manager drains a metrics.Buffer on an interval and hands every batch list
// to each output in order, on one goroutine.
type Manager struct {
	buf      *metrics.Buffer
	outs     []Output
	interval time.Duration
	logger   *slog.Logger

	mu      sync.Mutex // serialises flushes (loop, Stop and helpFlush)
	spare   []metrics.Batch
	kick    chan struct{} // see helpFlush
	cancel  context.CancelFunc
	done    chan struct{}
	started bool
}

// NewManager returns a Manager for outs, draining buf every interval
// (DefaultFlushInterval when ≤ 0). logger may be nil.
func NewManager(buf *metrics.Buffer, outs []Output, interval time.Duration, logger *slog.Logger) *Manager {
	if interval <= 0 {
		interval = DefaultFlushInterval
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Manager{buf: buf, outs: outs, interval: interval, logger: logger, kick: make(chan struct{}, 1)}
}

// Start starts every output in order; when one fails, those already started
// are stopped (in reverse order) with that error, and it is returned. Then
// it drains the buffer every interval until ctx ends or Stop is called.
func (m *Manager) Start(ctx context.Context) error {
	for i, o := range m.outs {
		if err := o.Start(ctx); err != nil {
			err = fmt.Errorf("starting output %s: %w", o.Description(), err)
			for j := i - 1; j >= 0; j-- {
				if serr := m.outs[j].Stop(err); serr != nil {
					m.logger.Warn("stopping output", "output", m.outs[j].Description(), "error", serr)
				}
			}
			return err
		}
		m.logger.Debug("output started", "output", o.Description())
	}
	m.buf.OnFull(flushAt, m.helpFlush)
	ctx, cancel := context.WithCancel(ctx)
	m.cancel = cancel
	m.done = make(chan struct{})
	m.started = true
	go m.loop(ctx)
	return nil
}

func (m *Manager) loop(ctx context.Context) {
	defer close(m.done)
	t := time.NewTicker(m.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.flush()
		case <-m.kick:
			m.flush()
		}
	}
}

// flushAt is how many batches one shard of the buffer may hold before
// the VU that emits the next one asks for a flush now rather than at the
// next interval; from four times that, it flushes itself (helpFlush). An
// interval at 35,000 requests/s fills a shard with a few hundred; VUs
// looping empty iterations fill them with a million a second.
const flushAt = 4096

// helpFlush is the buffer's OnFull hook: a VU's Emit left a shard holding
// held batches. Below four times flushAt it wakes the Manager's goroutine,
// which flushes on another core while the VU goes on. From there it
// flushes on the VU's goroutine, or waits for the flush under way: when
// VUs that never block keep the Manager's goroutine (or a flushing VU)
// off the CPU, the VUs that wait give it the CPU, which bounds the buffer.
func (m *Manager) helpFlush(held int) {
	if held >= 4*flushAt {
		m.flush()
		return
	}
	select {
	case m.kick <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// flush swaps the buffer and gives the batches to every output.
func (m *Manager) flush() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.flushLocked()
}

func (m *Manager) flushLocked() {
	batches := m.buf.Swap(m.spare)
	if len(batches) > 0 {
		for _, o := range m.outs {
			o.AddBatches(batches)
		}
	}
	clear(batches) // drop references so the samples can be collected
	m.spare = batches[:0]
}

// Stop ends the periodic drain, closes the buffer (later Emits are
// dropped), gives the outputs the last batches, then stops every output in
// order with runErr. The outputs' errors are joined.
func (m *Manager) Stop(runErr error) error {
	if m.started {
		m.cancel()
		<-m.done
		m.started = false
	}
	m.buf.Close()
	m.flush()
	var errs []error
	for _, o := range m.outs {
		if err := o.Stop(runErr); err != nil {
			errs = append(errs, fmt.Errorf("stopping output %s: %w", o.Description(), err))
		}
	}
	return errors.Join(errs...)
}

// Flush drains the buffer once now, as the periodic loop does.
func (m *Manager) Flush() { m.flush() }
