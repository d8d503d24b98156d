package summary

import (
	"fmt"
	"math"
	"strings"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/metrics"
)

// section is one metric section of TOTAL RESULTS, in k6's order.
type section struct {
	title    string
	prefixes []string
}

// sections classify metrics by name prefix; the first match wins, and
// CUSTOM takes the rest. schedule_lag is llmbench's engine metric and goes
// with EXECUTION.
var sections = []section{
	{"HTTP", []string{"http_reqs", "http_req_failed", "http_req_duration", "http_req_blocked", "http_req_connecting",
		"http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving"}},
	{"EXECUTION", []string{"vus", "vus_max", "iterations", "iteration_duration", "dropped_iterations", "schedule_lag"}},
	{"NETWORK", []string{"data_sent", "data_received"}},
	{"WEB_VITALS", []string{"browser_web_vital_"}},
	{"BROWSER", []string{"browser_"}},
	{"GRPC", []string{"grpc_"}},
	{"WEBSOCKET", []string{"ws_"}},
}

var sectionOrder = []string{"CUSTOM", "HTTP", "EXECUTION", "NETWORK", "BROWSER", "WEB_VITALS", "GRPC", "WEBSOCKET"}

// compactHidden are hidden in the compact summary (prefix match).
var compactHidden = []string{"http_req_blocked", "http_req_connecting", "http_req_receiving", "http_req_sending",
	"http_req_tls_handshaking", "http_req_waiting"}

func sectionOf(name string) string {
	for _, s := range sections {
		for _, p := range s.prefixes {
			if strings.HasPrefix(name, p) {
				return s.title
			}
		}
	}
	return "CUSTOM"
}

