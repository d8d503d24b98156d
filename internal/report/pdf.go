package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
)

// The PDF report is drawn with github.com/go-pdf/fpdf (pure Go, MIT, no
// dependencies): the tables as the HTML page has them, and each chart
// drawn again as vector lines from the same chart data the SVG comes
// from, rather than by converting the SVG (fpdf's SVG support is limited to
// simple paths, and a rasteriser would add a large dependency and blur the
// lines). A4 landscape, two charts per row.

const (
	pdfMargin   = 10.0 // mm
	pdfChartW   = 135.0
	pdfChartH   = 72.0
	pdfFontBody = 8.0
)

// pdfText maps characters outside the core fonts' code page (cp1252).
var pdfText = strings.NewReplacer("▸", ">", "≥", ">=", "≤", "<=", "→", "->", "✓", "ok", "✗", "x")

type pdfDoc struct {
	*fpdf.Fpdf
	tr func(string) string
}

func (d *pdfDoc) text(s string) string { return d.tr(pdfText.Replace(s)) }

// WritePDF writes rep as a PDF: the overview, the charts, the latency
// tables and one table per run.
func WritePDF(w io.Writer, rep *Report) error {
	d := &pdfDoc{Fpdf: fpdf.New("L", "mm", "A4", "")}
	d.tr = d.UnicodeTranslatorFromDescriptor("")
	d.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	d.SetAutoPageBreak(false, pdfMargin)
	d.SetCatalogSort(true) // deterministic output
	d.SetCreator("llmbench", true)
	d.SetTitle("llmbench report", true)
	d.SetCreationDate(rep.Generated)
	d.SetModificationDate(rep.Generated)
	d.AddPage()

	d.SetFont("Helvetica", "B", 16)
	d.CellFormat(0, 8, d.text("llmbench report"), "", 1, "L", false, 0, "")
	d.SetFont("Helvetica", "", 9)
	d.SetTextColor(71, 85, 105)
	d.CellFormat(0, 5, d.text(fmt.Sprintf("Generated %s from %d run(s).", rep.Generated.UTC().Format("2006-01-02 15:04:05 UTC"), len(rep.Runs))), "", 1, "L", false, 0, "")
	d.SetTextColor(15, 23, 42)
	x := pdfMargin
	for i, rt := range rep.Runs {
		r, g, b := hexRGB(color(i))
		d.SetFillColor(r, g, b)
		d.Rect(x, d.GetY()+1, 3, 3, "F")
		d.SetXY(x+4, d.GetY())
		name := d.text(rt.Name)
		wd := d.GetStringWidth(name) + 8
		d.CellFormat(wd, 5, name, "", 0, "L", false, 0, "")
		x += wd + 4
	}
	d.Ln(7)

	d.heading("Runs side by side")
	d.table(overviewHeader(), overviewRows(rep))

	d.heading("Charts")
	figs := rep.figures()
	for i, f := range figs {
		col := i % 2
		if col == 0 && d.GetY()+pdfChartH > d.pageH()-pdfMargin {
			d.AddPage()
		}
		y := d.GetY()
		x := pdfMargin + float64(col)*(pdfChartW+7)
		switch {
		case f.chart != nil:
			d.lineChart(f.chart, x, y)
		case f.bars != nil:
			d.barChart(f.bars, x, y)
		}
		if col == 1 || i == len(figs)-1 {
			d.SetXY(pdfMargin, y+pdfChartH+3)
		} else {
			d.SetXY(pdfMargin, y)
		}
	}

	d.heading("Latency (ms)")
	for _, m := range latencyMetrics {
		d.subheading(m.Label)
		d.table(latencyHeader(), latencyRows(rep, m.Key))
	}
	d.heading("Runs")
	for _, rt := range rep.Runs {
		d.subheading(rt.Name)
		d.SetFont("Helvetica", "", pdfFontBody)
		d.SetTextColor(71, 85, 105)
		d.MultiCell(0, 4, d.text(fmt.Sprintf("Source %s, started %s, %s long.%s", rt.Source, rt.Start.UTC().Format("2006-01-02 15:04:05 UTC"), fmtSeconds(rt.Duration), rt.energyNote())), "", "L", false)
		d.SetTextColor(15, 23, 42)
		d.table([]string{"Metric (ms)", "Count", "Mean", "Median", "p90", "p95", "p99"}, runLatencyRows(rt.Row))
	}
	if err := d.Output(w); err != nil {
		return fmt.Errorf("writing PDF: %w", err)
	}
	return nil
}

func (d *pdfDoc) pageH() float64 { _, h := d.GetPageSize(); return h }
func (d *pdfDoc) pageW() float64 { w, _ := d.GetPageSize(); return w }

// need starts a new page unless h mm fit below the cursor.
func (d *pdfDoc) need(h float64) {
	if d.GetY()+h > d.pageH()-pdfMargin {
		d.AddPage()
	}
}

