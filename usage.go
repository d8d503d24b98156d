package llm

import (
	"fmt"
	"log/slog"
	"math"
	"sync/atomic"

	"github.com/tidwall/gjson"
)

// maxUsageTokens bounds a believable token count in a server's usage
// object (well above any context window).
const maxUsageTokens = 1 << 26

// usageCount validates one usage count: a JSON number that is a whole,
// non-negative count below maxUsageTokens. A missing member is 0 and valid
// unless required.
func usageCount(v gjson.Result, required bool) (int, bool) {
	if !v.Exists() {
		return 0, !required
	}
	if v.Type != gjson.Number {
		return 0, false
	}
	f := v.Num
	if math.IsNaN(f) || f < 0 || f > maxUsageTokens || f != math.Trunc(f) {
		return 0, false
	}
	return int(f), true
}

// readUsage reads a usage object. Each one replaces the previous (vLLM's
// continuous usage repeats it on every chunk; the last one counts).
// Invalid counts are not used: the output and reasoning counts then come
// from the counted chunks, and badUsage says why.
func (p *chunkState) readUsage(u gjson.Result) {
	p.usage, p.badUsage = true, ""
	var okP, okC bool
	p.prompt, okP = usageCount(u.Get("prompt_tokens"), false)
	p.completion, okC = usageCount(u.Get("completion_tokens"), true)
	p.usageHasReasoning = false
	okR := true
	if rt := u.Get("completion_tokens_details.reasoning_tokens"); rt.Exists() && rt.Type != gjson.Null {
		p.usageReasoning, okR = usageCount(rt, true)
		p.usageHasReasoning = okR
	}
	switch {
	case !okC:
		p.badUsage = fmt.Sprintf("completion_tokens=%.40s", u.Get("completion_tokens").Raw)
	case !okP:
		p.badUsage = fmt.Sprintf("prompt_tokens=%.40s", u.Get("prompt_tokens").Raw)
	case !okR:
		p.badUsage = fmt.Sprintf("reasoning_tokens=%.40s", u.Get("completion_tokens_details.reasoning_tokens").Raw)
	}
}

// usageWarned makes the invalid-usage warning once per process.
var usageWarned atomic.Bool

// warnBadUsage logs, once, that a server's usage counts were invalid.
func warnBadUsage(l *slog.Logger, r *Result) {
	if r.UsageError == "" || l == nil || !usageWarned.CompareAndSwap(false, true) {
		return
	}
	l.Warn("llm: the server's usage object is invalid (" + r.UsageError + "); token counts come from counted chunks " +
		"(token_source=chunks) for such responses. Reported once.")
}
