package ui

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Snapshot is the state of a run that one progress frame shows.
type Snapshot struct {
	Elapsed     time.Duration
	VUs, MaxVUs int64
	Complete    int64 // full iterations
	Interrupted int64 // interrupted iterations
	Paused      bool  // "paused" instead of "running"
	// Stage, when not empty, replaces the running line: "Init VUs...",
	// "10/20 VUs initialized", "setup()", "teardown()".
	Stage     string
	Scenarios []ScenarioBar
}

// ScenarioBar is one scenario's progress bar.
type ScenarioBar struct {
	Name     string
	Fraction float64 // 0..1
	// Status is one of the Status* values ("running", "waiting",
	// "stopping", "done", "interrupted": executor.Status converts as is);
	// the bar shows its mark. Any other value is shown as given.
	Status string
	// Right are the columns after the bar, e.g. "5 VUs", "10.0s/30s".
	Right []string
}

// Scenario states, as internal/executor names them.
const (
	StatusRunning     = "running"
	StatusWaiting     = "waiting"
	StatusStopping    = "stopping"
	StatusDone        = "done"
	StatusInterrupted = "interrupted"
)

// statusMark returns k6's mark for a scenario state.
func statusMark(s string) string {
	switch s {
	case StatusRunning, "":
		return " "
	case StatusWaiting:
		return "•"
	case StatusStopping:
		return "↓"
	case StatusDone:
		return "✓"
	case StatusInterrupted:
		return "✗"
	}
	return s
}

const (
	barWidth    = 40 // brackets included
	minBarWidth = 10 // narrower than this: "NN%"
	maxLeft     = 30 // longest scenario name shown
)

// RenderFrame returns the lines of one frame, without newlines. width is the
// terminal width (0: unknown); bars shrink to fit it, down to a percentage.
func RenderFrame(s Snapshot, width int) []string {
	lines := make([]string, 0, 1+len(s.Scenarios))
	lines = append(lines, runLine(s))
	left := 0
	for _, sc := range s.Scenarios {
		left = max(left, min(utf8.RuneCountInString(sc.Name), maxLeft))
	}
	// Each right column but the last is padded to its widest value.
	var colw []int
	for _, sc := range s.Scenarios {
		for i, r := range sc.Right {
			if i == len(colw) {
				colw = append(colw, 0)
			}
			colw[i] = max(colw[i], utf8.RuneCountInString(r))
		}
	}
	// One bar width for all bars, fitted to the widest line.
	bw := barWidth
	if width > 0 {
		rightMax := 0
		for _, sc := range s.Scenarios {
			n := 0
			for i, r := range sc.Right {
				if i < len(sc.Right)-1 {
					n += colw[i] + 2
				} else {
					n += utf8.RuneCountInString(r)
				}
			}
			rightMax = max(rightMax, n)
		}
		// name, space, status, space, bar, space, right columns.
		bw = min(barWidth, width-left-4-rightMax)
	}
	for _, sc := range s.Scenarios {
		name := sc.Name
		if utf8.RuneCountInString(name) > maxLeft {
			name = string([]rune(name)[:maxLeft-3]) + "..."
		}
		right := make([]string, len(sc.Right))
		for i, r := range sc.Right {
			if i < len(sc.Right)-1 {
				r += strings.Repeat(" ", colw[i]-utf8.RuneCountInString(r))
			}
			right[i] = r
		}
		rightText := strings.Join(right, "  ")
		status := statusMark(sc.Status)
		head := name + strings.Repeat(" ", left-utf8.RuneCountInString(name)) + " " + status + " "
		lines = append(lines, strings.TrimRight(head+bar(sc.Fraction, bw)+" "+rightText, " "))
	}
	return lines
}

func runLine(s Snapshot) string {
	if s.Stage != "" {
		return s.Stage
	}
	state := "running"
	if s.Paused {
		state = "paused"
	}
	digits := len(fmt.Sprint(max(s.MaxVUs, s.VUs)))
	return fmt.Sprintf("%s (%s), %0*d/%0*d VUs, %d complete and %d interrupted iterations",
		state, runDuration(s.Elapsed), digits, s.VUs, digits, s.MaxVUs, s.Complete, s.Interrupted)
}

// runDuration formats the running line's elapsed time: "0m05.0s", or
// "1h02m03.0s" from one hour on.
func runDuration(d time.Duration) string {
	d = max(d, 0).Round(100 * time.Millisecond)
	h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute)
	sec := float64(d%time.Minute) / float64(time.Second)
	if h > 0 {
		return fmt.Sprintf("%dh%02dm%04.1fs", h, m, sec)
	}
	return fmt.Sprintf("%dm%04.1fs", m, sec)
}

// bar draws [=====>-----] in width runes, brackets included, or " NN% " in
// brackets when width is below minBarWidth.
func bar(fraction float64, width int) string {
	fraction = min(max(fraction, 0), 1)
	if width < minBarWidth {
		return fmt.Sprintf("[%3d%%]", int(fraction*100))
	}
	space := width - 2
	filled := int(float64(space) * fraction)
	var b strings.Builder
	b.Grow(width)
	b.WriteByte('[')
	switch {
	case filled >= space:
		b.WriteString(strings.Repeat("=", space))
	case filled > 0:
		b.WriteString(strings.Repeat("=", filled-1))
		b.WriteByte('>')
	}
	b.WriteString(strings.Repeat("-", space-min(filled, space)))
	b.WriteByte(']')
	return b.String()
}

// FormatDuration formats d for a bar's right column, with a fixed length
// given by total, the value it counts towards: "05.3s" below a minute,
// "1m05.3s" below an hour, else "1h01m05.3s".
func FormatDuration(d, total time.Duration) string {
	d = max(d, 0).Round(100 * time.Millisecond)
	total = max(total, d)
	sec := float64(d%time.Minute) / float64(time.Second)
	switch {
	case total >= time.Hour:
		return fmt.Sprintf("%dh%02dm%04.1fs", int64(d/time.Hour), int64(d%time.Hour/time.Minute), sec)
	case total >= time.Minute:
		mw := len(fmt.Sprint(int64(total / time.Minute)))
		return fmt.Sprintf("%0*dm%04.1fs", mw, int64(d/time.Minute), sec)
	}
	return fmt.Sprintf("%04.1fs", sec)
}
