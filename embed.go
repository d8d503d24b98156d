package llm

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/grafana/sobek"
	"github.com/tidwall/gjson"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/netx"
)

// This file holds the embeddings request: Client.Embed, the response
// reader, and the JS client.embed / client.embedAsync methods.

// Embed sends body (an OpenAI /embeddings request: input, model,
// dimensions, encoding_format…) to {baseURL}/embeddings and reads the
// answer. Only "model" is inserted (the client's default model when the
// body names none): embeddings never stream. The Result has InputTokens
// from usage.prompt_tokens, Vectors (the number of embeddings) and
// Dimensions (the first vector's length); Timing has Send and End only, so
// only E2E (llm_request_duration) is defined.
func (c *Client) Embed(ctx context.Context, body []byte, opt RequestOptions) *Result {
	res := &Result{Endpoint: Embeddings}
	body = insertModel(body, c.modelJSON)
	c.do(ctx, Embeddings, body, false, opt, res)
	if res.Model == "" {
		if m := gjson.GetBytes(body, "model"); m.Type == gjson.String {
			res.Model = m.Str
		}
	}
	return res
}

// insertModel adds "model":modelJSON after the opening brace of a JSON
// object body that has no model; other bodies are returned untouched.
func insertModel(body, modelJSON []byte) []byte {
	t := bytes.TrimLeft(body, " \t\r\n")
	if len(modelJSON) == 0 || len(t) == 0 || t[0] != '{' || !gjson.ValidBytes(body) || gjson.GetBytes(body, "model").Exists() {
		return body
	}
	i := len(body) - len(t)
	ins := append([]byte(`"model":`), modelJSON...)
	if r := bytes.TrimLeft(t[1:], " \t\r\n"); len(r) == 0 || r[0] != '}' {
		ins = append(ins, ',')
	}
	out := make([]byte, 0, len(body)+len(ins))
	out = append(out, body[:i+1]...)
	out = append(out, ins...)
	return append(out, body[i+1:]...)
}

// readEmbeddings reads a 2xx embeddings response: OpenAI's
// {"data":[{"embedding":[…]|"base64"}…],"model":…,"usage":{"prompt_tokens":…}}.
// A body without a data array fails as malformed.
func (c *Client) readEmbeddings(rc reqCtx, clk netx.Clock, body io.Reader, res *Result) {
	b, err := io.ReadAll(io.LimitReader(body, maxJSONBody))
	res.Timing.End = clk.Now()
	if err != nil {
		fail(res, rc.classify(err, ErrStreamCut), fmt.Errorf("reading body: %w", err))
		return
	}
	s := bstr(b)
	if !gjson.Valid(s) {
		fail(res, ErrMalformedChunk, fmt.Errorf("response body is not valid JSON: %.80q", s))
		return
	}
	m := scanChunk(s)
	if msg, isErr := m.serverError(); isErr {
		fail(res, ErrServerError, fmt.Errorf("server error: %s", msg))
		return
	}
	if v := m.id; v.Type == gjson.String {
		res.ID = strings.Clone(v.Str)
	}
	if v := m.model; v.Type == gjson.String {
		res.Model = strings.Clone(v.Str)
	}
	if u := m.usage; u.IsObject() {
		res.InputTokens = int(u.Get("prompt_tokens").Int())
		res.TokenSource = TokensFromUsage
	}
	data := gjson.Get(s, "data")
	if !data.IsArray() {
		fail(res, ErrMalformedChunk, fmt.Errorf("embeddings response has no data array: %.80q", s))
		return
	}
	data.ForEach(func(_, d gjson.Result) bool {
		res.Vectors++
		if res.Vectors == 1 {
			res.Dimensions = vectorLen(d.Get("embedding"))
		}
		return true
	})
	res.Chunks = 1
	res.OK = true
}

// vectorLen is the length of an embedding given as a JSON array or as the
// base64 of little-endian float32s.
func vectorLen(v gjson.Result) int {
	if v.Type == gjson.String {
		return base64.StdEncoding.DecodedLen(len(v.Str)) / 4
	}
	n := 0
	v.ForEach(func(_, _ gjson.Result) bool { n++; return true })
	return n
}

// embedResultKeys are the JS embeddings Result's properties, in order.
var embedResultKeys = []string{"ok", "status", "error", "errorCode", "id", "model", "duration", "sentAt",
	"inputTokens", "dimensions", "count", "headers"}

// embedResult builds the JS object of an embeddings Result (times in ms):
// a plain object, built at once (embeddings are not sent at streaming rates).
func embedResult(rt *sobek.Runtime, r *Result) sobek.Value {
	d, _ := r.Timing.E2E()
	v := map[string]any{
		"ok": r.OK, "status": r.Status, "error": r.Error, "errorCode": r.ErrorCode, "id": r.ID, "model": r.Model,
		"duration": metrics.D(d), "sentAt": epochMs(r.Timing.Send), "inputTokens": r.InputTokens,
		"dimensions": r.Dimensions, "count": r.Vectors, "headers": r.Headers,
	}
	obj := rt.NewObject()
	for _, k := range embedResultKeys {
		must(obj.Set(k, v[k]))
	}
	return obj
}
