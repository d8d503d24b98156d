package promrw

import (
	"slices"
	"strings"

	"github.com/llmbench/llmbench/internal/metrics"
)

// key identifies a k6 time series: a metric and its tags.
type key struct {
	metric int
	tags   string
}

// series is one k6 time series with its cumulative sink and the encoded
// labels of each Prometheus series derived from it.
type series struct {
	metric *metrics.Metric
	sink   metrics.Sink
	labels [][]byte    // one per derived series: counter/gauge/rate 1, trend len(stats) (native histogram 1)
	hist   *nativeHist // the Trend's native histogram; nil otherwise
	last   int64       // newest sample time, ms
	sent   int64       // time of the last successful push of this series, ms
}

// SeriesNames returns the Prometheus series names that the output writes
// for metric m: k6_<name>_total for a Counter, k6_<name>_rate for a Rate,
// k6_<name> for a Gauge, and for a Trend k6_<name>_<stat> per stat of
// stats (p(99.9) → p999) or, when native is true, one native histogram
// k6_<name>_seconds (time), k6_<name>_bytes (data) or k6_<name>. The
// Grafana dashboards' tests check their queries against it.
func SeriesNames(m *metrics.Metric, stats []string, native bool) []string {
	base := "k6_" + m.Name
	switch {
	case m.Type == metrics.Trend && native:
		switch m.Contains {
		case metrics.Time:
			return []string{base + "_seconds"}
		case metrics.Data:
			return []string{base + "_bytes"}
		}
		return []string{base}
	}
	switch m.Type {
	case metrics.Counter:
		return []string{base + "_total"}
	case metrics.Rate:
		return []string{base + "_rate"}
	case metrics.Trend:
		out := make([]string, len(stats))
		for i, st := range stats {
			out[i] = base + "_" + statSuffix(st)
		}
		return out
	default:
		return []string{base}
	}
}

func newSeries(m *metrics.Metric, tags *metrics.TagSet, stats []string, native bool) *series {
	s := &series{metric: m, last: -1, sent: -1}
	if native && m.Type == metrics.Trend {
		s.hist = newNativeHist()
	} else {
		s.sink = metrics.NewSink(m.Type)
	}
	type label struct{ name, value string }
	var ls []label
	for _, t := range tags.List() {
		if t.Key == "" || t.Value == "" {
			continue
		}
		ls = append(ls, label{sanitize(t.Key), t.Value})
	}
	for _, name := range SeriesNames(m, stats, native) {
		all := append(slices.Clone(ls), label{"__name__", name})
		slices.SortFunc(all, func(a, b label) int { return strings.Compare(a.name, b.name) })
		var enc []byte
		for i, l := range all {
			if i > 0 && l.name == all[i-1].name {
				continue // two tags sanitized to the same name: keep the first
			}
			enc = appendLabel(enc, l.name, l.value)
		}
		s.labels = append(s.labels, enc)
	}
	return s
}

// sanitize makes a tag name a valid Prometheus label name.
func sanitize(name string) string {
	ok := true
	for i := 0; i < len(name); i++ {
		if !validLabelByte(name[i], i == 0) {
			ok = false
			break
		}
	}
	if ok && !strings.HasPrefix(name, "__") {
		return name
	}
	b := []byte(name)
	for i := range b {
		if !validLabelByte(b[i], i == 0) {
			b[i] = '_'
		}
	}
	if strings.HasPrefix(string(b), "__") {
		return "tag" + string(b) // "__" is reserved for Prometheus' own labels
	}
	return string(b)
}

func validLabelByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

// values returns the current value of each derived series.
func (s *series) values(stats []string, out []float64) []float64 {
	out = out[:0]
	switch sk := s.sink.(type) {
	case *metrics.CounterSink:
		out = append(out, sk.Sum)
	case *metrics.GaugeSink:
		v, _ := sk.Stat("value", 0)
		out = append(out, v)
	case *metrics.RateSink:
		v, _ := sk.Stat("rate", 0)
		out = append(out, v)
	case *metrics.TrendSink:
		for _, st := range stats {
			v, _ := sk.Stat(st, 0)
			out = append(out, v)
		}
	}
	return out
}
