package llm

import (
	"bytes"

	"github.com/tidwall/gjson"
)

// PrepareBody applies the module's request defaults to an OpenAI request
// body and reports whether the request streams. The body is passed through
// byte for byte except for fields inserted right after its opening brace
// (a minimal JSON edit; nothing is re-encoded or reordered):
//
//   - "model": the client's default model, when set and the body has none;
//   - "stream":true, when the body has no "stream" field;
//   - "stream_options":{"include_usage":true}, when the request streams and
//     the body has no "stream_options" (the caller's choice always wins).
//
// A body that is not a JSON object is returned untouched (stream reported
// true; the response's Content-Type decides how it is read).
func PrepareBody(body []byte, modelJSON []byte) ([]byte, bool) {
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	if i == len(body) || body[i] != '{' || !gjson.ValidBytes(body) {
		return body, true
	}
	obj := gjson.ParseBytes(body)
	var ins []byte
	if len(modelJSON) > 0 && !obj.Get("model").Exists() {
		ins = append(ins, `"model":`...)
		ins = append(ins, modelJSON...)
		ins = append(ins, ',')
	}
	stream := true
	if st := obj.Get("stream"); st.Exists() {
		stream = st.Type == gjson.True
	} else {
		ins = append(ins, `"stream":true,`...)
	}
	if stream && !obj.Get("stream_options").Exists() {
		ins = append(ins, `"stream_options":{"include_usage":true},`...)
	}
	if len(ins) == 0 {
		return body, stream
	}
	rest := body[i+1:]
	if t := bytes.TrimLeft(rest, " \t\r\n"); len(t) > 0 && t[0] == '}' {
		ins = ins[:len(ins)-1] // empty object: no trailing comma
	}
	out := make([]byte, 0, len(body)+len(ins))
	out = append(out, body[:i+1]...)
	out = append(out, ins...)
	out = append(out, rest...)
	return out, stream
}
