package mock

import (
	"net/http"
	"time"
)

// stream answers a streaming request: a role-only chunk at once, then one
// chunk per token on the TTFT/ITL schedule (absolute times from the
// request's arrival, so gaps do not drift), a finish chunk, the usage chunk
// when asked, and [DONE]. Faults strike halfway through the tokens.
func (q *req) stream(f fault, stall, includeUsage bool) {
	fl := q.startStream()
	if q.chat {
		q.send(fl, q.chunk(`"delta":{"role":"assistant","content":""}`, "null", -1))
	}
	ok := q.playTokens(fl, f, stall, tokenEvents{
		malformed: func() []byte {
			return []byte(`data: {"id":"` + q.id + `","choices":[{"delta":{"content":` + "\n\n")
		},
		errorEvent: func() []byte {
			return []byte(`data: {"error":{"message":"mock: injected stream error","type":"InternalServerError","code":500}}` + "\n\n")
		},
		token: func(i int) []byte {
			switch {
			case !q.chat:
				return q.chunk(`"text":"tok "`, "null", i+1)
			case i < q.reasoning:
				return q.chunk(`"delta":{"reasoning_content":"think "}`, "null", i+1)
			default:
				return q.chunk(`"delta":{"content":"tok "}`, "null", i+1)
			}
		},
	})
	if !ok {
		return
	}
	if q.chat {
		q.send(fl, q.chunk(`"delta":{}`, `"`+q.finish+`"`, q.n))
	} else {
		q.send(fl, q.chunk(`"text":""`, `"`+q.finish+`"`, q.n))
	}
	q.s.countFinish(q.finish)
	if includeUsage {
		b := append(q.head(), `"choices":[],`...)
		b = q.usage(b)
		q.send(fl, append(b, "}\n\n"...))
	}
	q.send(fl, []byte("data: [DONE]\n\n"))
}

// head starts a chunk event: `data: {"id":…,"object":…,"created":…,"model":…,`.
func (q *req) head() []byte {
	b := append(q.buf[:0], `data: {"id":"`...)
	b = append(b, q.id...)
	if q.chat {
		b = append(b, `","object":"chat.completion.chunk","created":`...)
	} else {
		b = append(b, `","object":"text_completion","created":`...)
	}
	b = append(b, q.created...)
	b = append(b, `,"model":`...)
	b = append(b, q.model...)
	return append(b, ',')
}

// chunk builds one event with a single choice; tokensSoFar >= 0 adds
// continuous usage when the request asked for it.
func (q *req) chunk(body, finish string, tokensSoFar int) []byte {
	b := append(q.head(), `"choices":[{"index":0,`...)
	b = append(b, body...)
	b = append(b, `,"finish_reason":`...)
	b = append(b, finish...)
	b = append(b, `}]`...)
	if q.continuous && tokensSoFar >= 0 {
		b = append(b, ',')
		b = q.usageN(b, tokensSoFar, min(tokensSoFar, q.reasoning))
	}
	b = append(b, "}\n\n"...)
	q.buf = b
	return b
}

// startStream writes the headers of an event stream.
func (q *req) startStream() http.Flusher {
	fl, _ := q.w.(http.Flusher)
	h := q.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	q.w.WriteHeader(http.StatusOK)
	return fl
}

// tokenEvents are how one endpoint's stream writes what the token schedule
// asks for: a malformed event, an error event and token i.
type tokenEvents struct {
	malformed, errorEvent func() []byte
	token                 func(i int) []byte
}

// playTokens plays the stream's schedule: the first token at TTFT after the
// start, then one every ITL, with the drawn fault halfway (the connection
// cut, a malformed event, or an error event that ends the stream) and, on
// a stall, every later token shifted by Stall. It reports whether every
// token was sent (false: an error event, or the client left).
func (q *req) playTokens(fl http.Flusher, f fault, stall bool, ev tokenEvents) bool {
	cfg := &q.s.cfg
	half := q.n / 2
	next := q.start.Add(cfg.TTFT)
	var shift time.Duration
	for i := 0; i < q.n; i++ {
		if i == half {
			switch f {
			case faultCut:
				if fl != nil {
					fl.Flush()
				}
				q.s.abortTotal.Add(1)
				panic(http.ErrAbortHandler) // closes the connection mid-stream
			case faultMalformed:
				q.send(fl, ev.malformed())
			case faultErrorChunk:
				q.send(fl, ev.errorEvent())
				q.s.abortTotal.Add(1)
				return false
			}
			if stall {
				shift += cfg.Stall
			}
		}
		if !q.sleepUntil(next.Add(shift)) {
			return false
		}
		next = next.Add(cfg.ITL)
		b := ev.token(i)
		if i == 0 { // just before the write: the client cannot see it earlier
			q.log.FirstToken = time.Now().UnixNano()
		}
		q.send(fl, b)
		if i == 0 {
			q.log.FirstTokenWritten = time.Now().UnixNano()
		}
		q.s.genTotal.Add(1)
	}
	return true
}

func (q *req) send(fl http.Flusher, b []byte) {
	_, _ = q.w.Write(b)
	if fl != nil {
		fl.Flush()
	}
}
