package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"
)

// parse accumulates what a response's chunks (or its single JSON body) say.
type parse struct {
	content, reasoning []byte
	reasoningChunks    int
	usage              bool
	prompt, completion int
	usageReasoning     int
	usageHasReasoning  bool
}

// bstr views b as a string without copying; the string must not outlive
// b's next modification (every value kept is cloned or copied first).
func bstr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (c *Client) readStream(ctx, rctx context.Context, body io.Reader, res *Result) {
	r, _ := c.readers.Get().(*Reader)
	if r == nil {
		r = NewReader(body, c.cfg.MaxLine)
	} else {
		r.Reset(body)
	}
	defer func() { r.Reset(nil); c.readers.Put(r) }()

	var p parse
	done := false
	for {
		ev, err := r.Next()
		now := time.Now()
		if err != nil {
			if err == io.EOF {
				break
			}
			code := ErrStreamCut
			if errors.Is(err, ErrLineTooLong) {
				code = ErrMalformedChunk
			} else {
				code = classify(ctx, rctx, err, ErrStreamCut)
			}
			res.Timing.End = now
			p.finish(res)
			fail(res, code, fmt.Errorf("reading stream: %w", err))
			return
		}
		if len(ev.Data) == 0 {
			continue
		}
		res.Timing.End = now
		if bstr(ev.Data) == "[DONE]" {
			done = true
			break
		}
		res.Chunks++
		s := bstr(ev.Data)
		if !gjson.Valid(s) {
			p.finish(res)
			fail(res, ErrMalformedChunk, fmt.Errorf("chunk %d is not valid JSON: %.80q", res.Chunks, s))
			return
		}
		if msg, isErr := chunkError(s); isErr {
			p.finish(res)
			fail(res, ErrServerError, fmt.Errorf("server error in stream: %s", msg))
			return
		}
		token, output := p.chunk(s, res, "delta")
		if token {
			res.Timing.Token(now, output)
		}
	}
	p.finish(res)
	if !done && res.FinishReason == "" {
		fail(res, ErrStreamCut, errors.New("stream ended before [DONE] or a finish_reason"))
		return
	}
	res.OK = true
	// Read what follows [DONE] (normally nothing) so the connection is reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(body, drainLimit))
}

// chunk reads one chunk (or a whole non-streaming response, with msg
// "message") and reports whether it carried a token and non-reasoning output.
func (p *parse) chunk(s string, res *Result, msg string) (token, output bool) {
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
		p.usage = true
		p.prompt = int(u.Get("prompt_tokens").Int())
		p.completion = int(u.Get("completion_tokens").Int())
		if rt := u.Get("completion_tokens_details.reasoning_tokens"); rt.Exists() {
			p.usageReasoning, p.usageHasReasoning = int(rt.Int()), true
		}
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

// finish copies the accumulated text and token counts into res.
func (p *parse) finish(res *Result) {
	res.Content = string(p.content)
	res.ReasoningContent = string(p.reasoning)
	if p.usage {
		res.TokenSource = TokensFromUsage
		res.InputTokens, res.OutputTokens = p.prompt, p.completion
		res.ReasoningTokens = p.reasoningChunks
		if p.usageHasReasoning {
			res.ReasoningTokens = p.usageReasoning
		}
		return
	}
	res.TokenSource = TokensFromChunks
	res.OutputTokens = res.Timing.TokenChunks
	res.ReasoningTokens = p.reasoningChunks
}

// readJSON reads a non-streaming response. Its whole body arrives at once,
// so the first token, first output and last token are all the body's end:
// TTFT equals E2E, and without usage the output counts as one chunk.
func (c *Client) readJSON(ctx, rctx context.Context, body io.Reader, res *Result) {
	b, err := io.ReadAll(io.LimitReader(body, maxJSONBody))
	now := time.Now()
	res.Timing.End = now
	if err != nil {
		fail(res, classify(ctx, rctx, err, ErrStreamCut), fmt.Errorf("reading body: %w", err))
		return
	}
	s := bstr(b)
	if !gjson.Valid(s) {
		fail(res, ErrMalformedChunk, fmt.Errorf("response body is not valid JSON: %.80q", s))
		return
	}
	if msg, isErr := chunkError(s); isErr {
		fail(res, ErrServerError, fmt.Errorf("server error: %s", msg))
		return
	}
	var p parse
	res.Chunks = 1
	if token, output := p.chunk(s, res, "message"); token {
		res.Timing.Token(now, output)
	}
	p.finish(res)
	res.OK = true
}

// chunkError recognises an error object in a 2xx body or chunk: OpenAI's
// {"error":…} and vLLM's older {"object":"error","message":…}.
func chunkError(s string) (string, bool) {
	if e := gjson.Get(s, "error"); e.Exists() && e.Type != gjson.Null {
		return errorText(e), true
	}
	if gjson.Get(s, "object").Str == "error" {
		return gjson.Get(s, "message").String(), true
	}
	return "", false
}

// errorMessage extracts a readable message from an error body: OpenAI's
// {"error":{"message":…}}, {"error":"…"}, {"message":…} or the raw text.
func errorMessage(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	if gjson.Valid(s) {
		if e := gjson.Get(s, "error"); e.Exists() {
			return errorText(e)
		}
		if m := gjson.Get(s, "message"); m.Type == gjson.String {
			return m.Str
		}
	}
	if len(s) > 512 {
		s = s[:512] + "…"
	}
	return s
}

func errorText(e gjson.Result) string {
	if e.Type == gjson.String {
		return e.Str
	}
	if m := e.Get("message"); m.Type == gjson.String {
		return m.Str
	}
	return e.Raw
}
