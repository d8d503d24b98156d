package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/llmbench/llmbench/internal/metrics"
)

// DefaultInterval is the scrape period unless Options says otherwise: the
// same 1 s as the NVML sampler, so server and GPU series share a grid. An
// LLM test's ramp-up lasts seconds, and queue depth and KV-cache use swing
// within it; one GET of a /metrics page (~100 kB for vLLM) per second costs
// the server and the load generator next to nothing.
const DefaultInterval = time.Second

// maxBody caps one scraped page.
const maxBody = 32 << 20

// acceptHeader asks for the Prometheus text format (version 0.0.4), the one
// the parser reads.
const acceptHeader = "text/plain;version=0.0.4;q=1,*/*;q=0.1"

// Options configure New.
type Options struct {
	// Targets are the endpoints: full URLs, or host:port (http:// and
	// /metrics are added).
	Targets []string
	// Interval is the scrape period; 0 means DefaultInterval.
	Interval time.Duration
	// Timeout bounds one scrape; 0 means the interval.
	Timeout time.Duration
	// Series are the Prometheus names to record; nil means DefaultSeries.
	Series []string
	// NoRates turns off the per-second rate of counters.
	NoRates bool
	// Registry receives the server_* metrics; nil means a private registry.
	Registry *metrics.Registry
	// Client does the requests; nil means a plain http.Client.
	Client *http.Client
	// Log receives the once-only notes; nil discards them.
	Log *slog.Logger
}

// Scraper scrapes Prometheus text endpoints: a metrics.Source.
type Scraper struct {
	interval, timeout time.Duration
	rates             bool
	client            *http.Client
	log               *slog.Logger
	byName            map[string]*series
	keep              map[string]bool // the selected families' Prometheus names (filter.go)
	order             []*series       // selected series in the configured order
	targets           []*target
}

// New validates the options and registers the metrics. It does no I/O.
func New(opts Options) (*Scraper, error) {
	if len(opts.Targets) == 0 {
		return nil, errors.New("server metrics: no target URL")
	}
	s := &Scraper{interval: opts.Interval, timeout: opts.Timeout, rates: !opts.NoRates,
		client: opts.Client, log: opts.Log, byName: map[string]*series{}, keep: map[string]bool{}}
	if s.interval <= 0 {
		s.interval = DefaultInterval
	}
	if s.timeout <= 0 {
		s.timeout = s.interval
	}
	if s.client == nil {
		s.client = &http.Client{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	reg := opts.Registry
	if reg == nil {
		reg = metrics.NewRegistry()
	}
	names := opts.Series
	if names == nil {
		names = DefaultSeries
	}
	if len(names) == 0 {
		return nil, errors.New("server metrics: no series selected")
	}
	for _, n := range names {
		if _, dup := s.byName[n]; dup {
			continue
		}
		sr, err := newSeries(reg, n)
		if err != nil {
			return nil, err
		}
		s.byName[n] = sr
		s.order = append(s.order, sr)
		s.keep[sr.prom] = true
	}
	for _, raw := range opts.Targets {
		u, err := normalizeTarget(raw)
		if err != nil {
			return nil, err
		}
		s.targets = append(s.targets, newTarget(u))
	}
	return s, nil
}

// Interval returns the scrape period.
func (s *Scraper) Interval() time.Duration { return s.interval }

// Run scrapes every target at once, then every interval, and once more when
// ctx ends (so counters cover the whole run), each target on its own
// goroutine. It returns nil when every target's loop has ended: failures
// are counted (see Report), never returned. Wait for Run to return before
// closing out.
func (s *Scraper) Run(ctx context.Context, out metrics.Emitter) error {
	var wg sync.WaitGroup
	for _, t := range s.targets {
		wg.Go(func() { s.loop(ctx, t, out) })
	}
	wg.Wait()
	return nil
}

func (s *Scraper) loop(ctx context.Context, t *target, out metrics.Emitter) {
	s.scrape(ctx, t, out)
	tick := time.NewTicker(s.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			// The last scrape must not be cut by the run's end.
			s.scrape(context.WithoutCancel(ctx), t, out)
			return
		case <-tick.C:
			s.scrape(ctx, t, out)
		}
	}
}

// scrape fetches and records one page of one target.
func (s *Scraper) scrape(ctx context.Context, t *target, out metrics.Emitter) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	families, err := s.fetch(ctx, t.url)
	now := time.Now()
	if err != nil {
		if t.fail(err) {
			s.log.Warn(fmt.Sprintf("server metrics: scraping %s failed: %v; later failures are counted and reported at the end", t.url, err))
		}
		return
	}
	n := t.record(s, families, now, out)
	if n == 0 && t.noneMatched() {
		s.log.Warn(fmt.Sprintf("server metrics: %s has none of the selected series (is it a vLLM, SGLang or DCGM exporter endpoint?)", t.url))
	}
}

// fetch GETs one page and parses it with expfmt's text parser.
func (s *Scraper) fetch(ctx context.Context, u *url.URL) (map[string]*dto.MetricFamily, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", acceptHeader)
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("HTTP %s", resp.Status)
	}
	page, err := selectLines(io.LimitReader(resp.Body, maxBody), s.keep)
	if err != nil {
		return nil, err
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(page)
	if err != nil {
		return nil, fmt.Errorf("parsing the Prometheus text: %w", err)
	}
	return families, nil
}
