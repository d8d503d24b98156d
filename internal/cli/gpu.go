package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/exit"
)

func newGPUCmd(env Env) *cobra.Command {
	var sel string
	cmd := &cobra.Command{
		Use:   "gpu",
		Short: "List the GPUs NVML finds, with one sample each",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().StringVar(&sel, "gpu", "all", "GPUs to list: all, none or indexes like 0,1")
	cmd.RunE = func(*cobra.Command, []string) error {
		s, err := llm.ParseGPUSelection(sel)
		if err != nil {
			return exit.New(exit.InvalidConfig, err)
		}
		lines, _, err := llm.ListGPUs(llm.GPUOptions{Select: s, Interval: time.Second})
		for _, l := range lines {
			fmt.Fprintln(env.Stdout, l)
		}
		return err
	}
	return cmd
}
