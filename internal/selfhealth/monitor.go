package selfhealth

import (
	"context"
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// DefaultInterval is how often a Monitor samples the process CPU.
const DefaultInterval = time.Second

// The saturation limits: the generator counts as saturated when it used
// more than CPULimit of its cores over the test, or when runnable
// goroutines waited more than SchedLatencyLimit (p99) for a thread — then
// token timestamps are late by about that much — or when the hypervisor
// took more than StealLimit of the machine's CPU.
const (
	CPULimit          = 0.9
	SchedLatencyLimit = 5 * time.Millisecond
)

// Monitor samples the process's own health. Create it with New, run it as
// a metrics.Source (it emits no samples), call MarkRunning when the test
// proper starts (after VU initialisation) and read Summary at the end.
type Monitor struct {
	interval time.Duration
	cores    int

	mu       sync.Mutex
	first    reading // when Run started
	from     reading // MarkRunning (or first)
	last     reading // the latest sample; the end once Run returned
	marked   bool
	peak     float64 // busiest interval's CPU, in cores
	started  bool
	finished bool
}

// New returns a Monitor sampling every interval (DefaultInterval when <= 0).
func New(interval time.Duration) *Monitor {
	if interval <= 0 {
		interval = DefaultInterval
	}
	return &Monitor{interval: interval, cores: cores()}
}

var _ metrics.Source = (*Monitor)(nil)

// Run samples until ctx ends, then takes the final reading. It emits nothing
// and never fails.
func (m *Monitor) Run(ctx context.Context, _ metrics.Emitter) error {
	r := read()
	m.mu.Lock()
	m.first, m.last, m.started = r, r, true
	if !m.marked {
		m.from = r
	}
	m.mu.Unlock()
	t := time.NewTicker(m.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			m.sample(true)
			return nil
		case <-t.C:
			m.sample(false)
		}
	}
}

func (m *Monitor) sample(final bool) {
	r := read()
	m.mu.Lock()
	defer m.mu.Unlock()
	if wall := r.at.Sub(m.last.at); wall >= m.interval/2 && m.marked {
		m.peak = max(m.peak, float64(r.cpu-m.last.cpu)/float64(wall))
	}
	m.last = r
	m.finished = final
}

// MarkRunning starts the measured interval: VU initialisation before it
// (compiling the script once per VU) is left out of the summary.
func (m *Monitor) MarkRunning() {
	r := read()
	m.mu.Lock()
	m.from, m.marked = r, true
	m.last = r
	m.mu.Unlock()
}

// Summary describes the measured interval so far.
func (m *Monitor) Summary() Summary {
	m.mu.Lock()
	from, to, peak := m.from, m.last, m.peak
	m.mu.Unlock()
	if !m.started {
		from, to = read(), read()
	}
	if !m.finished {
		to = read()
	}
	wall := to.at.Sub(from.at)
	cpu := to.cpu - from.cpu
	pauses := to.pauses.sub(from.pauses)
	sched := to.sched.sub(from.sched)
	s := Summary{
		Cores:          m.cores,
		WallSeconds:    wall.Seconds(),
		CPUSeconds:     cpu.Seconds(),
		GCCycles:       to.gcCycles - min(to.gcCycles, from.gcCycles),
		GCPauses:       pauses.total(),
		GCPauseTotalMs: pauses.sum() * 1e3,
		GCPauseMaxMs:   pauses.max() * 1e3,
		SchedLatency: Latency{
			Samples: sched.total(),
			P50Ms:   sched.quantile(0.5) * 1e3,
			P99Ms:   sched.quantile(0.99) * 1e3,
			MaxMs:   sched.max() * 1e3,
		},
		MaxRSSBytes: to.maxRSS,
	}
	s.GOGC, s.MemoryLimitBytes = gcSettings()
	s.CPUSteal = stealShare(from, to)
	if wall > 0 {
		s.CPUCores = cpu.Seconds() / wall.Seconds()
	}
	s.CPUPeakCores = max(peak, s.CPUCores)
	if m.cores > 0 {
		s.CPUUtilization = s.CPUCores / float64(m.cores)
	}
	s.Saturated = s.reasons()
	return s
}
