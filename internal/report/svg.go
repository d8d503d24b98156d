package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// palette colours runs in every chart, in run order.
var palette = []string{"#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569", "#ea580c"}

func color(i int) string { return palette[i%len(palette)] }

// xy is one point of a series; a NaN Y breaks the line.
type xy struct{ X, Y float64 }

// series is one line of a chart.
type series struct {
	Name   string
	Color  string
	Dash   bool
	Marks  bool // draw a circle, and Labels, at each point
	Labels []string
	Points []xy
}

// chart is a line chart's description; svg renders it.
type chart struct {
	ID, Title, XLabel, YLabel string
	Series                    []series
	YMin0                     bool // start the Y axis at 0
	YMax                      float64
}

const (
	chartW, chartH         = 640, 320
	padL, padR, padT, padB = 64, 16, 48, 44
	plotW, plotH           = chartW - padL - padR, chartH - padT - padB
	fontAttr               = `font-family="system-ui,sans-serif" font-size="11"`
)

// bounds returns the data range of the chart's points.
func (c *chart) bounds() (x0, x1, y0, y1 float64, n int) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	for _, s := range c.Series {
		for _, p := range s.Points {
			if !finite(p.X) || !finite(p.Y) {
				continue
			}
			n++
			x0, x1 = math.Min(x0, p.X), math.Max(x1, p.X)
			y0, y1 = math.Min(y0, p.Y), math.Max(y1, p.Y)
		}
	}
	return
}

// svg renders the chart as an inline <svg> element; each series is one
// <path class="series" data-points="N">.
func (c *chart) svg() template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="%s" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" xmlns="http://www.w3.org/2000/svg" %s>`,
		html.EscapeString(c.ID), chartW, chartH, chartW, chartH, fontAttr)
	fmt.Fprintf(&b, `<title>%s</title><text x="%d" y="18" font-size="14" font-weight="600">%s</text>`,
		html.EscapeString(c.Title), padL, html.EscapeString(c.Title))
	x0, x1, y0, y1, n := c.bounds()
	if n == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#64748b">no data</text></svg>`, chartW/2-24, chartH/2)
		return template.HTML(b.String())
	}
	if c.YMin0 && y0 > 0 {
		y0 = 0
	}
	if c.YMax > 0 {
		y1 = c.YMax
	} else {
		y1 += (y1 - y0) * 0.04 // keep the highest line off the frame
	}
	xt, x0, x1 := ticks(x0, x1)
	yt, y0, y1 := ticks(y0, y1)
	px := func(v float64) float64 { return padL + (v-x0)/(x1-x0)*plotW }
	py := func(v float64) float64 { return padT + plotH - (v-y0)/(y1-y0)*plotH }

	// Grid and axes.
	b.WriteString(`<g class="grid" stroke="#e2e8f0">`)
	for _, t := range yt {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, padL, padL+plotW, py(t), py(t))
	}
	b.WriteString(`</g><g class="axis" fill="#334155">`)
	for _, t := range yt {
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, padL-6, py(t)+4, tickLabel(t))
	}
	for _, t := range xt {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, px(t), padT+plotH+16, tickLabel(t))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, padL+plotW/2, chartH-6, html.EscapeString(c.XLabel))
	fmt.Fprintf(&b, `<text transform="translate(14 %d) rotate(-90)" text-anchor="middle">%s</text>`, padT+plotH/2, html.EscapeString(c.YLabel))
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#94a3b8"/></g>`, padL, padT, plotW, plotH)

	// Series.
	for _, s := range c.Series {
		var d strings.Builder
		count, pen := 0, false
		for _, p := range s.Points {
			if !finite(p.X) || !finite(p.Y) {
				pen = false
				continue
			}
			cmd := 'L'
			if !pen {
				cmd = 'M'
			}
			fmt.Fprintf(&d, "%c%.1f %.1f", cmd, px(p.X), py(math.Min(p.Y, y1)))
			pen = true
			count++
		}
		dash := ""
		if s.Dash {
			dash = ` stroke-dasharray="5 4"`
		}
		fmt.Fprintf(&b, `<path class="series" data-series="%s" data-points="%d" d="%s" fill="none" stroke="%s" stroke-width="2"%s><title>%s</title></path>`,
			html.EscapeString(s.Name), count, d.String(), s.Color, dash, html.EscapeString(s.Name))
		if s.Marks {
			for i, p := range s.Points {
				if !finite(p.X) || !finite(p.Y) {
					continue
				}
				label := ""
				if i < len(s.Labels) {
					label = s.Labels[i]
				}
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s: %s, %s</title></circle>`,
					px(p.X), py(p.Y), s.Color, html.EscapeString(label), tickLabel(p.X), tickLabel(p.Y))
				if label != "" {
					fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#334155">%s</text>`, px(p.X)+6, py(p.Y)-6, html.EscapeString(label))
				}
			}
		}
	}
	legend(&b, c.Series)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// legend writes one swatch per distinct series name below the title.
