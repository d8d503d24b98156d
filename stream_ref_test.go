package llm

import (
	"strings"

	"github.com/tidwall/gjson"
)

// refChunk and refChunkError are the straightforward path-by-path parser the
// single-pass one (chunkState.chunk) replaced for speed; the tests check that
// both read every chunk the same way.
func (p *chunkState) refChunk(s string, res *Result, msg string) (token, output bool) {
	if res.ID == "" {
		if v := gjson.Get(s, "id"); v.Type == gjson.String {
			res.ID = strings.Clone(v.Str)
		}
	}
	if res.Model == "" {
		if v := gjson.Get(s, "model"); v.Type == gjson.String {
			res.Model = strings.Clone(v.Str)
		}
	}
	if u := gjson.Get(s, "usage"); u.IsObject() {
		p.usage.read(u, chatUsage) // the counts' validation is not what this reference checks
	}
	gjson.Get(s, "choices").ForEach(func(_, ch gjson.Result) bool {
		d := ch.Get(msg)
		if v := d.Get("content"); v.Type == gjson.String && v.Str != "" {
			p.content = append(p.content, v.Str...)
			token, output = true, true
		}
		rc := d.Get("reasoning_content")
		if !rc.Exists() {
			rc = d.Get("reasoning")
		}
		if rc.Type == gjson.String && rc.Str != "" {
			p.reasoning = append(p.reasoning, rc.Str...)
			p.reasoningChunks++
			token = true
		}
		if tc := d.Get("tool_calls"); tc.IsArray() {
			if n := len(tc.Array()); n > 0 {
				res.ToolCalls += n
				token, output = true, true
			}
		}
		if v := ch.Get("text"); v.Type == gjson.String && v.Str != "" {
			p.content = append(p.content, v.Str...)
			token, output = true, true
		}
		if fr := ch.Get("finish_reason"); fr.Type == gjson.String && fr.Str != "" {
			res.FinishReason = strings.Clone(fr.Str)
		}
		return true
	})
	return token, output
}

func refChunkError(s string) (string, bool) {
	if e := gjson.Get(s, "error"); e.Exists() && e.Type != gjson.Null {
		return errorText(e), true
	}
	if gjson.Get(s, "object").Str == "error" {
		return gjson.Get(s, "message").String(), true
	}
	return "", false
}
