package summary

import (
	"encoding/json"
	"unicode/utf8"
)

// Options are the summary settings of a run.
type Options struct {
	// TrendStats are the Trend columns (summaryTrendStats); nil means
	// DefaultTrendStats.
	TrendStats []string
	// TimeUnit is summaryTimeUnit: "" (auto), "s", "ms" or "us".
	TimeUnit string
	// Color enables ANSI colors in Text (not --no-color and stdout a TTY).
	Color bool
	// NoColor is the --no-color option, reported in Data.
	NoColor bool
	// StdoutTTY and StderrTTY are reported in Data's state.
	StdoutTTY, StderrTTY bool
	// SetupData is setup()'s JSON result; nil when setup returned nothing.
	SetupData json.RawMessage
	// Saturated are reasons, found outside the metrics (the client's
	// self-health), to warn that the load generator was the bottleneck.
	Saturated []string
}

func (o Options) trendStats() []string {
	if len(o.TrendStats) == 0 {
		return DefaultTrendStats
	}
	return o.TrendStats
}

// ANSI styles used when Options.Color is set.
const (
	green = "\x1b[32m"
	red   = "\x1b[31m"
	cyan  = "\x1b[36m"
	faint = "\x1b[2m"
	bold  = "\x1b[1m"
	reset = "\x1b[0m"
)

type painter bool

func (p painter) paint(style, s string) string {
	if !p || s == "" {
		return s
	}
	return style + s + reset
}

// width is the display width of plain text (one column per rune).
func width(s string) int { return utf8.RuneCountInString(s) }

// cell is a piece of text and the style it is painted with.
type cell struct{ text, style string }

// padded paints c and pads it with spaces to w columns.
func (p painter) padded(c cell, w int) string {
	out := p.paint(c.style, c.text)
	for n := width(c.text); n < w; n++ {
		out += " "
	}
	return out
}
