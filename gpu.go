package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/gpustat"
	"github.com/llmbench/llmbench/internal/metrics"
)

// The GPU metric names (SPEC §6), defined in internal/gpustat.
const (
	MetricGPUUtilization = gpustat.MetricUtilization // Gauge, percent of time a kernel ran
	MetricGPUMemoryUsed  = gpustat.MetricMemoryUsed  // Gauge (data), bytes
	MetricGPUPower       = gpustat.MetricPower       // Gauge, watts
	MetricGPUTemperature = gpustat.MetricTemperature // Gauge, °C
	MetricGPUSMClock     = gpustat.MetricSMClock     // Gauge, MHz
	MetricGPUEnergy      = gpustat.MetricEnergy      // Counter, joules used since the previous sample
)

// DefaultGPUInterval is how often GPUs are sampled unless GPUOptions says otherwise.
const DefaultGPUInterval = gpustat.DefaultInterval

// GPUOptions configure NewGPUSampler and ListGPUs. The zero value samples
// every GPU once a second.
type GPUOptions struct {
	// Select says which GPUs to sample.
	Select GPUSelection
	// Interval is the sampling period; 0 means DefaultGPUInterval.
	Interval time.Duration
	// Registry receives the gpu_* metrics; nil means a private registry.
	Registry *metrics.Registry
	// Log receives the once-only notes (a field not supported by a GPU, a
	// counter reset, a read error); nil discards them.
	Log *slog.Logger
	// LibraryPath overrides the NVML library ("libnvidia-ml.so.1").
	LibraryPath string
}

// gpuField is one quantity read from a GPU.
type gpuField int

const (
	fieldUtil gpuField = iota
	fieldMemory
	fieldPower
	fieldTemperature
	fieldSMClock
	fieldEnergy
	numFields
)

var fieldNames = [numFields]string{"utilization", "memory used", "power", "temperature", "SM clock", "total energy"}

// errNotSupported is returned by gpuDevice.read for a field the GPU does not
// have (NVML's ERROR_NOT_SUPPORTED).
var errNotSupported = errors.New("not supported")

// gpuDevice reads one field of one GPU in its metric's unit (percent, bytes,
// watts, °C, MHz), and the total-energy counter in millijoules.
type gpuDevice interface {
	read(f gpuField) (float64, error)
}

// gpuHandle is one opened GPU.
type gpuHandle struct {
	index       int
	name, uuid  string
	memoryTotal uint64 // bytes; 0 if unknown
	dev         gpuDevice
}

// gpuBackend is what a library binding (gpu_nvml.go) opens.
type gpuBackend struct {
	gpus  []gpuHandle
	close func()
}

// GPUSampler samples GPUs through NVML on an interval: a metrics.Source.
// Run it once; Summary is safe to call at any time, also concurrently.
type GPUSampler struct {
	interval  time.Duration
	log       *slog.Logger
	m         [numFields]*metrics.Metric
	energy    *metrics.Metric
	gpus      []*gpuState
	closeOnce sync.Once
	closeFn   func()
	// lastSample is when sample last ran (Run's goroutine only).
	lastSample time.Time

	mu sync.Mutex // guards every gpuState.stats
}

// gpuState is the sampler's per-GPU state.
type gpuState struct {
	h      gpuHandle
	tags   *metrics.TagSet
	warned [numFields]bool

	// energy accounting
	haveEnergy  bool    // lastEnergy holds a counter reading
	lastEnergy  float64 // mJ
	lastTime    time.Time
	resetWarned bool
	// noEnergyCounter: the GPU has no total-energy counter, so energy is
	// power × time.
	noEnergyCounter bool

	seen  [numFields]bool // a value was recorded (guarded by mu)
	stats GPUStats
	util  sum
	power sum
}

type sum struct {
	total float64
	n     int
}

// NewGPUSampler opens NVML and the selected GPUs. When GPU metrics cannot be
// had (no library, no driver, no GPU, no permission, built without cgo) it
// returns a nil sampler and one line saying why, for the CLI to print; the run
// goes on without GPU metrics. A nil sampler with an empty line means the
// selection was "none". The error is for invalid options only (an index that
// does not exist, a metric name clash).
func NewGPUSampler(opts GPUOptions) (*GPUSampler, string, error) {
	if opts.Select.None {
		return nil, "", nil
	}
	b, reason, err := openGPUs(opts)
	if err != nil || reason != "" {
		return nil, reason, err
	}
	s, err := newGPUSampler(b, opts)
	if err != nil {
		b.close()
		return nil, "", err
	}
	return s, "", nil
}

