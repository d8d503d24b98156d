package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/config"
	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/merge"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/threshold"
	"github.com/llmbench/llmbench/internal/ui"
	"github.com/llmbench/llmbench/internal/vu"
)

func newMergeCmd(ctx context.Context, env Env, mods *modules.Registry) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "merge [flags] RESULT...",
		Short: "Merge the results of a distributed test's instances into one summary and threshold verdict",
		Long: `merge reads the JSON outputs (--out json=FILE) or --results directories of the
instances of one distributed test (e.g. k6-operator runners, each running an
execution segment), replays all their samples into one aggregation, prints the
end-of-test summary as one run would, and judges the script's thresholds on the
merged data: exit 99 when one fails. Without --script the thresholds on whole
metrics that the outputs' Metric lines declare are judged (not submetric ones).`,
		Args: cobra.MinimumNArgs(1),
	}
	f := addScriptFlags(cmd)
	var script string
	cmd.Flags().StringVar(&script, "script", "", "the test `SCRIPT` (or archive): its thresholds, handleSummary and custom metrics")
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		return runMerge(ctx, env, mods, f, script, args)
	}
	return cmd
}

func runMerge(ctx context.Context, env Env, mods *modules.Registry, f *scriptFlags, script string, paths []string) error {
	logger, err := f.logger(env)
	if err != nil {
		return err
	}
	var l *loaded
	if script != "" {
		if l, err = load(ctx, env, mods, f, script, logger); err != nil {
			return err
		}
	} else {
		l = &loaded{reg: metrics.NewRegistry(), test: &vu.State{}, logger: logger}
		l.builtins = metrics.RegisterBuiltins(l.reg)
		cl, err := f.opts.Options()
		if err != nil {
			return err
		}
		var warns []string
		l.run, warns, err = config.Consolidate(config.Defaults(), cl)
		for _, w := range warns {
			logger.Warn(w)
		}
		if err != nil {
			return err
		}
	}
	for i, p := range paths {
		paths[i] = resolve(env, p)
	}
	inputs, err := merge.Inputs(paths)
	if err != nil {
		return exit.New(exit.InvalidConfig, err)
	}
	thresholds := l.run.Thresholds()
	if script == "" && !l.run.NoThresholds() {
		// Without the script, the thresholds the runners' outputs declare.
		if thresholds, err = merge.Thresholds(inputs, l.reg); err != nil {
			return exit.New(exit.InvalidConfig, err)
		}
	}
	var ths threshold.Set
	if !l.run.NoThresholds() {
		if ths, err = threshold.Parse(thresholds); err == nil {
			err = ths.Validate(l.reg)
		}
		if err != nil {
			return exit.New(exit.InvalidConfig, err)
		}
	}
	var duration time.Duration
	agg, err := aggregate.New(l.reg, ths, aggregate.Options{
		Elapsed:      func() time.Duration { return duration },
		NoThresholds: l.run.NoThresholds(),
	})
	if err != nil {
		return err
	}
	res, err := merge.Replay(inputs, l.reg, agg.AddBatches)
	if err != nil {
		return exit.New(exit.InvalidConfig, err)
	}
	duration = res.Duration
	if err := agg.Stop(nil); err != nil {
		return err
	}
	var total int64
	for _, n := range res.Points {
		total += n
	}
	logger.Info(fmt.Sprintf("merged %d samples from %d instances over %s", total, len(inputs), duration.Round(time.Millisecond)))
	color := ui.IsTerminal(env.Stdout) && !f.noColor
	if err := writeSummary(ctx, env, l, agg, &sources{}, color); err != nil {
		logger.Error("failed to handle the end-of-test summary", "error", err)
	}
	return agg.FailedError()
}
