// Command llmbench load-tests OpenAI-compatible LLM servers with k6-dialect
// JavaScript scenarios. This file is the only place that touches the process:
// arguments, environment, standard streams, signals and the exit code. It
// lists the JS modules the engine offers, picks the GPU source (the llm
// package's NVML sampler) and hands everything to cli.Main: the engine
// under internal/ never imports the llm package itself.
package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"syscall"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/cli"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/selfhealth"
	"github.com/llmbench/llmbench/xsse"
)

// registry lists the modules scripts may import: k6's built-ins, k6/x/llm
// and k6/x/sse.
func registry() *modules.Registry {
	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		panic(err)
	}
	if err := mods.Register("k6/x/sse", xsse.New()); err != nil {
		panic(err)
	}
	return mods
}

func main() {
	mods := registry()

	// GOGC=400, a soft memory limit of 3/4 of the machine and at least 2 Ps
	// on one CPU, each unless the environment sets it: GC cycles that take
	// less time from the VUs' reads (internal/selfhealth/gcpolicy.go).
	selfhealth.TuneRuntime(os.Getenv)

	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)

	// LLMBENCH_CPUPROFILE=FILE writes a CPU profile of the whole process
	// (go tool pprof), for profiling llmbench itself.
	if p := os.Getenv("LLMBENCH_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			if err := pprof.StartCPUProfile(f); err == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}

	// LLMBENCH_TRACE=FILE writes an execution trace of the whole process
	// (go tool trace; -pprof=sched gives where goroutines waited to run);
	// %p in FILE is the process id, for scripts that start several.
	if p := strings.ReplaceAll(os.Getenv("LLMBENCH_TRACE"), "%p", strconv.Itoa(os.Getpid())); p != "" {
		if f, err := os.Create(p); err == nil {
			if err := trace.Start(f); err == nil {
				defer trace.Stop()
			}
		}
	}

	wd, _ := os.Getwd()
	// Installed as k6 (the k6-operator runs `k6` from PATH), it answers as k6.
	code := cli.Main(context.Background(), cli.Env{
		Name:    filepath.Base(os.Args[0]),
		Args:    os.Args[1:],
		Environ: os.Environ(),
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Dir:     wd,
		Signals: sig,
		Exit:    os.Exit,
	}, mods, llm.GPUSource{})
	pprof.StopCPUProfile() // os.Exit skips the defers
	// LLMBENCH_MEMPROFILE=FILE writes a heap profile (what is live and
	// what was allocated) when the command returns.
	if p := os.Getenv("LLMBENCH_MEMPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	trace.Stop()
	os.Exit(code)
}
