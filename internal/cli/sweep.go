package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/gpustat"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/sweep"
)

// sweepFlags are the sweep command's own flags.
type sweepFlags struct {
	rates    int
	rateList string
	stageDur time.Duration
	maxVUs   int64
	exec     string
}

func newSweepCmd(ctx context.Context, env Env, mods *modules.Registry, gpu gpustat.Source) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sweep [flags] SCRIPT",
		Short: "Find the throughput–latency curve: a synchronous run, a max-throughput run, then constant rates between",
		Long: `sweep runs SCRIPT's exec function several times, each time with a scenario of its own
(GuideLLM's sweep profile): one VU in a closed loop (the unloaded latency), --max-vus VUs
in a closed loop (the maximum throughput), then --rates constant-arrival-rate runs at
rates spaced evenly between the two (or exactly --rate-list). Each run lasts
--stage-duration, keeps its results under --results DIR/<NN-stage>/ and is judged by the
script's thresholds. DIR gets sweep.json, sweep.md and sweep.svg: the table, the
latency–throughput curve, the knee (highest throughput ÷ median latency) and the highest
rate that met the thresholds. The script's own scenarios and duration options are
replaced; its thresholds, tags and other options apply.`,
		Args: cobra.ExactArgs(1),
	}
	f := addScriptFlags(cmd)
	sf := addSourceFlags(cmd.Flags(), gpu)
	rf := addResultsFlags(cmd.Flags())
	sw := &sweepFlags{}
	fs := cmd.Flags()
	fs.IntVar(&sw.rates, "rates", 5, "number of constant-rate runs between the synchronous and the max-throughput rate")
	fs.StringVar(&sw.rateList, "rate-list", "", "explicit constant rates (requests/s, comma list) instead of the synchronous, throughput and --rates runs")
	fs.DurationVar(&sw.stageDur, "stage-duration", 30*time.Second, "duration of each run")
	fs.Int64Var(&sw.maxVUs, "max-vus", 64, "VUs of the max-throughput run, and the most VUs of a constant-rate run")
	fs.StringVar(&sw.exec, "exec", "default", "the exported function each iteration runs")
	cmd.RunE = func(c *cobra.Command, args []string) error {
		for _, name := range []string{"vus", "duration", "iterations", "stage"} {
			if c.Flags().Changed(name) {
				return exit.Errorf(exit.InvalidConfig, "sweep builds its own scenarios: --%s is not accepted (use --stage-duration, --max-vus)", name)
			}
		}
		for _, name := range []string{"no-summary", "summary-mode", "summary-export"} {
			if c.Flags().Changed(name) {
				return exit.Errorf(exit.InvalidConfig, "sweep reads each run's summary export: --%s is not accepted", name)
			}
		}
		if rf.dir == "" {
			rf.dir = "sweep-results"
		}
		if !c.Flags().Changed("summary-trend-stats") {
			_ = c.Flags().Set("summary-trend-stats", "avg,min,med,max,p(90),p(95),p(99)")
		}
		return runSweep(ctx, env, mods, f, sf, rf, sw, c, args[0])
	}
	return cmd
}

