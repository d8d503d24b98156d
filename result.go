package llm

import "github.com/llmbench/llmbench/internal/metrics"

// Endpoint is the OpenAI API a request goes to.
type Endpoint uint8

// The endpoints.
const (
	Chat        Endpoint = iota // POST {baseURL}/chat/completions
	Completions                 // POST {baseURL}/completions
	Embeddings                  // POST {baseURL}/embeddings
	Responses                   // POST {baseURL}/responses
)

var endpointNames = [...]string{Chat: "chat", Completions: "completions", Embeddings: "embeddings", Responses: "responses"}
var endpointPaths = [...]string{Chat: "/chat/completions", Completions: "/completions", Embeddings: "/embeddings", Responses: "/responses"}

// String returns the endpoint tag value: "chat", "completions",
// "embeddings" or "responses".
func (e Endpoint) String() string {
	if int(e) < len(endpointNames) {
		return endpointNames[e]
	}
	return "chat"
}

// Path returns the endpoint's path below the base URL.
func (e Endpoint) Path() string {
	if int(e) < len(endpointPaths) {
		return endpointPaths[e]
	}
	return "/chat/completions"
}

// The error codes of a failed request (Result.ErrorCode, tag error_code).
const (
	ErrHTTP4xx        = "http_4xx"        // the server answered 400–499 other than 429
	ErrHTTP429        = "http_429"        // rate limited
	ErrHTTP5xx        = "http_5xx"        // the server answered 500 or more
	ErrTimeout        = "timeout"         // the client's timeout expired
	ErrConnection     = "connection"      // refused, reset or DNS before a response
	ErrStreamCut      = "stream_cut"      // the stream ended before [DONE] or a finish_reason
	ErrMalformedChunk = "malformed_chunk" // a chunk or body was not valid JSON, or an SSE line too long
	ErrServerError    = "server_error"    // an {"error":…} object inside a 2xx response
	// ErrInterrupted: the caller's context ended while the request was open
	// — the end of the test (gracefulStop expired, a signal, an abort) cut
	// it. It is a failure like the others: a server that never answers must
	// fail the failure-rate SLO, not vanish from it.
	ErrInterrupted = "interrupted"
)

// The values of Result.TokenSource (tag token_source).
const (
	TokensFromUsage  = "usage"  // the server's usage object
	TokensFromChunks = "chunks" // counted token-bearing chunks
)

// Result is everything known about one request, as the JS Result object
// exposes it (SPEC §4). Failures are data: OK is false and ErrorCode says why.
type Result struct {
	OK        bool
	Status    int // HTTP status, 0 when no response arrived
	Error     string
	ErrorCode string // one of the Err* constants, "" when OK
	Endpoint  Endpoint

	ID               string
	Model            string
	Content          string
	ReasoningContent string
	FinishReason     string
	// ToolCalls counts tool-call deltas (streaming) or tool calls.
	ToolCalls int
	// Vectors and Dimensions are an embeddings answer's number of vectors
	// and the first one's length.
	Vectors, Dimensions int

	// Chunks counts the stream's data events (excluding [DONE]).
	Chunks          int
	InputTokens     int
	OutputTokens    int
	ReasoningTokens int
	TokenSource     string // TokensFromUsage or TokensFromChunks
	Streamed        bool
	// BytesSent is the request body's size; BytesReceived the response
	// body bytes read (headers excluded in both).
	BytesSent, BytesReceived int64

	Headers map[string]string
	Timing  Timing

	// UsageError says why the server's usage object was not used (a
	// negative, huge or non-numeric count); the counts then come from
	// the chunks. "" when it was used or absent.
	UsageError string
}

// TTFTms, TTFOms, TPOTms and E2Ems are the SPEC §4 fields in milliseconds
// (0 when undefined).
func (r *Result) TTFTms() float64 { d, _ := r.Timing.TTFT(); return metrics.D(d) }

// TTFOms is the time to first non-reasoning output in ms.
func (r *Result) TTFOms() float64 { d, _ := r.Timing.TTFO(); return metrics.D(d) }

// TPOTms is the time per output token in ms.
func (r *Result) TPOTms() float64 { d, _ := r.Timing.TPOT(r.OutputTokens); return metrics.D(d) }

// E2Ems is the end-to-end latency in ms.
func (r *Result) E2Ems() float64 { d, _ := r.Timing.E2E(); return metrics.D(d) }

// TokensPerSecond is the per-request decode rate (0 when undefined).
func (r *Result) TokensPerSecond() float64 {
	v, _ := r.Timing.TokensPerSecond(r.OutputTokens)
	return v
}