func (d *pdfDoc) heading(s string) {
	d.need(20)
	d.Ln(2)
	d.SetFont("Helvetica", "B", 12)
	d.CellFormat(0, 7, d.text(s), "", 1, "L", false, 0, "")
}

func (d *pdfDoc) subheading(s string) {
	d.need(16)
	d.SetFont("Helvetica", "B", 9.5)
	d.CellFormat(0, 6, d.text(s), "", 1, "L", false, 0, "")
}

// table draws header and rows with columns fitted to their text; the font
// shrinks (down to 5pt) until the table fits the page's width. The header
// is repeated on every page the table runs onto.
func (d *pdfDoc) table(header []string, rows [][]string) {
	nText := textColumns(header)
	avail := d.pageW() - 2*pdfMargin
	size := pdfFontBody
	var widths []float64
	for {
		d.SetFont("Helvetica", "", size)
		widths = make([]float64, len(header))
		total := 0.0
		for i := range header {
			d.SetFont("Helvetica", "B", size)
			widths[i] = d.GetStringWidth(d.text(header[i]))
			d.SetFont("Helvetica", "", size)
			for _, r := range rows {
				if i < len(r) {
					widths[i] = math.Max(widths[i], d.GetStringWidth(d.text(r[i])))
				}
			}
			widths[i] += 2.4
			total += widths[i]
		}
		if total <= avail || size <= 5 {
			break
		}
		size -= 0.5
	}
	rowH := size * 0.55
	drawHeader := func() {
		d.SetFont("Helvetica", "B", size)
		d.SetFillColor(241, 245, 249)
		d.SetDrawColor(226, 232, 240)
		for i, h := range header {
			align := "R"
			if i < nText {
				align = "L"
			}
			d.CellFormat(widths[i], rowH, d.text(h), "1", 0, align, true, 0, "")
		}
		d.Ln(-1)
		d.SetFont("Helvetica", "", size)
	}
	d.need(2 * rowH)
	drawHeader()
	for _, r := range rows {
		if d.GetY()+rowH > d.pageH()-pdfMargin {
			d.AddPage()
			drawHeader()
		}
		group := strings.Contains(r[0], " ▸ ")
		if group {
			d.SetTextColor(71, 85, 105)
		}
		for i := range header {
			v := ""
			if i < len(r) {
				v = r[i]
			}
			align := "R"
			if i < nText {
				align = "L"
			}
			d.CellFormat(widths[i], rowH, d.text(v), "1", 0, align, false, 0, "")
		}
		d.Ln(-1)
		d.SetTextColor(15, 23, 42)
	}
	d.Ln(2)
}

// frame draws a chart's title and returns the plot area.
func (d *pdfDoc) frame(title string, x, y float64) (px, py, pw, ph float64) {
	d.SetDrawColor(226, 232, 240)
	d.SetLineWidth(0.2)
	d.Rect(x, y, pdfChartW, pdfChartH, "D")
	d.SetFont("Helvetica", "B", 8.5)
	d.SetTextColor(15, 23, 42)
	d.Text(x+3, y+5, d.text(title))
	return x + 15, y + 12, pdfChartW - 19, pdfChartH - 22
}

// lineChart draws c at (x, y) as the SVG does: grid and ticks, one
// polyline per series (dashed where the SVG dashes; NaN breaks the line),
// marks and labels, and a legend under the title.
func (d *pdfDoc) lineChart(c *chart, x, y float64) {
	px, py, pw, ph := d.frame(c.Title, x, y)
	x0, x1, y0, y1, n := c.bounds()
	if n == 0 {
		d.SetFont("Helvetica", "", 8)
		d.SetTextColor(100, 116, 139)
		d.Text(px+pw/2-6, py+ph/2, "no data")
		return
	}
	if c.YMin0 && y0 > 0 {
		y0 = 0
	}
	if c.YMax > 0 {
		y1 = c.YMax
	} else {
		y1 += (y1 - y0) * 0.04
	}
	xt, x0, x1 := ticks(x0, x1)
	yt, y0, y1 := ticks(y0, y1)
	mx := func(v float64) float64 { return px + (v-x0)/(x1-x0)*pw }
	my := func(v float64) float64 { return py + ph - (v-y0)/(y1-y0)*ph }
	d.axes(px, py, pw, ph, c.XLabel, c.YLabel)
	d.SetFont("Helvetica", "", 6)
	d.SetTextColor(51, 65, 85)
	for _, t := range yt {
		d.SetDrawColor(226, 232, 240)
		d.Line(px, my(t), px+pw, my(t))
		l := tickLabel(t)
		d.Text(px-1.5-d.GetStringWidth(l), my(t)+1, l)
	}
	for _, t := range xt {
		l := tickLabel(t)
		d.Text(mx(t)-d.GetStringWidth(l)/2, py+ph+3.5, l)
	}
	d.SetDrawColor(148, 163, 184)
	d.Rect(px, py, pw, ph, "D")
	d.ClipRect(px, py-1, pw, ph+1, false)
	for _, s := range c.Series {
		r, g, b := hexRGB(s.Color)
		d.SetDrawColor(r, g, b)
		d.SetFillColor(r, g, b)
		d.SetLineWidth(0.45)
		if s.Dash {
			d.SetDashPattern([]float64{1.6, 1.2}, 0)
		}
		var prev *xy
		for i := range s.Points {
			p := s.Points[i]
			if !finite(p.X) || !finite(p.Y) {
				prev = nil
				continue
			}
			p.Y = math.Min(p.Y, y1)
			if prev != nil {
				d.Line(mx(prev.X), my(prev.Y), mx(p.X), my(p.Y))
			}
			prev = &p
		}
		d.SetDashPattern(nil, 0)
		if s.Marks {
			for i, p := range s.Points {
				if !finite(p.X) || !finite(p.Y) {
					continue
				}
				d.Circle(mx(p.X), my(p.Y), 0.9, "F")
				if i < len(s.Labels) && s.Labels[i] != "" {
					d.SetTextColor(51, 65, 85)
					d.Text(mx(p.X)+1.5, my(p.Y)-1.5, d.text(s.Labels[i]))
				}
			}
		}
	}
	d.ClipEnd()
	d.legend(c.Series, x+3, y+9)
	d.SetLineWidth(0.2)
}

