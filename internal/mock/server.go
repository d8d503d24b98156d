package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/gjson"
)

// Server is the simulated OpenAI-compatible server.
type Server struct {
	cfg Config
	mux *http.ServeMux

	mu  sync.Mutex // guards rng
	rng *rand.Rand

	logMu sync.Mutex
	enc   *json.Encoder

	nextID                   atomic.Uint64
	running                  atomic.Int64
	promptTotal, genTotal    atomic.Int64
	stopTotal, lengthTotal   atomic.Int64
	abortTotal, requestTotal atomic.Int64
	imagesTotal              atomic.Int64

	slots   chan struct{} // MaxRunning slots; nil: unbounded
	waiting atomic.Int64
}

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, mux: http.NewServeMux(), rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
	if cfg.Log != nil {
		s.enc = json.NewEncoder(cfg.Log)
	}
	if cfg.MaxRunning > 0 {
		s.slots = make(chan struct{}, cfg.MaxRunning)
	}
	s.mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) { s.complete(w, r, true) })
	s.mux.HandleFunc("POST /v1/completions", func(w http.ResponseWriter, r *http.Request) { s.complete(w, r, false) })
	s.mux.HandleFunc("POST /v1/embeddings", s.embeddings)
	s.mux.HandleFunc("POST /v1/responses", s.responses)
	s.mux.HandleFunc("GET /v1/models", s.models)
	s.mux.HandleFunc("GET /health", s.health)
	s.mux.HandleFunc("GET /v1/health", s.health)
	s.mux.HandleFunc("GET /metrics", s.metrics)
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Running is a server listening on a socket.
type Running struct {
	// Addr is the address actually listened on (host:port).
	Addr string
	srv  *http.Server
	done chan error
}

// URL returns the OpenAI base URL, "http://<addr>/v1".
func (r *Running) URL() string { return "http://" + r.Addr + "/v1" }

// Close stops the server, waiting for streams in flight until ctx ends.
func (r *Running) Close(ctx context.Context) error {
	err := r.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = r.srv.Close()
	}
	if e := <-r.done; e != nil && !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// Start listens on addr ("127.0.0.1:0" for any free port) and serves s until Close.
func (s *Server) Start(addr string) (*Running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mock: listening on %s: %w", addr, err)
	}
	run := &Running{Addr: ln.Addr().String(), srv: &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}, done: make(chan error, 1)}
	go func() { run.done <- run.srv.Serve(ln) }()
	return run, nil
}

// fault is what a request was drawn to suffer.
type fault uint8

const (
	faultNone fault = iota
	fault429
	fault500
	faultCut
	faultMalformed
	faultErrorChunk
)

var faultNames = [...]string{"", "status_429", "status_500", "cut_stream", "malformed_chunk", "error_chunk"}

// draw picks the request's fault, stall and length.
func (s *Server) draw(maxTokens int) (f fault, stall bool, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.cfg
	switch u := s.rng.Float64(); {
	case u < c.Status429:
		f = fault429
	case u < c.Status429+c.Status500:
		f = fault500
	case u < c.Status429+c.Status500+c.CutStream:
		f = faultCut
	case u < c.Status429+c.Status500+c.CutStream+c.MalformedChunk:
		f = faultMalformed
	case u < c.Status429+c.Status500+c.CutStream+c.MalformedChunk+c.ErrorChunk:
		f = faultErrorChunk
	}
	stall = c.Stall > 0 && (c.StallRate == 0 || s.rng.Float64() < c.StallRate)
	n = c.OutputTokens
	if c.OutputTokensStddev > 0 {
		n = max(1, int(math.Round(float64(n)+s.rng.NormFloat64()*c.OutputTokensStddev)))
	}
	if maxTokens > 0 && n > maxTokens {
		n = maxTokens
	}
	return f, stall, n
}

func (s *Server) models(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	m, _ := json.Marshal(s.cfg.Model)
	fmt.Fprintf(w, `{"object":"list","data":[{"id":%s,"object":"model","created":0,"owned_by":"llmbench-mock"}]}`, m)
}