// parseRates reads --rate-list.
func parseRates(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, exit.Errorf(exit.InvalidConfig, "--rate-list: %q is not a positive rate", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// stageScenario returns the scenarios option of one stage.
func stageScenario(st sweep.Stage, sw *sweepFlags) map[string]json.RawMessage {
	var sc map[string]any
	dur := sw.stageDur.String()
	switch st.Kind {
	case sweep.Constant:
		// Whole starts per 100 s, so that fractional rates work.
		sc = map[string]any{"executor": "constant-arrival-rate", "rate": max(1, int64(math.Round(st.Rate*100))), "timeUnit": "100s",
			"duration": dur, "preAllocatedVUs": st.VUs, "maxVUs": st.VUs}
	default:
		sc = map[string]any{"executor": "constant-vus", "vus": st.VUs, "duration": dur}
	}
	sc["exec"] = sw.exec
	raw, _ := json.Marshal(sc)
	return map[string]json.RawMessage{"sweep": raw}
}

func runSweep(ctx context.Context, env Env, mods *modules.Registry, f *scriptFlags, sf *sourceFlags, rf *resultsFlags, sw *sweepFlags, c *cobra.Command, script string) error {
	if sw.stageDur < time.Second {
		return exit.Errorf(exit.InvalidConfig, "--stage-duration %s: want at least 1s", sw.stageDur)
	}
	if sw.maxVUs < 1 {
		return exit.Errorf(exit.InvalidConfig, "--max-vus %d: want at least 1", sw.maxVUs)
	}
	var fixed []float64
	if sw.rateList != "" {
		var err error
		if fixed, err = parseRates(sw.rateList); err != nil {
			return err
		}
	} else if sw.rates < 0 {
		return exit.Errorf(exit.InvalidConfig, "--rates %d: want 0 or more", sw.rates)
	}
	root := resolve(env, rf.dir)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return exit.New(exit.InvalidConfig, fmt.Errorf("sweep: results directory: %w", err))
	}
	var plan []sweep.Stage
	if fixed == nil {
		plan = []sweep.Stage{{Kind: sweep.Synchronous, VUs: 1}, {Kind: sweep.Throughput, VUs: sw.maxVUs}}
	}
	for _, r := range fixed {
		plan = append(plan, sweep.Stage{Kind: sweep.Constant, Rate: r, VUs: sw.maxVUs})
	}
	total := len(plan)
	if fixed == nil {
		total += sw.rates
	}
	var done []sweep.Stage
	for i := 0; i < len(plan); i++ {
		st := plan[i]
		fmt.Fprintf(env.Stderr, "sweep %d/%d: %s (%d VUs) for %s\n", i+1, total, st.Name(), st.VUs, sw.stageDur)
		st, err := runStage(ctx, env, mods, f, sf, sw, c, script, root, i, st)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "sweep %d/%d: %s: %.2f req/s, E2E p50 %.1f ms, thresholds %v\n", i+1, total, st.Name(), st.RequestsPerSec, st.E2Ep50, st.ThresholdsOK)
		done = append(done, st)
		if fixed == nil && st.Kind == sweep.Throughput {
			for _, r := range sweep.Rates(done[0].RequestsPerSec, st.RequestsPerSec, sw.rates) {
				plan = append(plan, sweep.Stage{Kind: sweep.Constant, Rate: r, VUs: sw.maxVUs})
			}
		}
	}
	res := sweep.NewResult(filepath.Base(script), done)
	js, err := res.JSON()
	if err != nil {
		return err
	}
	md := res.Markdown()
	for name, b := range map[string][]byte{"sweep.json": js, "sweep.md": []byte(md), "sweep.svg": []byte(res.SVG())} {
		if err := os.WriteFile(filepath.Join(root, name), b, 0o644); err != nil {
			return fmt.Errorf("sweep: writing %s: %w", name, err)
		}
	}
	fmt.Fprintf(env.Stdout, "\n%s\nsweep.json, sweep.md and sweep.svg are in %s\n", md, root)
	return nil
}

// runStage runs one stage through the run command's path and reads its
// figures from the stage's summary export.
func runStage(ctx context.Context, env Env, mods *modules.Registry, f *scriptFlags, sf *sourceFlags, sw *sweepFlags, c *cobra.Command,
	script, root string, i int, st sweep.Stage) (sweep.Stage, error) {
	dir := filepath.Join(root, fmt.Sprintf("%02d-%s", i+1, strings.NewReplacer("/", "per", ".", "_").Replace(st.Name())))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, fmt.Errorf("sweep: %w", err)
	}
	st.Dir = dir
	export := filepath.Join(dir, "summary-export.json")
	if err := c.Flags().Set("summary-export", export); err != nil {
		return st, err
	}
	f.opts.Scenarios = stageScenario(st, sw)
	err := run(ctx, env, mods, f, sf, &resultsFlags{dir: dir}, &runFlags{}, script)
	st.ThresholdsOK = true
	if err != nil {
		var ee *exit.Error
		if !errors.As(err, &ee) || ee.Code != exit.ThresholdsFailed {
			return st, fmt.Errorf("sweep stage %s: %w", st.Name(), err)
		}
		st.ThresholdsOK = false
	}
	b, err := os.ReadFile(export)
	if err != nil {
		return st, fmt.Errorf("sweep stage %s: reading its summary: %w", st.Name(), err)
	}
	var e struct {
		Metrics map[string]map[string]any `json:"metrics"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return st, fmt.Errorf("sweep stage %s: its summary: %w", st.Name(), err)
	}
	get := func(metric, stat string) float64 { v, _ := e.Metrics[metric][stat].(float64); return v }
	// Per second of the stage's scheduled duration (the summary's rates
	// divide by the whole run, VU initialisation included).
	st.RequestsPerSec = get("llm_requests", "count") / sw.stageDur.Seconds()
	st.OutputTokensSec = get("llm_output_tokens", "count") / sw.stageDur.Seconds()
	st.TTFTp50, st.TTFTp99 = get("llm_ttft", "med"), get("llm_ttft", "p(99)")
	st.E2Ep50, st.E2Ep99 = get("llm_request_duration", "med"), get("llm_request_duration", "p(99)")
	st.Failed = get("llm_request_failed", "value")
	st.Dropped = get("dropped_iterations", "count")
	return st, nil
}
