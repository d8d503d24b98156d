package llm

import (
	"testing"

	"github.com/tidwall/gjson"
)

// BenchmarkParseChunk is the per-chunk parse the client does on every
// streamed event (validity, error object, id/model/usage, choices) — the
// dominant client cost in a whole-process profile of bench/llm.sh — with
// the single-pass parser and the path-by-path reference it replaced.
func BenchmarkParseChunk(b *testing.B) {
	s := `{"id":"chatcmpl-12345","object":"chat.completion.chunk","created":1764180000,"model":"mock-model","choices":[{"index":0,"delta":{"content":"tok "},"logprobs":null,"finish_reason":null}]}`
	b.Run("single-pass", func(b *testing.B) {
		res := &Result{}
		b.ReportAllocs()
		for b.Loop() {
			var p parse
			if !gjson.Valid(s) {
				b.Fatal("invalid")
			}
			m := scanChunk(s)
			if _, isErr := m.serverError(); isErr {
				b.Fatal("error chunk")
			}
			p.chunk(&m, res, "delta")
		}
	})
	b.Run("reference", func(b *testing.B) {
		res := &Result{}
		b.ReportAllocs()
		for b.Loop() {
			var p parse
			if !gjson.Valid(s) {
				b.Fatal("invalid")
			}
			if _, isErr := refChunkError(s); isErr {
				b.Fatal("error chunk")
			}
			p.refChunk(s, res, "delta")
		}
	})
}
