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

// usageNames are the members of a usage object: the chat and completions
// APIs' (prompt_tokens, …) or the Responses API's (input_tokens, …).
type usageNames struct{ in, out, reasoning string }

var (
	chatUsage      = usageNames{"prompt_tokens", "completion_tokens", "completion_tokens_details.reasoning_tokens"}
	responsesUsage = usageNames{"input_tokens", "output_tokens", "output_tokens_details.reasoning_tokens"}
)

// tokenUsage is the last usage object a response gave, validated. Each one
// replaces the previous (vLLM's continuous usage repeats it on every
// chunk; the last one counts).
type tokenUsage struct {
	seen          bool
	in, out       int
	reasoning     int
	haveReasoning bool
	bad           string // why the counts were rejected ("" when valid)
}

// read validates the usage object u under the member names n. Invalid
// counts are not used: the output and reasoning counts then come from the
// counted chunks, and bad says why.
func (t *tokenUsage) read(u gjson.Result, n usageNames) {
	*t = tokenUsage{seen: true}
	var okIn, okOut bool
	t.in, okIn = usageCount(u.Get(n.in), false)
	t.out, okOut = usageCount(u.Get(n.out), true)
	okR := true
	if rt := u.Get(n.reasoning); rt.Exists() && rt.Type != gjson.Null {
		t.reasoning, okR = usageCount(rt, true)
		t.haveReasoning = okR
	}
	switch {
	case !okOut:
		t.bad = fmt.Sprintf("%s=%.40s", n.out, u.Get(n.out).Raw)
	case !okIn:
		t.bad = fmt.Sprintf("%s=%.40s", n.in, u.Get(n.in).Raw)
	case !okR:
		t.bad = fmt.Sprintf("%s=%.40s", n.reasoning, u.Get(n.reasoning).Raw)
	}
}

// apply sets res's token counts: the server's when its usage was valid,
// else the counted chunks (and res.UsageError says why the usage was not
// used). reasoningChunks is the count of reasoning chunks or events.
func (t tokenUsage) apply(res *Result, reasoningChunks int) {
	res.ReasoningTokens = reasoningChunks
	if t.seen && t.bad == "" {
		res.TokenSource = TokensFromUsage
		res.InputTokens, res.OutputTokens = t.in, t.out
		if t.haveReasoning {
			res.ReasoningTokens = t.reasoning
		}
		return
	}
	if t.seen {
		res.UsageError = t.bad
		res.InputTokens = t.in
	}
	res.TokenSource = TokensFromChunks
	res.OutputTokens = res.Timing.TokenChunks
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
