package cli

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/gpustat"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/selfhealth"
	"github.com/llmbench/llmbench/internal/summary"
	"github.com/llmbench/llmbench/internal/telemetry"
)

// sourceFlags select the telemetry that runs beside the test: NVML GPU
// sampling and Prometheus /metrics scraping.
type sourceFlags struct {
	gpu            string
	gpuInterval    time.Duration
	serverMetrics  []string
	serverInterval time.Duration
	serverSeries   []string

	src gpustat.Source // nil: no GPU sampling in this build
}

func addSourceFlags(fs *pflag.FlagSet, gpu gpustat.Source) *sourceFlags {
	f := &sourceFlags{src: gpu}
	fs.StringVar(&f.gpu, "gpu", "all", "GPUs to sample with NVML: all, none, or indexes like 0,1")
	fs.DurationVar(&f.gpuInterval, "gpu-interval", gpustat.DefaultInterval, "GPU sampling period")
	fs.StringArrayVar(&f.serverMetrics, "server-metrics", nil, "scrape a Prometheus text endpoint (vLLM, SGLang, DCGM exporter) during the run: `URL` or host:port (repeatable)")
	fs.DurationVar(&f.serverInterval, "server-metrics-interval", telemetry.DefaultInterval, "scrape period of --server-metrics")
	fs.StringSliceVar(&f.serverSeries, "server-metrics-series", nil, "Prometheus series to record (comma list; default: vLLM, SGLang and DCGM essentials)")
	return f
}

// sources are the run's telemetry sources.
type sources struct {
	gpu     gpustat.Sampler
	scraper *telemetry.Scraper
	health  *selfhealth.Monitor // the client's own CPU, GC and scheduler latency
	wg      sync.WaitGroup
	cancel  context.CancelFunc
}

// newSources registers the telemetry metrics in reg (so thresholds may name
// them) and builds the sources the flags ask for. Missing NVML is one log
// line, never an error.
func newSources(f *sourceFlags, reg *metrics.Registry, logger *slog.Logger) (*sources, error) {
	s := &sources{health: selfhealth.New(selfhealth.DefaultInterval)}
	if f.src != nil {
		if err := f.src.Register(reg); err != nil {
			return nil, err
		}
		sampler, why, err := f.src.Open(gpustat.Options{Selection: f.gpu, Interval: f.gpuInterval, Registry: reg, Log: logger})
		if err != nil {
			return nil, exit.New(exit.InvalidConfig, err)
		}
		if why != "" {
			logger.Info(why)
		}
		s.gpu = sampler
	}
	var err error
	if len(f.serverMetrics) > 0 {
		s.scraper, err = telemetry.New(telemetry.Options{
			Targets: f.serverMetrics, Interval: f.serverInterval, Series: f.serverSeries, Registry: reg, Log: logger,
		})
		if err != nil {
			return nil, exit.New(exit.InvalidConfig, err)
		}
	}
	return s, nil
}

// start runs every source until stop. Their samples carry the run's tags
// (--tag, options.tags) under their own, as every other sample does (k6
// applies the test-wide tags to all samples): a distributed run's GPU and
// server series then carry its testrun_name and instance_id.
func (s *sources) start(ctx context.Context, out metrics.Emitter, runTags map[string]string, logger *slog.Logger) {
	ctx, s.cancel = context.WithCancel(ctx)
	if len(runTags) > 0 {
		out = &runTagged{out: out, run: metrics.NewTagSet(runTags), sets: map[*metrics.TagSet]*metrics.TagSet{}}
	}
	run := func(name string, src metrics.Source) {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := src.Run(ctx, out); err != nil && ctx.Err() == nil {
				logger.Warn(name+" stopped", "error", err)
			}
		}()
	}
	if s.gpu != nil {
		run("GPU sampling", s.gpu)
	}
	if s.scraper != nil {
		run("server metrics scraping", s.scraper)
	}
	if s.health != nil {
		run("self-health monitoring", s.health)
	}
}

// runTagged puts the run's tags under each batch's own tags, building each
// merged set once (sources reuse their tag sets sample after sample).
type runTagged struct {
	out  metrics.Emitter
	run  *metrics.TagSet
	mu   sync.Mutex
	sets map[*metrics.TagSet]*metrics.TagSet
}

func (r *runTagged) Emit(b metrics.Batch) {
	r.mu.Lock()
	t, ok := r.sets[b.Tags]
	if !ok {
		t = r.run.WithMap(b.Tags.Map())
		if len(r.sets) < 4096 { // bounded: a source that made a set per sample
			r.sets[b.Tags] = t
		}
	}
	r.mu.Unlock()
	b.Tags = t
	r.out.Emit(b)
}

// running marks the start of the test proper (VUs initialised): the
// self-health summary covers the run from here.
func (s *sources) running() {
	if s.health != nil {
		s.health.MarkRunning()
	}
}

// saturated returns the self-health reasons to warn that the client was the
// bottleneck.
func (s *sources) saturated() []string {
	if s.health == nil {
		return nil
	}
	return s.health.Summary().Saturated
}

// stop ends the sources and waits for their last samples.
func (s *sources) stop(logger *slog.Logger) {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	if s.scraper != nil {
		for _, l := range s.scraper.Report() {
			logger.Warn(l)
		}
	}
}

// summaryText is the telemetry sections of the text summary.
func (s *sources) summaryText(snap *aggregate.Snapshot) string {
	var b strings.Builder
	if s.gpu != nil {
		b.WriteString(summary.GPUText(s.gpu.Summary().WithTokens(outputTokens(snap))))
	}
	if s.scraper != nil {
		b.WriteString(s.scraper.Summary().Text())
	}
	if s.health != nil {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n\n") {
			b.WriteString("\n")
		}
		b.WriteString(s.health.Summary().Text())
	}
	return b.String()
}

// addToData adds the telemetry summaries to handleSummary's data as "gpu"
// and "server_metrics", and the client's self-health as "client".
func (s *sources) addToData(data []byte, snap *aggregate.Snapshot) ([]byte, error) {
	if s.gpu == nil && s.scraper == nil && s.health == nil {
		return data, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	// A section that cannot be encoded (a non-finite float that slipped
	// through) is replaced by its error: it must not cost the whole summary.
	put := func(k string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			b, _ = json.Marshal(map[string]string{"error": err.Error()})
		}
		m[k] = b
		return nil
	}
	if s.gpu != nil {
		if err := put("gpu", s.gpu.Summary().WithTokens(outputTokens(snap))); err != nil {
			return nil, err
		}
	}
	if s.scraper != nil {
		if err := put("server_metrics", s.scraper.Summary()); err != nil {
			return nil, err
		}
	}
	if s.health != nil {
		if err := put("client", s.health.Summary()); err != nil {
			return nil, err
		}
	}
	return json.Marshal(m)
}

// outputTokens is llm_output_tokens' count in snap, 0 without it.
func outputTokens(snap *aggregate.Snapshot) float64 {
	if snap == nil {
		return 0
	}
	m := snap.Get("llm_output_tokens")
	if m == nil {
		return 0
	}
	n, err := snap.Stat(m, "count")
	if err != nil {
		return 0
	}
	return n
}
