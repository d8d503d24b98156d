package telemetry

import (
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/redact"
)

// target is one scraped endpoint and what the scraper remembers of it.
type target struct {
	url  *url.URL
	base *metrics.TagSet // source=host:port

	mu         sync.Mutex
	scrapes    int
	failures   int
	nonFinite  int // NaN/±Inf values skipped
	firstErr   string
	warnedNone bool
	tags       map[string]*metrics.TagSet // label key → tags
	last       map[string]point           // series key → last cumulative counter value
	stats      map[string]*seriesStats    // series key → summary stats
	statsOrder []string
}

// point is one cumulative value at one time.
type point struct {
	v float64
	t time.Time
}

func newTarget(u *url.URL) *target {
	return &target{
		url:   u,
		base:  metrics.NewTagSet(map[string]string{"source": u.Host}),
		tags:  map[string]*metrics.TagSet{},
		last:  map[string]point{},
		stats: map[string]*seriesStats{},
	}
}

// fail counts a failed scrape and reports whether it is the first.
func (t *target) fail(err error) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.scrapes++
	t.failures++
	if t.failures == 1 {
		t.firstErr = redact.Text(err.Error())
		return true
	}
	return false
}

// noneMatched reports whether to log that nothing matched (once).
func (t *target) noneMatched() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.warnedNone {
		return false
	}
	t.warnedNone = true
	return true
}

// record turns the selected families of one page into batches (one per
// label set) and returns how many samples it emitted.
func (t *target) record(s *Scraper, families map[string]*dto.MetricFamily, now time.Time, out metrics.Emitter) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.scrapes++
	var order []*metrics.TagSet
	byTags := map[*metrics.TagSet][]metrics.Sample{}
	add := func(tags *metrics.TagSet, m *metrics.Metric, v float64) {
		if !finite(v) { // exporters emit NaN for 0/0 and empty summaries
			t.nonFinite++
			return
		}
		if _, ok := byTags[tags]; !ok {
			order = append(order, tags)
		}
		byTags[tags] = append(byTags[tags], metrics.Sample{Metric: m, Value: v})
	}
	n := 0
	for _, sr := range s.order {
		fam := families[sr.prom]
		if fam == nil {
			continue
		}
		for _, m := range fam.GetMetric() {
			key, tags := t.tagsFor(m.GetLabel())
			switch fam.GetType() {
			case dto.MetricType_COUNTER:
				v := m.GetCounter().GetValue()
				add(tags, sr.value, v)
				t.observe(sr.value.Name, key, tags, v, true)
				if rate, ok := t.rate(sr.prom+"\x00"+key, v, now); ok && s.rates {
					add(tags, sr.rate, rate)
				}
			case dto.MetricType_GAUGE:
				v := m.GetGauge().GetValue()
				add(tags, sr.value, v)
				t.observe(sr.value.Name, key, tags, v, false)
			case dto.MetricType_HISTOGRAM:
				h := m.GetHistogram()
				add(tags, sr.sum, h.GetSampleSum())
				add(tags, sr.count, float64(h.GetSampleCount()))
			case dto.MetricType_SUMMARY:
				sm := m.GetSummary()
				add(tags, sr.sum, sm.GetSampleSum())
				add(tags, sr.count, float64(sm.GetSampleCount()))
			default: // untyped
				v := m.GetUntyped().GetValue()
				add(tags, sr.value, v)
				t.observe(sr.value.Name, key, tags, v, false)
			}
		}
	}
	for _, tags := range order {
		samples := byTags[tags]
		n += len(samples)
		out.Emit(metrics.Batch{Time: now, Tags: tags, Samples: samples})
	}
	return n
}

// tagsFor returns the canonical key and the tag set of a label set (cached:
// a page repeats the same label sets every scrape).
func (t *target) tagsFor(labels []*dto.LabelPair) (string, *metrics.TagSet) {
	pairs := make([]string, 0, len(labels))
	for _, l := range labels {
		pairs = append(pairs, l.GetName()+"\x00"+l.GetValue())
	}
	sort.Strings(pairs)
	key := strings.Join(pairs, "\x00")
	if ts, ok := t.tags[key]; ok {
		return key, ts
	}
	ts := t.base
	for _, l := range labels {
		if l.GetName() == "source" {
			continue // ours wins: the endpoint
		}
		ts = ts.With(l.GetName(), l.GetValue())
	}
	t.tags[key] = ts
	return key, ts
}

// rate returns a counter's per-second rate since its previous value; none for
// the first value, no elapsed time, or a drop (a counter reset).
func (t *target) rate(key string, v float64, now time.Time) (float64, bool) {
	prev, had := t.last[key]
	t.last[key] = point{v, now}
	if !had || v < prev.v {
		return 0, false
	}
	dt := now.Sub(prev.t).Seconds()
	if dt <= 0 {
		return 0, false
	}
	return (v - prev.v) / dt, true
}
