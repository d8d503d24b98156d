package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/gpustat"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// Version is set at build time with -ldflags.
var Version = "dev"

// Env is everything the CLI may know about its process.
type Env struct {
	// Name is the name the program was invoked as (argv[0]'s base name):
	// "k6" when installed as k6 for the k6-operator; "" means llmbench.
	Name    string
	Args    []string  // arguments without the program name
	Environ []string  // KEY=VALUE pairs
	Stdin   io.Reader //
	Stdout  io.Writer
	Stderr  io.Writer
	Dir     string           // working directory
	Signals <-chan os.Signal // SIGINT/SIGTERM; nil in tests that send none
	// Exit ends the process at once (a second signal); nil → return normally.
	Exit func(code int)
	// ModuleClient fetches the script's https:// imports; nil = Go's
	// default client (tests hand in one that trusts their TLS server).
	ModuleClient *http.Client
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
// the process exit code. gpu is the GPU sampling the build offers
// (cmd/llmbench passes llm.GPUSource{}); nil runs without GPU metrics.
func Main(ctx context.Context, env Env, mods *modules.Registry, gpu gpustat.Source) int {
	name := env.Name
	if name == "" {
		name = "llmbench"
	}
	root := &cobra.Command{
		Use:           name,
		Short:         "Load-test OpenAI-compatible LLM servers with k6-dialect scripts",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(env.Args)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetIn(env.Stdin)
	root.AddCommand(
		newRunCmd(ctx, env, mods, gpu),
		newInspectCmd(ctx, env, mods),
		newArchiveCmd(ctx, env, mods),
		newMergeCmd(ctx, env, mods),
		newVersionCmd(env),
		newMockCmd(ctx, env),
		newGPUCmd(env, gpu),
		newReportCmd(env),
		newSweepCmd(ctx, env, mods, gpu),
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
			if env.Name == "k6" {
				fmt.Fprintf(env.Stdout, "k6 %s (llmbench, k6-compatible)\n", Version)
				return nil
			}
			fmt.Fprintf(env.Stdout, "llmbench %s\n", Version)
			return nil
		},
	}
}