func (s *Server) metrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	l := `{model_name=` + strconv.Quote(s.cfg.Model) + `}`
	lr := func(reason string) string {
		return `{finished_reason="` + reason + `",model_name=` + strconv.Quote(s.cfg.Model) + `}`
	}
	fmt.Fprintf(w, "# HELP vllm:num_requests_running Number of requests in model execution batches.\n# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running%s %d\n", l, s.running.Load())
	fmt.Fprintf(w, "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting%s %d\n", l, s.waiting.Load())
	fmt.Fprintf(w, "# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.\n# TYPE vllm:kv_cache_usage_perc gauge\nvllm:kv_cache_usage_perc%s %g\n", l, math.Min(1, float64(s.running.Load())/256))
	fmt.Fprintf(w, "# HELP vllm:prompt_tokens_total Number of prefill tokens processed.\n# TYPE vllm:prompt_tokens_total counter\nvllm:prompt_tokens_total%s %d\n", l, s.promptTotal.Load())
	fmt.Fprintf(w, "# HELP vllm:generation_tokens_total Number of generation tokens processed.\n# TYPE vllm:generation_tokens_total counter\nvllm:generation_tokens_total%s %d\n", l, s.genTotal.Load())
	fmt.Fprintf(w, "# HELP vllm:request_success_total Count of successfully processed requests.\n# TYPE vllm:request_success_total counter\n")
	fmt.Fprintf(w, "vllm:request_success_total%s %d\nvllm:request_success_total%s %d\nvllm:request_success_total%s %d\n",
		lr("stop"), s.stopTotal.Load(), lr("length"), s.lengthTotal.Load(), lr("abort"), s.abortTotal.Load())
	fmt.Fprintf(w, "# HELP mock:images_total Image parts received (the mock's own counter).\n# TYPE mock:images_total counter\nmock:images_total%s %d\n", l, s.imagesTotal.Load())
}

// acquire waits for a running slot (Config.MaxRunning); it returns the
// release function, or false when the client left first.
func (s *Server) acquire(r *http.Request) (func(), bool) {
	if s.slots == nil {
		return func() {}, true
	}
	s.waiting.Add(1)
	defer s.waiting.Add(-1)
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, true
	case <-r.Context().Done():
		return nil, false
	}
}

// logLine is one request's log record.
type logLine struct {
	ID         string `json:"id"`
	Endpoint   string `json:"endpoint"`
	Stream     bool   `json:"stream"`
	Received   int64  `json:"received_unix_ns"`
	FirstToken int64  `json:"first_token_unix_ns,omitempty"`
	// FirstTokenWritten is when the first token's write and flush
	// returned: with FirstToken it brackets the instant the bytes left the
	// mock (a stall between the two is the mock's, not the client's).
	FirstTokenWritten int64  `json:"first_token_written_unix_ns,omitempty"`
	OutputTokens      int    `json:"output_tokens"`
	Fault             string `json:"fault,omitempty"`
	ClientDisconnect  bool   `json:"client_disconnect,omitempty"`
	Images            int    `json:"images,omitempty"`
}

func (s *Server) log(l *logLine) {
	if s.enc == nil {
		return
	}
	s.logMu.Lock()
	_ = s.enc.Encode(l)
	s.logMu.Unlock()
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"object":"error","error":{"message":%q,"type":%q,"code":%d}}`, msg, typ, status)
}

// promptTokens estimates the prompt length as one token per 4 bytes of
// text (at least 1) plus Config.ImageTokens per image, and counts the
// images: "prompt", and the chat "messages" or Responses "input" and
// "instructions", whose content is a string or a list of parts (text /
// input_text parts count their text; image_url / input_image parts are
// images).
func (s *Server) promptTokens(body string) (tokens, images int) {
	n := 0
	if p := gjson.Get(body, "prompt"); p.Exists() {
		n += len(p.String())
	}
	n += len(gjson.Get(body, "instructions").String())
	content := func(c gjson.Result) {
		if c.Type == gjson.String {
			n += len(c.Str)
			return
		}
		c.ForEach(func(_, part gjson.Result) bool {
			switch part.Get("type").Str {
			case "image_url", "input_image", "image":
				images++
			default:
				n += len(part.Get("text").Str)
			}
			return true
		})
	}
	gjson.Get(body, "messages").ForEach(func(_, m gjson.Result) bool { content(m.Get("content")); return true })
	if in := gjson.Get(body, "input"); in.Type == gjson.String {
		n += len(in.Str)
	} else {
		in.ForEach(func(_, m gjson.Result) bool { content(m.Get("content")); return true })
	}
	if images > 0 {
		s.imagesTotal.Add(int64(images))
	}
	return max(1, n/4) + images*s.cfg.ImageTokens, images
}

func readBody(r *http.Request) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		return "", err
	}
	if !gjson.ValidBytes(b) {
		return "", errors.New("request body is not valid JSON")
	}
	return string(b), nil
}
