//go:build e2e

package e2e

import (
	"net/http"
	"strconv"
	"testing"
)

// TestEmbedAndRespond: client.embed and client.respond against a real
// server (ollama serves /v1/embeddings and /v1/responses). Embeddings give
// one vector per text, of the length the server itself returns, with its
// usage.prompt_tokens; Responses requests run to max_output_tokens, the
// streamed one with a TTFT and one gap per token after the first.
func TestEmbedAndRespond(t *testing.T) {
	s := inference(t)
	warm(t, s.base, s.model)
	const maxTokens, iterations = 8, 2
	code, m := post(t, s.base+"/embeddings", map[string]any{"model": s.model, "input": []string{"one text", "another"}})
	if code != http.StatusOK {
		t.Skipf("the server does not serve /embeddings for %s: HTTP %d %v", s.model, code, m)
	}
	data, _ := m["data"].([]any)
	first, _ := data[0].(map[string]any)
	vec, _ := first["embedding"].([]any)
	dims := len(vec)

	r := run(t, runOpts{script: "endpoints.js", env: map[string]string{
		"BASE": s.base, "MODEL": s.model, "MAX_TOKENS": strconv.Itoa(maxTokens), "ITERATIONS": strconv.Itoa(iterations)}})
	r.wantCode(t, 0)
	got := r.byTag()
	for _, rec := range got["embed"] {
		if !rec.OK || rec.Count != 2 || rec.Dimensions != dims || rec.InputTokens <= 0 || rec.Duration <= 0 {
			t.Errorf("embed: ok %v (%s %s), count %d, dimensions %d (server: %d), inputTokens %d, duration %.1f",
				rec.OK, rec.ErrorCode, rec.Error, rec.Count, rec.Dimensions, dims, rec.InputTokens, rec.Duration)
		}
	}
	if e, rs := got["embed"], got["respond_stream"]; len(e) > 0 && len(rs) > 0 {
		t.Logf("embed: %d vectors × %d, %d input tokens, %.1f ms; respond (stream): ttft %.1f ms, tpot %.2f ms, %d output tokens",
			e[0].Count, e[0].Dimensions, e[0].InputTokens, e[0].Duration, rs[0].TTFT, rs[0].TPOT, rs[0].OutputTokens)
	}
	for _, tag := range []string{"respond_stream", "respond"} {
		recs := got[tag]
		if len(recs) != iterations {
			t.Errorf("%s: %d results, want %d", tag, len(recs), iterations)
		}
		for i, rec := range recs {
			if !rec.OK || rec.OutputTokens != maxTokens || rec.TokenSource != "usage" || rec.InputTokens <= 0 {
				t.Errorf("%s #%d: ok %v (%s %s), outputTokens %d, tokenSource %q, inputTokens %d; want ok, %d from usage",
					tag, i, rec.OK, rec.ErrorCode, rec.Error, rec.OutputTokens, rec.TokenSource, rec.InputTokens, maxTokens)
			}
			if tag == "respond_stream" && (rec.TTFT <= 0 || len(rec.ITL) != maxTokens-1 || rec.TPOT <= 0) {
				t.Errorf("%s #%d: ttft %.1f, %d gaps, tpot %.2f; want ttft > 0, %d gaps, tpot > 0", tag, i, rec.TTFT, len(rec.ITL), rec.TPOT, maxTokens-1)
			}
		}
	}
	if n := r.count("llm_requests", map[string]string{"endpoint": "embeddings"}); n != iterations {
		t.Errorf("llm_requests{endpoint:embeddings} %v, want %d", n, iterations)
	}
	if n := r.count("llm_requests", map[string]string{"endpoint": "responses"}); n != 2*iterations {
		t.Errorf("llm_requests{endpoint:responses} %v, want %d", n, 2*iterations)
	}
}
