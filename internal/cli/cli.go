package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// Version is set at build time with -ldflags.
var Version = "dev"

// Env is everything the CLI may know about its process.
type Env struct {
	Args    []string  // arguments without the program name
	Environ []string  // KEY=VALUE pairs
	Stdin   io.Reader //
	Stdout  io.Writer
	Stderr  io.Writer
	Dir     string           // working directory
	Signals <-chan os.Signal // SIGINT/SIGTERM; nil in tests that send none
	// Exit ends the process at once (a second signal); nil → return normally.
	Exit func(code int)
}

func (e Env) environMap() map[string]string {
	m := make(map[string]string, len(e.Environ))
	for _, kv := range e.Environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// Main runs the command line in env with the JS modules in mods and returns
// the process exit code.
func Main(ctx context.Context, env Env, mods *modules.Registry) int {
	root := &cobra.Command{
		Use:           "llmbench",
		Short:         "Load-test OpenAI-compatible LLM servers with k6-dialect scripts",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(env.Args)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetIn(env.Stdin)
	root.AddCommand(
		newRunCmd(ctx, env, mods),
		newInspectCmd(ctx, env, mods),
		newVersionCmd(env),
		newMockCmd(ctx, env),
		newGPUCmd(env),
		newReportCmd(env),
		newSweepCmd(ctx, env, mods),
	)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *exit.Error
	if !errors.As(err, &ee) {
		// cobra's own errors (unknown flag, bad arguments) are usage errors.
		fmt.Fprintf(env.Stderr, "ERRO %v\n", err)
		return int(exit.GenericError)
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(env.Stderr, "ERRO %s\n", msg)
	}
	return int(ee.Code)
}

func newVersionCmd(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print llmbench's version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(env.Stdout, "llmbench %s\n", Version)
			return nil
		},
	}
}
