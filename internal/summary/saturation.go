package summary

import (
	"strings"

	"github.com/llmbench/llmbench/internal/aggregate"
)

// SaturationLagLimit is the schedule_lag p(99), in milliseconds, above which
// the load generator counts as saturated.
const SaturationLagLimit = 100.0

// Saturation returns a one-line warning when the load generator itself was
// the bottleneck — schedule_lag p(99) above 100ms, any dropped iterations,
// or one of the extra reasons (the client's self-health: CPU near all
// cores, Go scheduler latency) — and "" otherwise.
func Saturation(s *aggregate.Snapshot, extra ...string) string {
	var why []string
	if m := s.Get("schedule_lag"); m != nil && !m.Sink.Empty() {
		if p99, err := s.Stat(m, "p(99)"); err == nil && p99 > SaturationLagLimit {
			why = append(why, "schedule_lag p(99)="+humanizeDuration(p99, "")+" > 100ms")
		}
	}
	// Arrivals dropped while requests hung until the end of the test were
	// dropped because the server held every VU: not the client's fault.
	if m := s.Get("dropped_iterations"); m != nil && interruptedCount(s) == 0 {
		if n, err := s.Stat(m, "count"); err == nil && n > 0 {
			why = append(why, jsNumber(n)+" dropped iterations")
		}
	}
	why = append(why, extra...)
	if len(why) == 0 {
		return ""
	}
	return "WARNING: the load generator was the bottleneck (" + strings.Join(why, ", ") +
		"): the results describe the client rather than the server — requests started late, not at all," +
		" or were timestamped late; raise preAllocatedVUs/maxVUs, lower the rate, give llmbench more cores," +
		" or split the load across machines"
}
