package execution

import (
	"sort"
	"time"

	"github.com/llmbench/llmbench/internal/executor"
)

// PlannedVUs returns how many VUs to initialise before setup(): the most
// that scenarios running at the same time need, each needing its
// PlannedVUs from its startTime to startTime + MaxDuration (k6's execution
// plan, with each scenario's need taken at its peak).
func PlannedVUs(scenarios []executor.Config) int64 {
	return peak(scenarios, executor.Config.PlannedVUs)
}

// MaxVUs returns the run header's "max VUs": PlannedVUs counting the VUs
// arrival-rate executors may add.
func MaxVUs(scenarios []executor.Config) int64 {
	return peak(scenarios, executor.Config.MaxVUs)
}

// SegmentPlannedVUs is PlannedVUs for the instance running seg: each
// scenario's need is its share (seg.Scale), as k6 plans a segment.
func SegmentPlannedVUs(seg executor.Segment, scenarios []executor.Config) int64 {
	return peak(scenarios, func(c executor.Config) int64 { return seg.Scale(c.PlannedVUs()) })
}

// SegmentMaxVUs is MaxVUs for the instance running seg.
func SegmentMaxVUs(seg executor.Segment, scenarios []executor.Config) int64 {
	return peak(scenarios, func(c executor.Config) int64 { return seg.Scale(c.MaxVUs()) })
}

// MaxDuration returns the run header's "max duration (incl. graceful
// stop)": the latest startTime + MaxDuration.
func MaxDuration(scenarios []executor.Config) time.Duration {
	var d time.Duration
	for _, c := range scenarios {
		d = max(d, c.Base().StartTime.D()+c.MaxDuration())
	}
	return d
}

func peak(scenarios []executor.Config, need func(executor.Config) int64) int64 {
	type event struct {
		at time.Duration
		n  int64
	}
	var events []event
	for _, c := range scenarios {
		start := c.Base().StartTime.D()
		events = append(events, event{start, need(c)}, event{start + c.MaxDuration(), -need(c)})
	}
	// At equal times, releases come before needs: a VU freed at t serves a
	// scenario starting at t.
	sort.Slice(events, func(i, j int) bool {
		if events[i].at != events[j].at {
			return events[i].at < events[j].at
		}
		return events[i].n < events[j].n
	})
	var cur, top int64
	for _, e := range events {
		cur += e.n
		top = max(top, cur)
	}
	return top
}
