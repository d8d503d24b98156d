package llm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/llmbench/llmbench/internal/netx"
)

// This file holds the OpenAI Responses API (POST {baseURL}/responses,
// served by OpenAI, vLLM and others): Client.Respond and its stream and
// body readers. The Result and the llm_* metrics are the chat ones.

// Respond sends body (a Responses API request: input, instructions,
// max_output_tokens, reasoning…) to {baseURL}/responses. "model" (the
// client's default) and "stream":true are inserted when absent; no
// stream_options are added (the Responses stream always ends with the
// usage in response.completed).
//
// A token-bearing event is response.output_text.delta (output),
// response.reasoning_text.delta or response.reasoning_summary_text.delta
// (reasoning) or response.function_call_arguments.delta (a tool call), so
// TTFT, TTFO, ITL and TPOT mean what they mean for chat. The stream ends
// with response.completed (OK; FinishReason "stop"), response.incomplete
// (OK; FinishReason the incomplete_details.reason, e.g.
// "max_output_tokens"), or response.failed / error (ErrServerError).
// Token counts come from response.usage (input_tokens, output_tokens,
// output_tokens_details.reasoning_tokens), else from the token events.
func (c *Client) Respond(ctx context.Context, body []byte, opt RequestOptions) *Result {
	res := &Result{Endpoint: Responses}
	body, stream := prepareResponsesBody(body, c.modelJSON)
	c.do(ctx, Responses, body, stream, opt, res)
	if res.Model == "" {
		if m := gjson.GetBytes(body, "model"); m.Type == gjson.String {
			res.Model = m.Str
		}
	}
	return res
}

// prepareResponsesBody inserts "model" and "stream":true into a JSON
// object body lacking them, and reports whether the request streams.
func prepareResponsesBody(body, modelJSON []byte) ([]byte, bool) {
	body = insertModel(body, modelJSON)
	t := bytes.TrimLeft(body, " \t\r\n")
	if len(t) == 0 || t[0] != '{' || !gjson.ValidBytes(body) {
		return body, true
	}
	if st := gjson.GetBytes(body, "stream"); st.Exists() {
		return body, st.Type == gjson.True
	}
	i := len(body) - len(t)
	ins := []byte(`"stream":true`)
	if r := bytes.TrimLeft(t[1:], " \t\r\n"); len(r) == 0 || r[0] != '}' {
		ins = append(ins, ',')
	}
	out := make([]byte, 0, len(body)+len(ins))
	out = append(out, body[:i+1]...)
	out = append(out, ins...)
	return append(out, body[i+1:]...), true
}

// readResponses reads a 2xx Responses API answer: an event stream or one
// JSON response object.
func (c *Client) readResponses(rc reqCtx, clk netx.Clock, resp *http.Response, body io.Reader, res *Result) {
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		res.Streamed = true
		c.readResponsesStream(rc, clk, body, res)
		return
	}
	b, err := io.ReadAll(io.LimitReader(body, maxJSONBody))
	now := clk.Now()
	res.Timing.End = now
	if err != nil {
		fail(res, rc.classify(err, ErrStreamCut), fmt.Errorf("reading body: %w", err))
		return
	}
	s := bstr(b)
	if !gjson.Valid(s) {
		fail(res, ErrMalformedChunk, fmt.Errorf("response body is not valid JSON: %.80q", s))
		return
	}
	var p respParse
	res.Chunks = 1
	if !p.response(gjson.Parse(s), res, true) {
		return
	}
	if len(p.content) > 0 || len(p.reasoning) > 0 || res.ToolCalls > 0 {
		res.Timing.Token(now, len(p.content) > 0 || res.ToolCalls > 0)
	}
	p.finish(res)
	res.OK = true
}

// respParse accumulates a Responses answer.
type respParse struct {
	content, reasoning []byte
	reasoningEvents    int
	usage              tokenUsage // usage.go: validated as the chat API's
}

