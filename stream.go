package llm

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/llmbench/llmbench/internal/netx"
)

// chunkState accumulates what a response's chunks (or its single JSON body) say.
type chunkState struct {
	content, reasoning []byte
	reasoningChunks    int
	usage              tokenUsage // usage.go
}

// bstr views b as a string without copying; the string must not outlive
// b's next modification (every value kept is cloned or copied first).
func bstr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// streamScratch is what reading one stream needs and a Client keeps
// between requests: the event reader and the growing buffers (text, token
// gaps), whose contents are copied at exact size into the Result at the end.
type streamScratch struct {
	r                  *Reader
	content, reasoning []byte
	gaps               []time.Duration
}

// maxScratch bounds the stream scratch a Client keeps between requests.
const maxScratch = 1 << 20

func (c *Client) readStream(rc reqCtx, clk netx.Clock, body io.Reader, res *Result) {
	sc, _ := c.scratch.Get().(*streamScratch)
	if sc == nil {
		sc = &streamScratch{r: NewReader(body, c.cfg.MaxLine)}
	} else {
		sc.r.Reset(body)
	}
	r := sc.r
	p := chunkState{content: sc.content[:0], reasoning: sc.reasoning[:0]}
	res.Timing.Gaps = sc.gaps[:0]
	defer func() {
		// finish copied the text; the gaps are copied here. Buffers grown
		// past maxScratch by a rare huge response are not kept.
		sc.content, sc.reasoning, sc.gaps = p.content[:0], p.reasoning[:0], res.Timing.Gaps[:0]
		if cap(sc.content)+cap(sc.reasoning)+8*cap(sc.gaps) > maxScratch {
			sc.content, sc.reasoning, sc.gaps = nil, nil, nil
		}
		res.Timing.Gaps = slices.Clone(res.Timing.Gaps)
		r.Reset(nil)
		c.scratch.Put(sc)
	}()

	done := false
	for {
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
		t := scanChunk(s)
		if msg, isErr := t.serverError(); isErr {
			p.finish(res)
			fail(res, ErrServerError, fmt.Errorf("server error in stream: %s", msg))
			return
		}
		token, output := p.chunk(&t, res, "delta")
		if token {
			res.Timing.Token(now, output)
		}
	}
	p.finish(res)
	if code, err := streamEnd(done, res); err != nil {
		fail(res, code, err)
		return
	}
	res.OK = true
	drainAfterDone(body, &res.BytesReceived)
}

// chunkMembers are the top-level members of a chunk that the client reads, each
// the first occurrence of its key, found in one pass over the chunk (path
// lookups would rescan it once per key: the dominant client cost per chunk).
type chunkMembers struct {
	id, model, usage, choices, err, object, message gjson.Result
}

// scanChunk collects the members of the JSON object s in one pass.
func scanChunk(s string) (m chunkMembers) {
	r := gjson.Parse(s)
	if !r.IsObject() {
		return m
	}
	r.ForEach(func(k, v gjson.Result) bool {
		var dst *gjson.Result
		switch k.Str {
		case "id":
			dst = &m.id
		case "model":
			dst = &m.model
		case "usage":
			dst = &m.usage
		case "choices":
			dst = &m.choices
		case "error":
			dst = &m.err
		case "object":
			dst = &m.object
		case "message":
			dst = &m.message
		default:
			return true
		}
		if !dst.Exists() {
			*dst = v
		}
		return true
	})
	return m
}

// serverError recognises an error object in a 2xx body or chunk: OpenAI's
// {"error":…} and vLLM's older {"object":"error","message":…}.
func (m *chunkMembers) serverError() (string, bool) {
	if e := m.err; e.Exists() && e.Type != gjson.Null {
		return errorText(e), true
	}
	if m.object.Str == "error" {
		return m.message.String(), true
	}
	return "", false
}

