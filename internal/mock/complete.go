package mock

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
)

// req is one completion request being answered.
type req struct {
	s                    *Server
	w                    http.ResponseWriter
	r                    *http.Request
	chat                 bool
	id                   string
	model                []byte // JSON string
	created              string
	prompt, n, reasoning int
	continuous           bool
	finish               string // "stop" or "length"
	start                time.Time
	buf                  []byte
	log                  logLine
}

func (s *Server) complete(w http.ResponseWriter, r *http.Request, chat bool) {
	start := time.Now()
	s.requestTotal.Add(1)
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequestError", err.Error())
		return
	}
	maxTokens := int(gjson.Get(body, "max_completion_tokens").Int())
	if maxTokens == 0 {
		maxTokens = int(gjson.Get(body, "max_tokens").Int())
	}
	prefix := "cmpl-"
	if chat {
		prefix = "chatcmpl-"
	}
	q, f, stall := s.newReq(w, r, body, start, maxTokens, chat, prefix, chat)
	q.run(f, func() {
		if !q.log.Stream {
			q.whole(f)
			return
		}
		includeUsage := gjson.Get(body, "stream_options.include_usage").Bool()
		q.continuous = gjson.Get(body, "stream_options.continuous_usage_stats").Bool()
		q.stream(f, stall, includeUsage)
	})
}

// newReq draws a request's schedule (fault, stall, output tokens for
// maxTokens) and reads what every completion endpoint shares from body:
// the prompt, the model (the body's, else the configured one), whether it
// streams, the finish reason and, when withReasoning, the reasoning
// tokens. Its id is idPrefix and a counter.
func (s *Server) newReq(w http.ResponseWriter, r *http.Request, body string, start time.Time, maxTokens int, chat bool, idPrefix string, withReasoning bool) (*req, fault, bool) {
	f, stall, n := s.draw(maxTokens)
	prompt, images := s.promptTokens(body)
	q := &req{s: s, w: w, r: r, chat: chat, start: start, n: n, prompt: prompt,
		created: strconv.FormatInt(start.Unix(), 10), buf: make([]byte, 0, 512)}
	q.id = idPrefix + strconv.FormatUint(s.nextID.Add(1), 10)
	model := s.cfg.Model
	if m := gjson.Get(body, "model"); m.Type == gjson.String && m.Str != "" {
		model = m.Str
	}
	q.model, _ = json.Marshal(model)
	q.finish = "stop"
	if maxTokens > 0 && n >= maxTokens {
		q.finish = "length"
	}
	if withReasoning {
		q.reasoning = min(s.cfg.ReasoningTokens, n)
	}
	stream := gjson.Get(body, "stream").Bool()
	q.log = logLine{ID: q.id, Endpoint: r.URL.Path, Stream: stream, Received: start.UnixNano(), OutputTokens: n, Fault: faultNames[f], Images: images}
	return q, f, stall
}

// run answers q with answer under the server's faults and concurrency
// limit (an injected 429 or 500 instead; nothing when the client leaves
// while waiting for a slot) and logs it. The generation schedule starts
// when a slot is free.
func (q *req) run(f fault, answer func()) {
	s := q.s
	defer s.log(&q.log)
	switch f {
	case fault429:
		writeError(q.w, http.StatusTooManyRequests, "RateLimitError", "mock: rate limited")
		return
	case fault500:
		writeError(q.w, http.StatusInternalServerError, "InternalServerError", "mock: injected failure")
		return
	}
	release, ok := s.acquire(q.r)
	if !ok {
		q.log.ClientDisconnect = true
		return
	}
	defer release()
	q.start = time.Now() // the schedule starts with a running slot
	s.running.Add(1)
	defer s.running.Add(-1)
	s.promptTotal.Add(int64(q.prompt))
	answer()
}

// sleepUntil waits until t or the client's disconnection; it reports
// whether the client is still there.
func (q *req) sleepUntil(t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return q.r.Context().Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-q.r.Context().Done():
		q.log.ClientDisconnect = true
		q.s.abortTotal.Add(1)
		return false
	}
}

// whole answers a non-streaming request after the full generation time.
func (q *req) whole(f fault) {
	if !q.sleepUntil(q.start.Add(q.s.cfg.TTFT + time.Duration(max(0, q.n-1))*q.s.cfg.ITL)) {
		return
	}
	if f == faultErrorChunk {
		writeError(q.w, http.StatusOK, "InternalServerError", "mock: injected in-body error")
		return
	}
	b := q.buf[:0]
	b = append(b, `{"id":"`...)
	b = append(b, q.id...)
	if q.chat {
		b = append(b, `","object":"chat.completion","created":`...)
	} else {
		b = append(b, `","object":"text_completion","created":`...)
	}
	b = append(b, q.created...)
	b = append(b, `,"model":`...)
	b = append(b, q.model...)
	b = append(b, `,"choices":[{"index":0,`...)
	if q.chat {
		b = append(b, `"message":{"role":"assistant"`...)
		if q.reasoning > 0 {
			b = append(b, `,"reasoning_content":"`...)
			for i := 0; i < q.reasoning; i++ {
				b = append(b, "think "...)
			}
			b = append(b, '"')
		}
		b = append(b, `,"content":"`...)
		for i := q.reasoning; i < q.n; i++ {
			b = append(b, "tok "...)
		}
		b = append(b, `"}`...)
	} else {
		b = append(b, `"text":"`...)
		for i := 0; i < q.n; i++ {
			b = append(b, "tok "...)
		}
		b = append(b, '"')
	}
	b = append(b, `,"finish_reason":"`...)
	b = append(b, q.finish...)
	b = append(b, `"}],`...)
	b = q.usage(b)
	b = append(b, '}')
	if f == faultMalformed {
		b = b[:len(b)/2]
	}
	q.w.Header().Set("Content-Type", "application/json")
	q.log.FirstToken = time.Now().UnixNano()
	_, _ = q.w.Write(b)
	q.s.genTotal.Add(int64(q.n))
	q.s.countFinish(q.finish)
}

func (s *Server) countFinish(reason string) {
	if reason == "length" {
		s.lengthTotal.Add(1)
	} else {
		s.stopTotal.Add(1)
	}
}

// usage appends "usage":{…}.
func (q *req) usage(b []byte) []byte {
	return q.usageN(b, q.n, q.reasoning)
}

func (q *req) usageN(b []byte, n, reasoning int) []byte {
	b = append(b, `"usage":{"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(q.prompt), 10)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, int64(q.prompt+n), 10)
	b = append(b, `,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	if reasoning > 0 {
		b = append(b, `,"completion_tokens_details":{"reasoning_tokens":`...)
		b = strconv.AppendInt(b, int64(reasoning), 10)
		b = append(b, '}')
	}
	return append(b, '}')
}
