package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"

	"github.com/spf13/cobra"

	"github.com/llmbench/llmbench/internal/execution"
	"github.com/llmbench/llmbench/internal/executor"
	"github.com/llmbench/llmbench/internal/js/modules"
)

func newInspectCmd(ctx context.Context, env Env, mods *modules.Registry) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inspect [flags] SCRIPT|ARCHIVE",
		Short: "Print the script's consolidated options, scenarios expanded, as JSON",
		Args:  cobra.ExactArgs(1),
	}
	f := addScriptFlags(cmd)
	addRunOnlyFlags(cmd)
	var requirements bool
	cmd.Flags().BoolVar(&requirements, "execution-requirements", false,
		"also compute maxVUs and totalDuration of the whole (unsegmented) test, as the k6-operator's initializer reads them")
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		logger, err := f.logger(env)
		if err != nil {
			return err
		}
		if requirements {
			// The k6-operator's initializer fails on any stderr line
			// matching level.*error: only warnings and worse are logged.
			logger = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		}
		l, err := load(ctx, env, mods, f, args[0], logger)
		if err != nil {
			return err
		}
		var out any = l.run
		if requirements {
			out, err = executionRequirements(l)
			if err != nil {
				return err
			}
		}
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s\n", b)
		return nil
	}
	return cmd
}

// executionRequirements returns the consolidated options plus k6's
// totalDuration (the end of the whole plan, graceful stops included) and
// maxVUs (planned plus unplanned VUs at the plan's peak), both for the
// unsegmented test (reference k6-operator.md §1).
func executionRequirements(l *loaded) (map[string]any, error) {
	b, err := json.Marshal(l.run)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	var configs []executor.Config
	for _, sc := range l.run.Scenarios() {
		configs = append(configs, sc.Config)
	}
	out := maps.Clone(m)
	out["totalDuration"] = execution.MaxDuration(configs).String()
	out["maxVUs"] = execution.MaxVUs(configs)
	return out, nil
}
