package llm

import "testing"

// FuzzChunk feeds arbitrary chunk payloads to the client's parser: it must
// never panic, and a token-bearing chunk must be recorded once.
func FuzzChunk(f *testing.F) {
	for _, s := range []string{
		`{"id":"x","model":"m","choices":[{"delta":{"content":"a"},"finish_reason":null}]}`,
		`{"choices":[{"delta":{"reasoning_content":"r","tool_calls":[{"index":0}]}}],"usage":{"prompt_tokens":1,"completion_tokens":2}}`,
		`{"choices":[{"text":"t","finish_reason":"stop"}]}`, `{"choices":"x"}`, `[]`, `{"error":"x"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var p parse
		var r Result
		p.chunk(s, &r, "delta")
		p.finish(&r)
	})
}