// chunk reads one chunk (or a whole non-streaming response, with msg
// "message") and reports whether it carried a token and non-reasoning output.
func (p *chunkState) chunk(m *chunkMembers, res *Result, msg string) (token, output bool) {
	if res.ID == "" {
		if v := m.id; v.Type == gjson.String {
			res.ID = strings.Clone(v.Str)
		}
	}
	if res.Model == "" {
		if v := m.model; v.Type == gjson.String {
			res.Model = strings.Clone(v.Str)
		}
	}
	if u := m.usage; u.IsObject() {
		p.usage.read(u, chatUsage)
	}
	m.choices.ForEach(func(_, ch gjson.Result) bool {
		c := scanChoice(ch, msg)
		if v := c.content; v.Type == gjson.String && v.Str != "" {
			p.content = append(p.content, v.Str...)
			token, output = true, true
		}
		rc := c.reasoningContent
		if !rc.Exists() {
			rc = c.reasoning
		}
		if rc.Type == gjson.String && rc.Str != "" {
			p.reasoning = append(p.reasoning, rc.Str...)
			p.reasoningChunks++
			token = true
		}
		if tc := c.toolCalls; tc.IsArray() {
			n := 0
			tc.ForEach(func(_, _ gjson.Result) bool { n++; return true })
			if n > 0 {
				res.ToolCalls += n
				token, output = true, true
			}
		}
		if v := c.text; v.Type == gjson.String && v.Str != "" {
			p.content = append(p.content, v.Str...)
			token, output = true, true
		}
		if fr := c.finishReason; fr.Type == gjson.String && fr.Str != "" {
			res.FinishReason = strings.Clone(fr.Str)
		}
		return true
	})
	return token, output
}

// choice holds what one element of choices says: its own text and
// finish_reason, and the members of its delta (or message).
type choice struct {
	text, finishReason                              gjson.Result
	content, reasoningContent, reasoning, toolCalls gjson.Result
}

// scanChoice reads ch and its msg object, one pass over each.
func scanChoice(ch gjson.Result, msg string) (c choice) {
	if !ch.IsObject() {
		return c
	}
	var d gjson.Result
	first := func(dst *gjson.Result, v gjson.Result) {
		if !dst.Exists() {
			*dst = v
		}
	}
	ch.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case msg:
			first(&d, v)
		case "text":
			first(&c.text, v)
		case "finish_reason":
			first(&c.finishReason, v)
		}
		return true
	})
	if !d.IsObject() {
		return c
	}
	d.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "content":
			first(&c.content, v)
		case "reasoning_content":
			first(&c.reasoningContent, v)
		case "reasoning":
			first(&c.reasoning, v)
		case "tool_calls":
			first(&c.toolCalls, v)
		}
		return true
	})
	return c
}

// finish copies the accumulated text and token counts into res.
func (p *chunkState) finish(res *Result) {
	res.Content = string(p.content)
	res.ReasoningContent = string(p.reasoning)
	p.usage.apply(res, p.reasoningChunks)
}

// readJSON reads a non-streaming response. Its whole body arrives at once,
// so the first token, first output and last token are all the body's end:
// TTFT equals E2E, and without usage the output counts as one chunk.
func (c *Client) readJSON(rc reqCtx, clk netx.Clock, body io.Reader, res *Result) {
	b, err := io.ReadAll(io.LimitReader(body, maxJSONBody+1))
	now := clk.Now()
	res.Timing.End = now
	if err != nil {
		fail(res, rc.classify(err, ErrStreamCut), fmt.Errorf("reading body: %w", err))
		return
	}
	if len(b) > maxJSONBody {
		fail(res, ErrMalformedChunk, fmt.Errorf("response body larger than %d MiB: not read further", maxJSONBody>>20))
		return
	}
	s := bstr(b)
	if !gjson.Valid(s) {
		fail(res, ErrMalformedChunk, fmt.Errorf("response body is not valid JSON: %.80q", s))
		return
	}
	t := scanChunk(s)
	if msg, isErr := t.serverError(); isErr {
		fail(res, ErrServerError, fmt.Errorf("server error: %s", msg))
		return
	}
	var p chunkState
	res.Chunks = 1
	if token, output := p.chunk(&t, res, "message"); token {
		res.Timing.Token(now, output)
	}
	p.finish(res)
	res.OK = true
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
