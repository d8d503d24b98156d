package summary

import (
	"github.com/llmbench/llmbench/internal/aggregate"
)

// interruptedMetric is the k6/x/llm Trend of requests cut by the end of the
// test (errorCode "interrupted"): how long each had been open.
const interruptedMetric = "llm_interrupted_duration"

// interruptedCount is how many requests the end of the test cut.
func interruptedCount(s *aggregate.Snapshot) float64 {
	m := s.Get(interruptedMetric)
	if m == nil || m.Sink.Empty() {
		return 0
	}
	n, _ := s.Stat(m, "count")
	return n
}

// Interrupted returns a one-line warning when requests were still open at
// the end of the test and were cut (gracefulStop expired, a signal or an
// abort): how many, and how long they had waited, since such requests have
// no latency in llm_request_duration or llm_ttft. "" when none was cut.
func Interrupted(s *aggregate.Snapshot) string {
	n := interruptedCount(s)
	if n == 0 {
		return ""
	}
	m := s.Get(interruptedMetric)
	med, _ := s.Stat(m, "med")
	hi, _ := s.Stat(m, "max")
	return "WARNING: " + jsNumber(n) + " requests were still open at the end of the test and were cut" +
		" (errorCode \"interrupted\", counted in llm_request_failed) after med=" + humanizeDuration(med, "") +
		" max=" + humanizeDuration(hi, "") + " open: the server had not finished them when the test stopped (gracefulStop, a signal or an abort)"
}
