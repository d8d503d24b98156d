package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed report.html.tmpl
var pageTemplate string

var page = template.Must(template.New("report").Parse(pageTemplate))

type htmlTable struct {
	Header []string
	Rows   []htmlRow
}

type htmlRow struct {
	Group bool // a group's row under its run's
	Cells []htmlCell
}

type htmlCell struct {
	Text bool // a name, aligned left
	V    string
}

type titledTable struct {
	Title, Note string
	Table       htmlTable
}

type htmlRun struct{ Name, Color string }

type pageData struct {
	Generated string
	Runs      []htmlRun
	Overview  htmlTable
	Figures   []figure
	Latency   []titledTable
	PerRun    []titledTable
}

// WriteHTML writes rep as one self-contained page: the tables and inline
// SVG charts, no scripts, and a Content-Security-Policy that forbids every
// request, so it looks the same opened from disk with no network.
func WriteHTML(w io.Writer, rep *Report) error {
	d := pageData{Generated: rep.Generated.UTC().Format("2006-01-02 15:04:05 UTC")}
	for i, rt := range rep.Runs {
		d.Runs = append(d.Runs, htmlRun{rt.Name, color(i)})
	}
	d.Overview = toHTML(overviewHeader(), overviewRows(rep))
	d.Figures = rep.figures()
	for _, m := range latencyMetrics {
		d.Latency = append(d.Latency, titledTable{Title: m.Label, Table: toHTML(latencyHeader(), latencyRows(rep, m.Key))})
	}
	for _, rt := range rep.Runs {
		d.PerRun = append(d.PerRun, titledTable{
			Title: rt.Name,
			Note:  fmt.Sprintf("Source %s, started %s, %s long.%s", rt.Source, rt.Start.UTC().Format("2006-01-02 15:04:05 UTC"), fmtSeconds(rt.Duration), rt.energyNote()),
			Table: toHTML([]string{"Metric (ms)", "Count", "Mean", "Median", "p90", "p95", "p99"}, runLatencyRows(rt.Row)),
		})
	}
	if err := page.Execute(w, d); err != nil {
		return fmt.Errorf("writing HTML: %w", err)
	}
	return nil
}

func toHTML(header []string, rows [][]string) htmlTable {
	t := htmlTable{Header: header}
	n := textColumns(header)
	for _, r := range rows {
		row := htmlRow{Group: strings.Contains(r[0], " ▸ ")}
		for i, c := range r {
			row.Cells = append(row.Cells, htmlCell{Text: i < n, V: c})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
