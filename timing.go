package llm

import "time"

// Timing holds the instants of one request that every latency formula uses.
// All instants come from time.Now, so differences use the monotonic clock.
type Timing struct {
	// Send is t_send: the start of writing the request (httptrace
	// WroteHeaders, just before the body goes out).
	Send time.Time
	// FirstToken is the arrival of the first chunk carrying content,
	// reasoning content, a tool-call delta or completion text.
	FirstToken time.Time
	// FirstOutput is the arrival of the first chunk carrying non-reasoning
	// output (content, tool calls or completion text).
	FirstOutput time.Time
	// LastToken is the arrival of the last token-bearing chunk.
	LastToken time.Time
	// End is the arrival of the response's last event or byte (E2E end).
	End time.Time
	// Gaps are the intervals between consecutive token-bearing chunks
	// (vLLM's ITL list).
	Gaps []time.Duration
	// TokenChunks counts token-bearing chunks.
	TokenChunks int
	// Scheduled is the planned start of the iteration that sent the request
	// (arrival-rate executors; zero otherwise). Latencies measured from it
	// are free of coordinated omission.
	Scheduled time.Time
}

// Reset clears t, keeping the Gaps storage.
func (t *Timing) Reset() { *t = Timing{Gaps: t.Gaps[:0]} }

// Token records a token-bearing chunk that arrived at now; output says
// whether it carried non-reasoning output.
func (t *Timing) Token(now time.Time, output bool) {
	if t.FirstToken.IsZero() {
		t.FirstToken = now
	} else {
		t.Gaps = append(t.Gaps, now.Sub(t.LastToken))
	}
	if output && t.FirstOutput.IsZero() {
		t.FirstOutput = now
	}
	t.LastToken = now
	t.TokenChunks++
}

// TTFT is FirstToken − Send; ok is false when no token arrived.
func (t *Timing) TTFT() (d time.Duration, ok bool) {
	if t.FirstToken.IsZero() || t.Send.IsZero() {
		return 0, false
	}
	return t.FirstToken.Sub(t.Send), true
}

// TTFO is FirstOutput − Send (time to first non-reasoning output).
func (t *Timing) TTFO() (d time.Duration, ok bool) {
	if t.FirstOutput.IsZero() || t.Send.IsZero() {
		return 0, false
	}
	return t.FirstOutput.Sub(t.Send), true
}

// E2E is End − Send (llm_request_duration).
func (t *Timing) E2E() (d time.Duration, ok bool) {
	if t.End.IsZero() || t.Send.IsZero() {
		return 0, false
	}
	return t.End.Sub(t.Send), true
}

// TTFTFromSchedule is FirstToken − Scheduled: TTFT plus everything the
// request waited for since its iteration was due (schedule lag, script work,
// earlier requests of the iteration). ok is false without a schedule or a token.
func (t *Timing) TTFTFromSchedule() (d time.Duration, ok bool) {
	if t.FirstToken.IsZero() || t.Scheduled.IsZero() {
		return 0, false
	}
	return t.FirstToken.Sub(t.Scheduled), true
}

// E2EFromSchedule is End − Scheduled: llm_request_duration measured from
// the iteration's planned start.
func (t *Timing) E2EFromSchedule() (d time.Duration, ok bool) {
	if t.End.IsZero() || t.Scheduled.IsZero() {
		return 0, false
	}
	return t.End.Sub(t.Scheduled), true
}

// TPOT is vLLM's time per output token: (E2E − TTFT)/(outputTokens − 1),
// defined only when outputTokens > 1.
func (t *Timing) TPOT(outputTokens int) (d time.Duration, ok bool) {
	e2e, ok1 := t.E2E()
	ttft, ok2 := t.TTFT()
	if !ok1 || !ok2 || outputTokens <= 1 {
		return 0, false
	}
	return (e2e - ttft) / time.Duration(outputTokens-1), true
}

// TokensPerSecond is the per-request decode rate:
// (outputTokens − 1)/(LastToken − FirstToken) in tokens per second, defined
// when outputTokens > 1 and the interval is positive.
func (t *Timing) TokensPerSecond(outputTokens int) (v float64, ok bool) {
	if outputTokens <= 1 || t.FirstToken.IsZero() {
		return 0, false
	}
	span := t.LastToken.Sub(t.FirstToken)
	if span <= 0 {
		return 0, false
	}
	return float64(outputTokens-1) / span.Seconds(), true
}

// SLO holds the optional goodput targets; a zero field is not configured.
type SLO struct {
	TTFT, TPOT, E2E time.Duration
}

// Set reports whether any target is configured.
func (s SLO) Set() bool { return s.TTFT > 0 || s.TPOT > 0 || s.E2E > 0 }

// Good reports whether a request met every configured target. A failed
// request is never good. As vLLM does, TPOT counts as 0 when outputTokens <= 1.
func (s SLO) Good(ok bool, t *Timing, outputTokens int) bool {
	if !ok {
		return false
	}
	if s.TTFT > 0 {
		d, has := t.TTFT()
		if !has || d > s.TTFT {
			return false
		}
	}
	if s.TPOT > 0 {
		if d, has := t.TPOT(outputTokens); has && d > s.TPOT {
			return false
		}
	}
	if s.E2E > 0 {
		d, has := t.E2E()
		if !has || d > s.E2E {
			return false
		}
	}
	return true
}
