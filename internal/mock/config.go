package mock

import (
	"fmt"
	"io"
	"time"
)

// Config shapes the simulated server. The zero value answers at once with
// 16 tokens and no faults.
type Config struct {
	// Model is the model name reported (default "mock-model").
	Model string
	// TTFT is the delay between receiving a request and sending its first
	// token; ITL the delay between consecutive tokens.
	TTFT, ITL time.Duration
	// OutputTokens is the number of tokens per response (default 16),
	// capped by the request's max_tokens / max_completion_tokens.
	// OutputTokensStddev > 0 draws it from a normal distribution (seeded,
	// at least 1).
	OutputTokens       int
	OutputTokensStddev float64
	// ReasoningTokens are sent first, as delta.reasoning_content (chat only),
	// and are part of OutputTokens.
	ReasoningTokens int
	// Fault fractions in [0,1], drawn per request in this order.
	Status429      float64 // answer 429 with an OpenAI error body
	Status500      float64 // answer 500
	CutStream      float64 // close the connection halfway through the stream
	MalformedChunk float64 // send one invalid JSON chunk halfway
	ErrorChunk     float64 // send {"error":…} halfway and end the stream
	// Stall pauses the stream halfway for this long, in a StallRate
	// fraction of requests (every request when StallRate is 0).
	Stall     time.Duration
	StallRate float64
	// EmbeddingDim is the length of /v1/embeddings vectors when the request
	// sets no "dimensions" (default DefaultEmbeddingDim); EmbedLatency the
	// delay between receiving an embeddings request and answering it.
	EmbeddingDim int
	EmbedLatency time.Duration
	// MaxRunning > 0 serves at most that many completion / responses
	// requests at once (a batch size); the others wait, in arrival order,
	// and their TTFT schedule starts when they get a slot. The server's
	// capacity is then MaxRunning ÷ (TTFT + (tokens−1)·ITL) requests/s.
	MaxRunning int
	// ImageTokens is the prompt tokens each image part counts for
	// (default DefaultImageTokens).
	ImageTokens int
	// Seed makes the fault and length draws repeatable.
	Seed uint64
	// Log, when set, receives one JSON line per request: its id, the
	// arrival (received_unix_ns), the wall-clock instant just before the
	// first token was written (first_token_unix_ns), the token count and
	// the fault drawn. Client TTFT accuracy is checked against it.
	Log io.Writer
}

func (c Config) withDefaults() Config {
	if c.Model == "" {
		c.Model = "mock-model"
	}
	if c.OutputTokens <= 0 {
		c.OutputTokens = 16
	}
	if c.EmbeddingDim <= 0 {
		c.EmbeddingDim = DefaultEmbeddingDim
	}
	if c.ImageTokens == 0 {
		c.ImageTokens = DefaultImageTokens
	}
	return c
}

// DefaultImageTokens is what one image part adds to the prompt tokens.
const DefaultImageTokens = 256

// Validate reports the first invalid field.
func (c Config) Validate() error {
	for name, v := range map[string]float64{"Status429": c.Status429, "Status500": c.Status500, "CutStream": c.CutStream,
		"MalformedChunk": c.MalformedChunk, "ErrorChunk": c.ErrorChunk, "StallRate": c.StallRate} {
		if v < 0 || v > 1 {
			return fmt.Errorf("mock config: %s = %g, want a fraction in [0,1]", name, v)
		}
	}
	if c.TTFT < 0 || c.ITL < 0 || c.Stall < 0 || c.EmbedLatency < 0 {
		return fmt.Errorf("mock config: negative duration")
	}
	if c.ReasoningTokens < 0 || c.OutputTokensStddev < 0 || c.EmbeddingDim < 0 || c.ImageTokens < 0 || c.MaxRunning < 0 {
		return fmt.Errorf("mock config: negative token setting")
	}
	return nil
}
