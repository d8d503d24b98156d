package ui

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// HeaderInfo describes a run for Header.
type HeaderInfo struct {
	Script    string   // the script path as given
	Outputs   []string // output descriptions, e.g. "json (out.json)"
	Scenarios []ScenarioLine
	// MaxVUs is the most VUs the run may use (planned and unplanned).
	MaxVUs int64
	// MaxDuration is the end of the execution plan, graceful stops
	// included.
	MaxDuration time.Duration
	// Color paints the values cyan (a terminal without --no-color).
	Color bool
}

// ScenarioLine is one scenario in the header: "* Name: Description".
type ScenarioLine struct {
	Name        string
	Description string // e.g. "5 looping VUs for 30s (gracefulStop: 30s)"
}

// Header writes k6's execution description (reference §8.2):
//
//	execution: local
//	   script: script.js
//	   output: -
//
//	scenarios: (100.00%) 1 scenario, 5 max VUs, 1m0s max duration (incl. graceful stop):
//	         * default: 5 looping VUs for 30s (gracefulStop: 30s)
//
// with a blank line before and after.
func Header(w io.Writer, h HeaderInfo) error {
	val := func(s string) string {
		if h.Color {
			return cyan + s + reset
		}
		return s
	}
	out := "-"
	if len(h.Outputs) > 0 {
		out = strings.Join(h.Outputs, ", ")
	}
	var b strings.Builder
	b.WriteString("\n")
	fmt.Fprintf(&b, "     execution: %s\n", val("local"))
	fmt.Fprintf(&b, "        script: %s\n", val(h.Script))
	fmt.Fprintf(&b, "        output: %s\n", val(out))
	b.WriteString("\n")
	n := "1 scenario"
	if len(h.Scenarios) != 1 {
		n = fmt.Sprintf("%d scenarios", len(h.Scenarios))
	}
	fmt.Fprintf(&b, "     scenarios: %s\n", val(fmt.Sprintf(
		"(100.00%%) %s, %d max VUs, %s max duration (incl. graceful stop):",
		n, h.MaxVUs, h.MaxDuration.Round(100*time.Millisecond))))
	for _, s := range h.Scenarios {
		fmt.Fprintf(&b, "              * %s: %s\n", s.Name, s.Description)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing the header: %w", err)
	}
	return nil
}

const (
	cyan  = "\x1b[36m"
	reset = "\x1b[0m"
)
