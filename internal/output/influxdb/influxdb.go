package influxdb

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
)

// maxBody is the size at which a push is split into several writes.
const maxBody = 4 << 20

// StopTimeout bounds Stop: after it, writes still in flight or waiting
// for a retry are cancelled and counted as dropped.
const StopTimeout = 15 * time.Second

// Output writes samples to InfluxDB v1.
type Output struct {
	cfg         Config
	log         *slog.Logger
	client      *client
	stopTimeout time.Duration

	buf     output.BatchBuffer
	flusher *output.Flusher
	ctx     context.Context // for writes; cancelled after Stop's last write
	cancel  context.CancelFunc

	// Owned by the flusher goroutine.
	enc   *Encoder
	spare []metrics.Batch

	sem     chan struct{} // one token per write in flight
	bodies  sync.Pool
	writes  sync.WaitGroup
	dropped atomic.Int64 // batches (writes) given up
	lost    atomic.Int64 // points in them
	sent    atomic.Int64 // points written
	lastErr atomic.Value // error

	// One warning each per run, not one per push.
	warnedSlow, warnedFailing, warnedStuck atomic.Bool
}

// New returns an influxdb output configured from p (see ParseConfig).
func New(p output.Params) (*Output, error) {
	cfg, err := ParseConfig(p)
	if err != nil {
		return nil, err
	}
	cl, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	prec, _ := precisionOf(cfg.Precision)
	return &Output{
		cfg: cfg, log: p.Log(), client: cl, stopTimeout: StopTimeout,
		enc: NewEncoder(cfg.TagsAsFields, prec),
		sem: make(chan struct{}, cfg.ConcurrentWrites),
	}, nil
}

// Description implements output.Output.
func (o *Output) Description() string {
	return fmt.Sprintf("influxdb (%s/%s)", o.cfg.Addr, o.cfg.DB)
}

// Start creates the database (a failure is only logged, as in k6: the user
// may lack the right but the database may exist) and starts pushing.
func (o *Output) Start(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := o.client.createDB(cctx, o.cfg.DB); err != nil {
		o.log.Warn("influxdb: could not create the database", "db", o.cfg.DB, "error", err)
	}
	o.ctx, o.cancel = context.WithCancel(context.WithoutCancel(ctx))
	o.flusher = output.NewFlusher(o.cfg.PushInterval, o.push)
	return nil
}

// AddBatches buffers bs; it never blocks on the network.
func (o *Output) AddBatches(bs []metrics.Batch) { o.buf.Add(bs) }

// push encodes everything buffered and starts the writes.
func (o *Output) push() {
	batches := o.buf.Swap(o.spare)
	o.spare = batches
	if len(batches) == 0 {
		return
	}
	o.enc.Reset(o.body())
	for i := range batches {
		o.enc.Add(&batches[i])
		if len(o.enc.Bytes()) >= maxBody {
			o.send()
			o.enc.Reset(o.body())
		}
	}
	if err := o.enc.Err(); err != nil {
		o.log.Debug("influxdb: skipped a point", "error", err)
	}
	o.send()
}

func (o *Output) body() []byte {
	if b, ok := o.bodies.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, 64<<10)
}

// send starts a write of the encoder's body, waiting (on this goroutine,
// never the Manager's) while concurrentWrites are in flight, for at most one
// push interval: when every write hangs (InfluxDB down or stuck), the body
// is dropped and counted rather than kept, so memory stays bounded.
func (o *Output) send() {
	body, lines := o.enc.Bytes(), o.enc.Lines()
	if lines == 0 {
		return
	}
	if !o.acquire() {
		o.dropped.Add(1)
		o.lost.Add(int64(lines))
		o.bodies.Put(&body)
		o.warnOnce(&o.warnedStuck, "influxdb: every write has hung for over a push interval: InfluxDB looks down or stuck;"+
			" new points are dropped, counted and reported at the end")
		return
	}
	o.writes.Add(1)
	go func() {
		defer o.writes.Done()
		defer func() { <-o.sem }()
		start := time.Now()
		err := o.client.write(o.ctx, body)
		if took := time.Since(start); took > o.cfg.PushInterval && err == nil {
			o.warnOnce(&o.warnedSlow, fmt.Sprintf("influxdb: a write took %s, longer than the push interval (%s): InfluxDB is slow", took.Round(time.Millisecond), o.cfg.PushInterval))
		}
		if err != nil {
			o.dropped.Add(1)
			o.lost.Add(int64(lines))
			o.lastErr.Store(err)
			o.warnOnce(&o.warnedFailing, fmt.Sprintf("influxdb: writes fail (%v): is InfluxDB down? the points are dropped, counted and reported at the end", err))
			o.log.Debug("influxdb: write failed", "points", lines, "error", err)
		} else {
			o.sent.Add(int64(lines))
		}
		o.bodies.Put(&body)
	}()
}

// acquire takes a write slot, waiting at most one push interval.
func (o *Output) acquire() bool {
	select {
	case o.sem <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(o.cfg.PushInterval)
	defer t.Stop()
	select {
	case o.sem <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}

// warnOnce logs msg the first time flag is set.
func (o *Output) warnOnce(flag *atomic.Bool, msg string) {
	if flag.CompareAndSwap(false, true) {
		o.log.Warn(msg)
	}
}

// Stop pushes what is left, waits for the writes in flight, and reports
// the dropped batches once.
func (o *Output) Stop(error) error {
	if o.flusher == nil {
		return nil
	}
	deadline := time.AfterFunc(o.stopTimeout, o.cancel)
	defer deadline.Stop()
	o.flusher.Stop()
	o.writes.Wait()
	o.cancel()
	if n := o.dropped.Load(); n > 0 {
		err, _ := o.lastErr.Load().(error)
		o.log.Warn("influxdb: dropped batches that could not be written",
			"batches", n, "points", o.lost.Load(), "written", o.sent.Load(), "lastError", err)
	}
	return nil
}

// Stats returns the points written, and the batches and points dropped.
func (o *Output) Stats() (written, droppedBatches, droppedPoints int64) {
	return o.sent.Load(), o.dropped.Load(), o.lost.Load()
}

var _ output.Output = (*Output)(nil)