// response reads a response object (the non-streaming body, or the
// "response" member of response.created / completed / incomplete /
// failed). withOutput collects the output items' text (non-streaming:
// the stream's deltas already did). It returns false when res failed.
func (p *respParse) response(r gjson.Result, res *Result, withOutput bool) bool {
	if res.ID == "" {
		if v := r.Get("id"); v.Type == gjson.String {
			res.ID = strings.Clone(v.Str)
		}
	}
	if res.Model == "" {
		if v := r.Get("model"); v.Type == gjson.String {
			res.Model = strings.Clone(v.Str)
		}
	}
	if e := r.Get("error"); e.Exists() && e.Type != gjson.Null {
		fail(res, ErrServerError, fmt.Errorf("server error: %s", errorText(e)))
		return false
	}
	if u := r.Get("usage"); u.IsObject() {
		p.usage.read(u, responsesUsage)
	}
	switch r.Get("status").Str {
	case "completed":
		res.FinishReason = "stop"
	case "incomplete":
		res.FinishReason = "length"
		if why := r.Get("incomplete_details.reason"); why.Type == gjson.String {
			res.FinishReason = strings.Clone(why.Str)
		}
	case "failed", "cancelled":
		fail(res, ErrServerError, fmt.Errorf("response %s", r.Get("status").Str))
		return false
	}
	if withOutput {
		r.Get("output").ForEach(func(_, item gjson.Result) bool {
			switch item.Get("type").Str {
			case "message":
				item.Get("content").ForEach(func(_, c gjson.Result) bool {
					if c.Get("type").Str == "output_text" {
						p.content = append(p.content, c.Get("text").Str...)
					}
					return true
				})
			case "reasoning":
				for _, key := range []string{"content", "summary"} {
					item.Get(key).ForEach(func(_, c gjson.Result) bool {
						p.reasoning = append(p.reasoning, c.Get("text").Str...)
						return true
					})
				}
			case "function_call":
				res.ToolCalls++
			}
			return true
		})
	}
	return true
}

// finish copies the text and token counts into res, as chunkState.finish does.
func (p *respParse) finish(res *Result) {
	res.Content = string(p.content)
	res.ReasoningContent = string(p.reasoning)
	p.usage.apply(res, p.reasoningEvents)
}

// readResponsesStream reads a Responses event stream. The event's kind is
// its data's "type" (the SSE event field says the same).
func (c *Client) readResponsesStream(rc reqCtx, clk netx.Clock, body io.Reader, res *Result) {
	r := NewReader(body, c.cfg.MaxLine)
	var p respParse
	done := false
	for !done {
		ev, err := r.Next()
		now := clk.Now()
		if err != nil {
			if err == io.EOF {
				break
			}
			res.Timing.End = now
			p.finish(res)
			rc.failRead(res, err)
			return
		}
		if len(ev.Data) == 0 {
			continue
		}
		res.Timing.End = now
		s := bstr(ev.Data)
		if s == "[DONE]" { // not in the Responses protocol, but harmless
			break
		}
		res.Chunks++
		if !gjson.Valid(s) {
			p.finish(res)
			fail(res, ErrMalformedChunk, fmt.Errorf("event %d is not valid JSON: %.80q", res.Chunks, s))
			return
		}
		d := gjson.Parse(s)
		switch typ := d.Get("type").Str; typ {
		case "response.output_text.delta":
			if t := d.Get("delta").Str; t != "" {
				p.content = append(p.content, t...)
				res.Timing.Token(now, true)
			}
		case "response.reasoning_text.delta", "response.reasoning_summary_text.delta", "response.reasoning.delta":
			if t := d.Get("delta").Str; t != "" {
				p.reasoning = append(p.reasoning, t...)
				p.reasoningEvents++
				res.Timing.Token(now, false)
			}
		case "response.function_call_arguments.delta":
			res.Timing.Token(now, true)
		case "response.output_item.added":
			if d.Get("item.type").Str == "function_call" {
				res.ToolCalls++
			}
		case "response.created", "response.in_progress":
			if !p.response(d.Get("response"), res, false) {
				p.finish(res)
				return
			}
		case "response.completed", "response.incomplete":
			if !p.response(d.Get("response"), res, false) {
				p.finish(res)
				return
			}
			done = true
		case "response.failed":
			p.finish(res)
			msg := errorText(d.Get("response.error"))
			if !d.Get("response.error").Exists() {
				msg = "response failed"
			}
			fail(res, ErrServerError, fmt.Errorf("server error in stream: %s", msg))
			return
		case "error":
			p.finish(res)
			msg := d.Get("message").Str
			if msg == "" {
				msg = errorText(d.Get("error"))
			}
			fail(res, ErrServerError, fmt.Errorf("server error in stream: %s", msg))
			return
		}
	}
	p.finish(res)
	if !done {
		fail(res, ErrStreamCut, errors.New("stream ended before response.completed"))
		return
	}
	res.OK = true
	_, _ = io.Copy(io.Discard, io.LimitReader(body, drainLimit))
}
