package llm

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"
)

// chunkSeeds are chunks of every shape the parser reads, plus oddities.
var chunkSeeds = []string{
	`{"id":"x","model":"m","choices":[{"delta":{"content":"a"},"finish_reason":null}]}`,
	`{"choices":[{"delta":{"reasoning_content":"r","tool_calls":[{"index":0}]}}],"usage":{"prompt_tokens":1,"completion_tokens":2}}`,
	`{"choices":[{"text":"t","finish_reason":"stop"}]}`, `{"choices":"x"}`, `[]`, `{"error":"x"}`,
	`{"id":"a","id":"b","choices":[{"delta":{"content":"1","content":"2"}},{"delta":{"reasoning":"r2"}}]}`,
	`{"choices":[{"delta":{"reasoning_content":null,"reasoning":"r"}}]}`,
	`{"choices":[{"delta":{"reasoning_content":"","reasoning":"r"}}]}`,
	`{"choices":[{"message":{"content":"m"},"delta":{"content":"d"}}]}`,
	`{"choices":{"a":{"delta":{"content":"obj"}}}}`,
	`{"choices":[["delta"],{"delta":"s"},{"delta":{"tool_calls":[]}},{"delta":{"tool_calls":{"0":1}}}]}`,
	`{"usage":{"prompt_tokens":3,"completion_tokens":4,"completion_tokens_details":{"reasoning_tokens":2}},"choices":[]}`,
	`{"usage":null,"model":7,"id":null}`, `{"i\u0064":"esc","choices":[{"d\u0065lta":{"cont\u0065nt":"e"}}]}`,
	`{"error":null,"choices":[{"delta":{"content":"x"}}]}`, `{"error":{"message":"boom"}}`,
	`{"object":"error","message":"old vllm"}`, `{"object":"error","message":{"a":1}}`, `"str"`, `1`, `null`, `{}`,
}

// outcome is everything a parser leaves behind for one chunk.
type outcome struct {
	Token, Output bool
	ErrMsg        string
	IsErr         bool
	Result        Result
	Parse         string
}

func parseWith(s, msg string, ref bool) outcome {
	var p chunkState
	var o outcome
	if ref {
		o.ErrMsg, o.IsErr = refChunkError(s)
		o.Token, o.Output = p.refChunk(s, &o.Result, msg)
	} else {
		m := scanChunk(s)
		o.ErrMsg, o.IsErr = m.serverError()
		o.Token, o.Output = p.chunk(&m, &o.Result, msg)
	}
	p.finish(&o.Result)
	o.Parse = string(p.content) + "|" + string(p.reasoning)
	return o
}

// TestChunkMatchesReference: the single-pass parser reads every valid
// chunk exactly as the path-by-path reference does.
func TestChunkMatchesReference(t *testing.T) {
	for _, s := range chunkSeeds {
		for _, msg := range []string{"delta", "message"} {
			if diff := cmp.Diff(parseWith(s, msg, true), parseWith(s, msg, false)); diff != "" {
				t.Errorf("%s (%s): reference vs single pass (-ref +new):\n%s", s, msg, diff)
			}
		}
	}
}

// FuzzChunk feeds arbitrary chunk payloads to the client's parser: it must
// never panic, and on valid JSON it must agree with the reference parser.
func FuzzChunk(f *testing.F) {
	for _, s := range chunkSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := parseWith(s, "delta", false)
		if !gjson.Valid(s) {
			return // readStream rejects it before parsing
		}
		if diff := cmp.Diff(parseWith(s, "delta", true), got); diff != "" {
			t.Errorf("%q: reference vs single pass (-ref +new):\n%s", s, diff)
		}
	})
}

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
			var p chunkState
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
			var p chunkState
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