// axes writes the axis labels around the plot area.
func (d *pdfDoc) axes(px, py, pw, ph float64, xLabel, yLabel string) {
	d.SetFont("Helvetica", "", 6.5)
	d.SetTextColor(51, 65, 85)
	if xLabel != "" {
		l := d.text(xLabel)
		d.Text(px+pw/2-d.GetStringWidth(l)/2, py+ph+7.5, l)
	}
	if yLabel != "" {
		l := d.text(yLabel)
		d.TransformBegin()
		d.TransformRotate(90, px-11, py+ph/2+d.GetStringWidth(l)/2)
		d.Text(px-11, py+ph/2+d.GetStringWidth(l)/2, l)
		d.TransformEnd()
	}
}

// legend writes one swatch per named series on one row.
func (d *pdfDoc) legend(ss []series, x, y float64) {
	right := x + pdfChartW - 6
	d.SetFont("Helvetica", "", 6.5)
	d.SetTextColor(15, 23, 42)
	for _, s := range ss {
		if s.Name == "" {
			continue
		}
		name := d.text(s.Name)
		w := 7 + d.GetStringWidth(name) + 3
		if x+w > right {
			break // one row; the run legend at the top names every colour
		}
		r, g, b := hexRGB(s.Color)
		d.SetDrawColor(r, g, b)
		d.SetLineWidth(0.8)
		if s.Dash {
			d.SetDashPattern([]float64{1.2, 0.9}, 0)
		}
		d.Line(x, y-0.8, x+5, y-0.8)
		d.SetDashPattern(nil, 0)
		d.Text(x+6, y, name)
		x += w
	}
	d.SetLineWidth(0.2)
}

// barChart draws one bar per run with its value above it.
func (d *pdfDoc) barChart(bc *barChart, x, y float64) {
	px, py, pw, ph := d.frame(bc.Title, x, y)
	hi := 0.0
	for _, b := range bc.Bars {
		if finite(b.Value) {
			hi = math.Max(hi, b.Value)
		}
	}
	if len(bc.Bars) == 0 || hi == 0 {
		d.SetFont("Helvetica", "", 8)
		d.Text(px+pw/2-6, py+ph/2, "no data")
		return
	}
	yt, _, y1 := ticks(0, hi)
	my := func(v float64) float64 { return py + ph - v/y1*ph }
	d.axes(px, py, pw, ph, "", bc.YLabel)
	d.SetFont("Helvetica", "", 6)
	for _, t := range yt {
		d.SetDrawColor(226, 232, 240)
		d.Line(px, my(t), px+pw, my(t))
		l := tickLabel(t)
		d.SetTextColor(51, 65, 85)
		d.Text(px-1.5-d.GetStringWidth(l), my(t)+1, l)
	}
	slot := pw / float64(len(bc.Bars))
	for i, b := range bc.Bars {
		v := b.Value
		if !finite(v) {
			v = 0
		}
		r, g, bl := hexRGB(b.Color)
		d.SetFillColor(r, g, bl)
		bx := px + slot*float64(i) + slot*0.15
		d.Rect(bx, my(v), slot*0.7, my(0)-my(v), "F")
		l := fmtNum(v)
		d.Text(bx+slot*0.35-d.GetStringWidth(l)/2, my(v)-1, l)
		name := d.text(shorten(b.Label, int(slot/1.6)))
		d.Text(bx+slot*0.35-d.GetStringWidth(name)/2, py+ph+3.5, name)
	}
}

// hexRGB parses "#rrggbb".
func hexRGB(s string) (int, int, int) {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	if err != nil || len(s) != 7 {
		return 0, 0, 0
	}
	return int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)
}
