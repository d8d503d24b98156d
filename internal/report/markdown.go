package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteMarkdown writes rep as Markdown: the runs side by side, one table per
// latency metric with a row per run (and per group), then each run alone.
func WriteMarkdown(w io.Writer, rep *Report) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# llmbench report\n\n")
	fmt.Fprintf(bw, "Generated %s from %d run(s).\n\n", rep.Generated.UTC().Format("2006-01-02 15:04:05 UTC"), len(rep.Runs))

	fmt.Fprintf(bw, "## Runs side by side\n\n")
	mdTable(bw, overviewHeader(), overviewRows(rep))

	for _, m := range latencyMetrics {
		fmt.Fprintf(bw, "\n## %s (ms)\n\n", m.Label)
		mdTable(bw, latencyHeader(), latencyRows(rep, m.Key))
	}

	for _, rt := range rep.Runs {
		fmt.Fprintf(bw, "\n## Run %s\n\n", mdEscape(rt.Name))
		fmt.Fprintf(bw, "Source `%s`, started %s, %s long.%s\n\n", rt.Source, rt.Start.UTC().Format("2006-01-02 15:04:05 UTC"), fmtSeconds(rt.Duration), rt.energyNote())
		mdTable(bw, []string{"Metric (ms)", "Count", "Mean", "Median", "p90", "p95", "p99"}, runLatencyRows(rt.Row))
	}
	return bw.Flush()
}

// energyNote is a sentence on the run's GPU energy, or "".
func (rt RunTable) energyNote() string {
	if rt.EnergyJ == nil {
		return ""
	}
	s := fmt.Sprintf(" GPU energy %s J", fmtNum(*rt.EnergyJ))
	if rt.EnergyPerToken != nil {
		s += fmt.Sprintf(", %s J per output token", fmtNum(*rt.EnergyPerToken))
	}
	return s + "."
}

func overviewHeader() []string {
	return []string{"Run", "Workload", "Model", "Target", "Duration", "Requests", "Success", "Output tok/s", "Goodput", "GPU J/token"}
}

// overviewRows has a row per run, then its groups' rows when it has several.
func overviewRows(rep *Report) [][]string {
	var rows [][]string
	for _, rt := range rep.Runs {
		energy := "–"
		if rt.EnergyPerToken != nil {
			energy = fmtNum(*rt.EnergyPerToken)
		}
		rows = append(rows, overviewRow(rt.Name, rt.Row, fmtSeconds(rt.Duration), energy))
		for _, g := range rt.Groups {
			rows = append(rows, overviewRow(rt.Name+" ▸ "+g.label(), g, "", ""))
		}
	}
	return rows
}

func overviewRow(name string, r Row, dur, energy string) []string {
	good := "–"
	if r.Goodput != nil {
		good = fmtPct(*r.Goodput)
	}
	return []string{name, orDash(r.Workload), orDash(r.Model), orDash(r.Target), dur,
		strconv.FormatFloat(r.Requests, 'f', -1, 64), fmtPct(r.SuccessRate),
		strconv.FormatFloat(r.OutputTokensPS, 'f', 1, 64), good, energy}
}

func latencyHeader() []string {
	return []string{"Run", "Count", "Mean", "Median", "p90", "p95", "p99"}
}

func latencyRows(rep *Report, key string) [][]string {
	var rows [][]string
	for _, rt := range rep.Runs {
		rows = append(rows, statsRow(rt.Name, rt.Latency[key]))
		for _, g := range rt.Groups {
			rows = append(rows, statsRow(rt.Name+" ▸ "+g.label(), g.Latency[key]))
		}
	}
	return rows
}

func runLatencyRows(r Row) [][]string {
	var rows [][]string
	for _, m := range latencyMetrics {
		rows = append(rows, statsRow(m.Label, r.Latency[m.Key]))
	}
	return rows
}

func statsRow(name string, s Stats) []string {
	if s.Count == 0 {
		return []string{name, "0", "–", "–", "–", "–", "–"}
	}
	return []string{name, strconv.FormatInt(s.Count, 10), fmtNum(s.Mean), fmtNum(s.Median), fmtNum(s.P90), fmtNum(s.P95), fmtNum(s.P99)}
}

func mdTable(w io.Writer, header []string, rows [][]string) {
	line := func(cells []string) {
		fmt.Fprint(w, "|")
		for _, c := range cells {
			fmt.Fprintf(w, " %s |", mdEscape(c))
		}
		fmt.Fprintln(w)
	}
	line(header)
	fmt.Fprint(w, "|")
	for i := range header {
		if i < textColumns(header) {
			fmt.Fprint(w, " --- |")
		} else {
			fmt.Fprint(w, " ---: |")
		}
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		line(r)
	}
}

// textColumns is how many leading columns hold names, not numbers.
func textColumns(header []string) int {
	if len(header) > 3 && header[1] == "Workload" {
		return 4
	}
	return 1
}

// mdEscaper keeps a name (a tag value, a file name) one inert table cell:
// pipes escaped, HTML inert (Markdown renderers pass raw HTML through),
// line breaks folded into spaces.
var mdEscaper = strings.NewReplacer("|", `\|`, "&", "&amp;", "<", "&lt;", ">", "&gt;", "\r\n", " ", "\n", " ", "\r", " ")

func mdEscape(s string) string { return mdEscaper.Replace(s) }

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// fmtNum writes a value with about four significant digits.
func fmtNum(v float64) string {
	a := v
	if a < 0 {
		a = -a
	}
	switch {
	case !finite(v):
		return "–"
	case a == 0:
		return "0"
	case a < 1:
		return strconv.FormatFloat(v, 'f', 4, 64)
	case a < 100:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case a < 10000:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func fmtPct(v float64) string { return strconv.FormatFloat(v*100, 'f', 2, 64) + "%" }

func fmtSeconds(s float64) string { return strconv.FormatFloat(s, 'f', 1, 64) + "s" }
