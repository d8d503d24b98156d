package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/mock"
)

func newMockCmd(ctx context.Context, env Env) *cobra.Command {
	var (
		cfg     mock.Config
		addr    string
		logPath string
	)
	cmd := &cobra.Command{
		Use:   "mock",
		Short: "Serve a simulated OpenAI-compatible LLM (streaming, with latency knobs and faults)",
		Args:  cobra.NoArgs,
	}
	fs := cmd.Flags()
	fs.StringVar(&addr, "addr", "127.0.0.1:8000", "listen `ADDRESS`")
	fs.StringVar(&cfg.Model, "model", "mock-model", "model name reported")
	fs.DurationVar(&cfg.TTFT, "ttft", 0, "delay before the first token")
	fs.DurationVar(&cfg.ITL, "itl", 0, "delay between tokens")
	fs.IntVar(&cfg.OutputTokens, "output-tokens", 16, "tokens per response (capped by max_tokens)")
	fs.Float64Var(&cfg.OutputTokensStddev, "output-tokens-stddev", 0, "draw the length from a normal distribution with this stddev")
	fs.IntVar(&cfg.ReasoningTokens, "reasoning-tokens", 0, "reasoning tokens sent first (chat), part of output tokens")
	fs.Float64Var(&cfg.Status429, "rate-429", 0, "fraction of requests answered 429")
	fs.Float64Var(&cfg.Status500, "rate-500", 0, "fraction of requests answered 500")
	fs.Float64Var(&cfg.CutStream, "rate-cut", 0, "fraction of streams cut halfway")
	fs.Float64Var(&cfg.MalformedChunk, "rate-malformed", 0, "fraction of streams with one malformed chunk")
	fs.Float64Var(&cfg.ErrorChunk, "rate-error-chunk", 0, "fraction of streams ending with an in-stream error object")
	fs.DurationVar(&cfg.Stall, "stall", 0, "pause streams halfway for this long")
	fs.Float64Var(&cfg.StallRate, "stall-rate", 0, "fraction of streams that stall (0 = all, when --stall is set)")
	fs.IntVar(&cfg.EmbeddingDim, "embedding-dim", mock.DefaultEmbeddingDim, "length of /v1/embeddings vectors (a request's dimensions overrides it)")
	fs.DurationVar(&cfg.EmbedLatency, "embed-latency", 0, "delay before answering an embeddings request")
	fs.IntVar(&cfg.ImageTokens, "image-tokens", mock.DefaultImageTokens, "prompt tokens each image part counts for")
	fs.IntVar(&cfg.MaxRunning, "max-running", 0, "serve at most N requests at once, queueing the rest (0 = no limit)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed for fault and length draws")
	fs.StringVar(&logPath, "log", "", "write one JSON line per request (id, first-token send time) to `FILE`")
	cmd.RunE = func(*cobra.Command, []string) error {
		if logPath != "" {
			p := logPath
			if !filepath.IsAbs(p) {
				p = filepath.Join(env.Dir, p)
			}
			f, err := os.Create(p)
			if err != nil {
				return exit.New(exit.InvalidConfig, err)
			}
			defer f.Close()
			cfg.Log = f
		}
		srv, err := mock.New(cfg)
		if err != nil {
			return exit.New(exit.InvalidConfig, err)
		}
		running, err := srv.Start(addr)
		if err != nil {
			return fmt.Errorf("mock: %w", err)
		}
		fmt.Fprintf(env.Stdout, "llmbench mock serving %s (model %s) — Ctrl-C to stop\n", running.URL(), cfg.Model)
		waitSignal(ctx, env)
		// Streams in flight (a --stall of an hour) get a moment to end,
		// then their connections are closed: Ctrl-C stops the mock now.
		stop, cancel := context.WithTimeout(context.Background(), mockStopGrace)
		defer cancel()
		return running.Close(stop)
	}
	return cmd
}

// mockStopGrace is how long a stopping mock waits for streams in flight.
const mockStopGrace = time.Second

// waitSignal blocks until a signal arrives or ctx ends.
func waitSignal(ctx context.Context, env Env) {
	select {
	case <-env.Signals:
	case <-ctx.Done():
	}
}