func legend(b *strings.Builder, ss []series) {
	x, y := float64(padL), 34.0
	for _, s := range ss {
		if s.Name == "" {
			continue
		}
		w := 28 + 6.5*float64(len([]rune(s.Name)))
		if x+w > chartW-padR {
			break // one row; the page's run legend names every colour
		}
		dash := ""
		if s.Dash {
			dash = ` stroke-dasharray="5 4"`
		}
		fmt.Fprintf(b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="3"%s/><text x="%.1f" y="%.1f">%s</text>`,
			x, x+18, y-4, y-4, s.Color, dash, x+22, y, html.EscapeString(s.Name))
		x += w
	}
}

// bar is one bar of a bar chart.
type bar struct {
	Label, Color string
	Value        float64
}

// barSVG renders one bar per run: class "bar" rects with data-value.
func barSVG(id, title, yLabel string, bars []bar) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="%s" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" xmlns="http://www.w3.org/2000/svg" %s>`,
		html.EscapeString(id), chartW, chartH, chartW, chartH, fontAttr)
	fmt.Fprintf(&b, `<title>%s</title><text x="%d" y="18" font-size="14" font-weight="600">%s</text>`,
		html.EscapeString(title), padL, html.EscapeString(title))
	hi := 0.0
	for _, x := range bars {
		if finite(x.Value) {
			hi = math.Max(hi, x.Value)
		}
	}
	if len(bars) == 0 || hi == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#64748b">no data</text></svg>`, chartW/2-24, chartH/2)
		return template.HTML(b.String())
	}
	yt, _, y1 := ticks(0, hi)
	py := func(v float64) float64 { return padT + plotH - v/y1*plotH }
	b.WriteString(`<g class="grid" stroke="#e2e8f0">`)
	for _, t := range yt {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, padL, padL+plotW, py(t), py(t))
	}
	b.WriteString(`</g><g class="axis" fill="#334155">`)
	for _, t := range yt {
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, padL-6, py(t)+4, tickLabel(t))
	}
	fmt.Fprintf(&b, `<text transform="translate(14 %d) rotate(-90)" text-anchor="middle">%s</text></g>`, padT+plotH/2, html.EscapeString(yLabel))
	slot := float64(plotW) / float64(len(bars))
	for i, x := range bars {
		v := x.Value
		if !finite(v) {
			v = 0
		}
		bx := padL + slot*float64(i) + slot*0.15
		fmt.Fprintf(&b, `<rect class="bar" data-value="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`,
			strconv.FormatFloat(v, 'g', 6, 64), bx, py(v), slot*0.7, py(0)-py(v), x.Color, html.EscapeString(x.Label), fmtNum(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#334155">%s</text>`, bx+slot*0.35, py(v)-4, fmtNum(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#334155">%s</text>`, bx+slot*0.35, padT+plotH+16, html.EscapeString(shorten(x.Label, int(slot/6.5))))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func shorten(s string, n int) string {
	r := []rune(s)
	if n < 4 || len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// ticks returns about five round tick values covering [lo, hi] and the
// widened range they span.
func ticks(lo, hi float64) ([]float64, float64, float64) {
	if hi <= lo {
		if lo == 0 {
			hi = 1
		} else {
			lo, hi = lo-math.Abs(lo)*0.1, hi+math.Abs(hi)*0.1
		}
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	end := math.Ceil(hi/step) * step
	var ts []float64
	for v := start; v <= end+step/2; v += step {
		ts = append(ts, v)
	}
	return ts, start, end
}

func tickLabel(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}
