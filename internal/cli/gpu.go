package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/gpustat"
	"github.com/llmbench/llmbench/internal/summary"
)

func newGPUCmd(env Env, gpu gpustat.Source) *cobra.Command {
	var sel string
	cmd := &cobra.Command{
		Use:   "gpu",
		Short: "List the GPUs NVML finds, with one sample each",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().StringVar(&sel, "gpu", "all", "GPUs to list: all, none or indexes like 0,1")
	cmd.RunE = func(*cobra.Command, []string) error {
		if gpu == nil {
			fmt.Fprintln(env.Stdout, "GPU metrics off: this build has no GPU source")
			return nil
		}
		readings, why, err := gpu.List(sel)
		if err != nil {
			return exit.New(exit.InvalidConfig, err)
		}
		if why != "" {
			fmt.Fprintln(env.Stdout, why)
		}
		for _, l := range summary.GPUList(readings) {
			fmt.Fprintln(env.Stdout, l)
		}
		return nil
	}
	return cmd
}
