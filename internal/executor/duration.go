package executor

import (
	"fmt"
	"time"

	"github.com/llmbench/llmbench/internal/duration"
)

// Duration is a k6 option duration (internal/duration): a Go duration
// string, the day form ("2d3h") or a bare number of milliseconds in JSON,
// written back as a Go duration string ("30s", "10m0s").
type Duration = duration.Duration

// fmtElapsed formats d for a progress column with 0.1s resolution: "05.0s",
// "1m05.0s", "1h02m05.0s".
func fmtElapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Truncate(100 * time.Millisecond)
	h := d / time.Hour
	m := (d % time.Hour) / time.Minute
	s := float64(d%time.Minute) / float64(time.Second)
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm%04.1fs", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm%04.1fs", m, s)
	default:
		return fmt.Sprintf("%04.1fs", s)
	}
}