func hidden(name string) bool {
	if name == "checks" || name == "group_duration" {
		return true
	}
	for _, p := range compactHidden {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// baseName is the parent's name for a submetric, else the name.
func baseName(m *aggregate.Metric) string {
	if m.Parent != "" {
		return m.Parent
	}
	return m.Name
}

// ordered sorts metrics by name with each submetric right after its parent.
func ordered(ms []*aggregate.Metric) []*aggregate.Metric {
	out := append([]*aggregate.Metric(nil), ms...)
	key := func(m *aggregate.Metric) string {
		if m.Parent != "" {
			return m.Parent + "\x00" + m.Suffix
		}
		return m.Name
	}
	for i := 1; i < len(out); i++ { // insertion sort: small, stable
		for j := i; j > 0 && key(out[j]) < key(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Text renders the compact text summary exactly as k6 prints it to stdout
// when there is no handleSummary: "\n" + summary + "\n\n". The saturation
// warning, when it applies, comes after TOTAL RESULTS.
func Text(s *aggregate.Snapshot, o Options) string {
	p := painter(o.Color)
	var lines []string
	lines = append(lines, thresholdLines(s, o, p)...)
	lines = append(lines, p.title("TOTAL RESULTS"), "")
	lines = append(lines, checksLines(s, o, p)...)
	lines = append(lines, metricLines(s, o, p)...)
	if w := Interrupted(s); w != "" {
		lines = append(lines, "  "+p.paint(red, w), "")
	}
	if w := Saturation(s, o.Saturated...); w != "" {
		lines = append(lines, "  "+p.paint(red, w), "")
	}
	return "\n" + strings.Join(lines, "\n") + "\n\n"
}

func (p painter) title(t string) string { return "  " + p.paint(bold, "█ "+t) + " " }

func thresholdLines(s *aggregate.Snapshot, o Options, p painter) []string {
	var lines []string
	withTh := map[string]bool{}
	for _, m := range s.Metrics {
		if len(m.Thresholds) > 0 {
			withTh[m.Name] = true
		}
	}
	for _, m := range ordered(s.Metrics) {
		if len(m.Thresholds) == 0 {
			continue
		}
		indent := "    "
		name := m.Name
		if m.Parent != "" && withTh[m.Parent] {
			indent, name = "      ", "{"+m.Suffix+"}"
		}
		lines = append(lines, indent+name)
		for _, th := range m.Thresholds {
			agg := th.Source
			if i := strings.IndexAny(agg, "=<>"); i >= 0 {
				agg = agg[:i]
			}
			agg = strings.TrimSpace(agg)
			v, _ := s.Stat(m, th.Agg)
			mark, style := "✓", green
			if th.LastFailed {
				mark, style = "✗", red
			}
			lines = append(lines, indent+p.paint(style, mark+" '"+th.Source+"'")+" "+agg+"="+p.paint(cyan, humanize(v, m.Metric, o.TimeUnit)))
		}
		lines = append(lines, "")
	}
	if len(lines) == 0 {
		return nil
	}
	return append(append([]string{p.title("THRESHOLDS"), ""}, lines...), "")
}

// row is one metric line before padding.
type row struct {
	name   string   // display name, including a submetric's indent
	trend  []cell   // stat=value columns for a Trend
	values []string // main value then extras for other types
}

func checksLines(s *aggregate.Snapshot, o Options, p painter) []string {
	cm := s.Get("checks")
	if cm == nil || cm.Sink.Empty() {
		return nil
	}
	total, _ := s.Stat(cm, "passes")
	fails, _ := s.Stat(cm, "fails")
	passes := total
	total += fails
	rate := 0.0
	if s.Duration > 0 {
		rate = total / s.Duration.Seconds()
	}
	pct := func(n float64) string { return humanize(n/total, cm.Metric, "") }
	rows := []row{
		{name: "checks_total", values: []string{jsNumber(total), fixedNoZeros(rate, 6) + "/s"}},
		{name: "checks_succeeded", values: []string{pct(passes), fmt.Sprintf("%s out of %s", jsNumber(passes), jsNumber(total))}},
		{name: "checks_failed", values: []string{pct(fails), fmt.Sprintf("%s out of %s", jsNumber(fails), jsNumber(total))}},
	}
	lines := renderRows(rows, p)
	lines = append(lines, "")
	for _, ch := range s.Checks {
		if ch.Fails == 0 {
			lines = append(lines, "    "+p.paint(green, "✓ "+ch.Name))
			continue
		}
		n := ch.Passes + ch.Fails
		pc := int64(math.Floor(100 * float64(ch.Passes) / float64(n)))
		lines = append(lines, "    "+p.paint(red, "✗ "+ch.Name),
			"      "+p.paint(red, fmt.Sprintf("↳  %d%% — ✓ %d / ✗ %d", pc, ch.Passes, ch.Fails)))
	}
	return append(lines, "")
}

func metricLines(s *aggregate.Snapshot, o Options, p painter) []string {
	bySection := map[string][]row{}
	var all []row
	stats := o.trendStats()
	for _, m := range ordered(s.Metrics) {
		if hidden(baseName(m)) {
			continue
		}
		r := row{name: m.Name}
		if m.Parent != "" {
			r.name = "  { " + m.Suffix + " }"
			if s.Get(m.Parent) == nil {
				r.name = m.Name
			}
		}
		r.trend, r.values = values(s, m, stats, o.TimeUnit)
		sec := sectionOf(baseName(m))
		bySection[sec] = append(bySection[sec], r)
		all = append(all, r)
	}
	nameW, mainW, extraW, trendW := widths(all)
	var lines []string
	for _, sec := range sectionOrder {
		rows := bySection[sec]
		if len(rows) == 0 {
			continue
		}
		lines = append(lines, "    "+sec)
		for _, r := range rows {
			lines = append(lines, renderRow(r, nameW, mainW, extraW, trendW, p))
		}
		lines = append(lines, "")
	}
	return lines
}

// values renders a metric's data columns.
func values(s *aggregate.Snapshot, m *aggregate.Metric, stats []string, unit string) ([]cell, []string) {
	st := func(name string) float64 { v, _ := s.Stat(m, name); return v }
	h := func(v float64) string { return humanize(v, m.Metric, unit) }
	switch m.Metric.Type {
	case metrics.Trend:
		cells := make([]cell, len(stats))
		for i, name := range stats {
			v := h(st(name))
			if name == "count" {
				v = jsNumber(st(name))
			}
			cells[i] = cell{name + "=" + v, ""}
		}
		return cells, nil
	case metrics.Counter:
		return nil, []string{h(st("count")), h(st("rate")) + "/s"}
	case metrics.Gauge:
		return nil, []string{h(st("value")), "min=" + h(st("min")), "max=" + h(st("max"))}
	default:
		passes, fails := st("passes"), st("fails")
		return nil, []string{h(st("rate")), fmt.Sprintf("%s out of %s", jsNumber(passes), jsNumber(passes+fails))}
	}
}

func widths(rows []row) (nameW, mainW int, extraW, trendW []int) {
	for _, r := range rows {
		nameW = max(nameW, width(r.name))
		for i, c := range r.trend {
			for len(trendW) <= i {
				trendW = append(trendW, 0)
			}
			trendW[i] = max(trendW[i], width(c.text))
		}
		for i, v := range r.values {
			if i == 0 {
				mainW = max(mainW, width(v))
				continue
			}
			for len(extraW) < i {
				extraW = append(extraW, 0)
			}
			extraW[i-1] = max(extraW[i-1], width(v))
		}
	}
	return nameW, mainW, extraW, trendW
}

func renderRows(rows []row, p painter) []string {
	nameW, mainW, extraW, trendW := widths(rows)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = renderRow(r, nameW, mainW, extraW, trendW, p)
	}
	return out
}

func renderRow(r row, nameW, mainW int, extraW, trendW []int, p painter) string {
	var b strings.Builder
	b.WriteString("    ")
	b.WriteString(r.name)
	b.WriteString(p.paint(faint, strings.Repeat(".", max(3, nameW-width(r.name)+3))))
	b.WriteString(": ")
	if r.trend != nil {
		for i, c := range r.trend {
			if i > 0 {
				b.WriteByte(' ')
			}
			stat, val, _ := strings.Cut(c.text, "=")
			b.WriteString(stat + "=" + p.paint(cyan, val))
			b.WriteString(strings.Repeat(" ", trendW[i]-width(c.text)))
		}
		return b.String()
	}
	for i, v := range r.values {
		switch {
		case i == 0:
			b.WriteString(p.padded(cell{v, cyan}, mainW))
		case i == len(r.values)-1:
			b.WriteByte(' ')
			b.WriteString(p.paint(cyan, v))
		default:
			b.WriteByte(' ')
			b.WriteString(p.padded(cell{v, cyan}, extraW[i-1]))
		}
	}
	return b.String()
}