func newGPUSampler(b gpuBackend, opts GPUOptions) (*GPUSampler, error) {
	reg := opts.Registry
	if reg == nil {
		reg = metrics.NewRegistry()
	}
	s := &GPUSampler{interval: opts.Interval, log: opts.Log, closeFn: b.close}
	if s.interval <= 0 {
		s.interval = DefaultGPUInterval
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	m, err := registerGPUMetrics(reg)
	if err != nil {
		return nil, err
	}
	s.m = m
	s.energy = s.m[fieldEnergy]
	for _, h := range b.gpus {
		st := &gpuState{h: h, tags: metrics.NewTagSet(map[string]string{
			"gpu": strconv.Itoa(h.index), "gpu_name": h.name, "gpu_uuid": h.uuid,
		})}
		st.stats = GPUStats{Index: h.index, Name: h.name, UUID: h.uuid, MemoryTotalBytes: h.memoryTotal}
		s.gpus = append(s.gpus, st)
	}
	return s, nil
}

// gpuMetricDefs are the gpu_* metrics by field.
var gpuMetricDefs = [numFields]struct {
	name string
	typ  metrics.Type
	vt   metrics.ValueType
}{
	fieldUtil:        {MetricGPUUtilization, metrics.Gauge, metrics.Default},
	fieldMemory:      {MetricGPUMemoryUsed, metrics.Gauge, metrics.Data},
	fieldPower:       {MetricGPUPower, metrics.Gauge, metrics.Default},
	fieldTemperature: {MetricGPUTemperature, metrics.Gauge, metrics.Default},
	fieldSMClock:     {MetricGPUSMClock, metrics.Gauge, metrics.Default},
	fieldEnergy:      {MetricGPUEnergy, metrics.Counter, metrics.Default},
}

// RegisterGPUMetrics registers the gpu_* metrics in reg. NewGPUSampler does
// it; call it yourself to let thresholds name gpu_* metrics on machines
// where GPU sampling is off.
func RegisterGPUMetrics(reg *metrics.Registry) error {
	_, err := registerGPUMetrics(reg)
	return err
}

func registerGPUMetrics(reg *metrics.Registry) ([numFields]*metrics.Metric, error) {
	var out [numFields]*metrics.Metric
	for f, d := range gpuMetricDefs {
		m, err := reg.NewMetric(d.name, d.typ, d.vt)
		if err != nil {
			return out, fmt.Errorf("registering GPU metrics: %w", err)
		}
		out[f] = m
	}
	return out, nil
}

// Interval returns the sampling period.
func (s *GPUSampler) Interval() time.Duration { return s.interval }

// Run samples every selected GPU at once, then every interval, and once more
// when ctx ends (so energy is counted up to the end of the run); then it
// releases NVML and returns nil. Wait for Run to return before closing out.
func (s *GPUSampler) Run(ctx context.Context, out metrics.Emitter) error {
	defer s.Close()
	s.sample(out, time.Now())
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.sample(out, time.Now())
			return nil
		case <-t.C:
			s.sample(out, time.Now())
		}
	}
}

// Close releases NVML. Run calls it; call it yourself only when Run never
// runs. It is safe to call more than once.
func (s *GPUSampler) Close() {
	s.closeOnce.Do(func() {
		if s.closeFn != nil {
			s.closeFn()
		}
	})
}

// sample reads every GPU and emits one Batch per GPU. A second call at the
// same instant (the last tick and the end of the run together) is skipped.
func (s *GPUSampler) sample(out metrics.Emitter, now time.Time) {
	if !s.lastSample.IsZero() && !now.After(s.lastSample) {
		return
	}
	s.lastSample = now
	for _, g := range s.gpus {
		samples := make([]metrics.Sample, 0, numFields)
		var vals [numFields]float64
		var ok [numFields]bool
		for f := fieldUtil; f < numFields; f++ {
			v, err := g.h.dev.read(f)
			if err != nil {
				if f == fieldEnergy && errors.Is(err, errNotSupported) {
					g.noEnergyCounter = true
				}
				s.warnOnce(g, f, err)
				continue
			}
			vals[f], ok[f] = v, true
			if f != fieldEnergy {
				samples = append(samples, metrics.Sample{Metric: s.m[f], Value: v})
			}
		}
		joules, haveJoules := s.energyDelta(g, now, vals, ok)
		if haveJoules {
			samples = append(samples, metrics.Sample{Metric: s.energy, Value: joules})
		}
		s.record(g, vals, ok, joules, haveJoules)
		if len(samples) > 0 {
			out.Emit(metrics.Batch{Time: now, Tags: g.tags, Samples: samples})
		}
	}
}

// energyDelta returns the joules used since the previous sample: the
// total-energy counter's delta when the GPU has one (a negative delta is a
// counter reset: skipped, logged once), else power × elapsed time.
func (s *GPUSampler) energyDelta(g *gpuState, now time.Time, vals [numFields]float64, ok [numFields]bool) (float64, bool) {
	defer func() { g.lastTime = now }()
	if ok[fieldEnergy] {
		cur := vals[fieldEnergy]
		prev, had := g.lastEnergy, g.haveEnergy
		g.lastEnergy, g.haveEnergy = cur, true
		if !had {
			return 0, false
		}
		if cur < prev {
			if !g.resetWarned {
				g.resetWarned = true
				s.log.Warn(fmt.Sprintf("GPU %d: the total-energy counter went back (%.0f mJ → %.0f mJ): counter reset, that interval's energy is skipped", g.h.index, prev, cur))
			}
			return 0, false
		}
		return (cur - prev) / 1000, true
	}
	if ok[fieldPower] && !g.lastTime.IsZero() && g.noEnergyCounter {
		return vals[fieldPower] * now.Sub(g.lastTime).Seconds(), true
	}
	return 0, false
}

// warnOnce logs the first failure of each field of each GPU.
func (s *GPUSampler) warnOnce(g *gpuState, f gpuField, err error) {
	if g.warned[f] {
		return
	}
	g.warned[f] = true
	switch {
	case errors.Is(err, errNotSupported) && f == fieldEnergy:
		s.log.Warn(fmt.Sprintf("GPU %d (%s): no total-energy counter; gpu_energy is estimated from power × time", g.h.index, g.h.name))
	case errors.Is(err, errNotSupported):
		s.log.Warn(fmt.Sprintf("GPU %d (%s): %s is not supported; %s is not recorded", g.h.index, g.h.name, fieldNames[f], s.m[f].Name))
	default:
		s.log.Warn(fmt.Sprintf("GPU %d (%s): reading %s: %v (logged once)", g.h.index, g.h.name, fieldNames[f], err))
	}
}
