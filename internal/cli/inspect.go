package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/llmbench/llmbench/internal/js/modules"
)

func newInspectCmd(ctx context.Context, env Env, mods *modules.Registry) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inspect [flags] SCRIPT",
		Short: "Print the script's consolidated options, scenarios expanded, as JSON",
		Args:  cobra.ExactArgs(1),
	}
	f := addScriptFlags(cmd)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		l, err := load(ctx, env, mods, f, args[0], newLogger(env.Stderr))
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(l.run, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s\n", b)
		return nil
	}
	return cmd
}
