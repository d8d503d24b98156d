package mock

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
)

// responses answers POST /v1/responses (the OpenAI Responses API) on the
// same schedule and with the same faults as chat: streamed (when "stream"
// is true) as response.created, one response.reasoning_text.delta per
// reasoning token then one response.output_text.delta per output token,
// response.output_text.done and response.completed (or
// response.incomplete when max_output_tokens cut the answer) carrying the
// usage; or as one response object after the whole generation time.
func (s *Server) responses(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	s.requestTotal.Add(1)
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequestError", err.Error())
		return
	}
	if in := gjson.Get(body, "input"); !in.Exists() {
		writeError(w, http.StatusBadRequest, "BadRequestError", "input is required")
		return
	}
	maxTokens := int(gjson.Get(body, "max_output_tokens").Int())
	q, f, stall := s.newReq(w, r, body, start, maxTokens, true, "resp_", true)
	q.run(f, func() {
		if q.log.Stream {
			q.respStream(f, stall)
		} else {
			q.respWhole(f)
		}
	})
}

// respObject appends the response object: id, model, status and, when
// final, the output text and usage.
func (q *req) respObject(b []byte, status string, final, withOutput bool) []byte {
	b = append(b, `{"id":"`...)
	b = append(b, q.id...)
	b = append(b, `","object":"response","created_at":`...)
	b = append(b, q.created...)
	b = append(b, `,"model":`...)
	b = append(b, q.model...)
	b = append(b, `,"status":"`...)
	b = append(b, status...)
	b = append(b, '"')
	if status == "incomplete" {
		b = append(b, `,"incomplete_details":{"reason":"max_output_tokens"}`...)
	}
	b = append(b, `,"output":[`...)
	if withOutput {
		if q.reasoning > 0 {
			b = append(b, `{"type":"reasoning","id":"rs_1","summary":[],"content":[{"type":"reasoning_text","text":"`...)
			for i := 0; i < q.reasoning; i++ {
				b = append(b, "think "...)
			}
			b = append(b, `"}]},`...)
		}
		b = append(b, `{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","annotations":[],"text":"`...)
		for i := q.reasoning; i < q.n; i++ {
			b = append(b, "tok "...)
		}
		b = append(b, `"}]}`...)
	}
	b = append(b, ']')
	if final {
		b = append(b, `,"usage":{"input_tokens":`...)
		b = strconv.AppendInt(b, int64(q.prompt), 10)
		b = append(b, `,"output_tokens":`...)
		b = strconv.AppendInt(b, int64(q.n), 10)
		b = append(b, `,"total_tokens":`...)
		b = strconv.AppendInt(b, int64(q.prompt+q.n), 10)
		b = append(b, `,"output_tokens_details":{"reasoning_tokens":`...)
		b = strconv.AppendInt(b, int64(q.reasoning), 10)
		b = append(b, `}}`...)
	}
	return append(b, '}')
}

func (q *req) respStatus() string {
	if q.finish == "length" {
		return "incomplete"
	}
	return "completed"
}

// respWhole answers a non-streaming Responses request.
func (q *req) respWhole(f fault) {
	if !q.sleepUntil(q.start.Add(q.s.cfg.TTFT + time.Duration(max(0, q.n-1))*q.s.cfg.ITL)) {
		return
	}
	if f == faultErrorChunk {
		writeError(q.w, http.StatusOK, "InternalServerError", "mock: injected in-body error")
		return
	}
	b := q.respObject(q.buf[:0], q.respStatus(), true, true)
	if f == faultMalformed {
		b = b[:len(b)/2]
	}
	q.w.Header().Set("Content-Type", "application/json")
	q.log.FirstToken = time.Now().UnixNano()
	_, _ = q.w.Write(b)
	q.s.genTotal.Add(int64(q.n))
	q.s.countFinish(q.finish)
}

// respEvent writes one event: "event: typ" and its data {"type":typ,…rest}.
func (q *req) respEvent(fl http.Flusher, seq *int, typ string, rest []byte) {
	q.send(fl, q.respEventBytes(seq, typ, rest))
}

// respEventBytes formats one Responses event in q's buffer.
func (q *req) respEventBytes(seq *int, typ string, rest []byte) []byte {
	b := append(q.buf[:0], "event: "...)
	b = append(b, typ...)
	b = append(b, "\ndata: {\"type\":\""...)
	b = append(b, typ...)
	b = append(b, `","sequence_number":`...)
	b = strconv.AppendInt(b, int64(*seq), 10)
	*seq++
	b = append(b, rest...)
	b = append(b, "}\n\n"...)
	q.buf = b
	return b
}

// respStream streams a Responses answer; faults strike halfway.
func (q *req) respStream(f fault, stall bool) {
	fl := q.startStream()
	seq := 0
	obj := func(status string, final bool) []byte {
		return append([]byte(`,"response":`), q.respObject(nil, status, final, final)...)
	}
	q.respEvent(fl, &seq, "response.created", obj("in_progress", false))
	ok := q.playTokens(fl, f, stall, tokenEvents{
		malformed: func() []byte {
			return []byte("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\n\n")
		},
		errorEvent: func() []byte {
			return q.respEventBytes(&seq, "error", []byte(`,"code":"server_error","message":"mock: injected stream error"`))
		},
		token: func(i int) []byte {
			if i < q.reasoning {
				return q.respEventBytes(&seq, "response.reasoning_text.delta", []byte(`,"item_id":"rs_1","output_index":0,"content_index":0,"delta":"think "`))
			}
			return q.respEventBytes(&seq, "response.output_text.delta", []byte(`,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"tok "`))
		},
	})
	if !ok {
		return
	}
	q.respEvent(fl, &seq, "response.output_text.done", []byte(`,"item_id":"msg_1","output_index":0,"content_index":0`))
	status := q.respStatus()
	q.respEvent(fl, &seq, "response."+status, obj(status, true))
	q.s.countFinish(q.finish)
}
