package main

import (
	"context"
	"flag"
	"os"
	"runtime/pprof"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/cli"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/selfhealth"
)

// profile runs llmbench in this process (the same code as the binary) under
// the CPU profiler, and writes a heap profile at the end:
//
//	benchllm profile -cpu cpu.pprof -mem heap.pprof -- run -q script.js
func profile(args []string) error {
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	cpu := fs.String("cpu", "cpu.pprof", "CPU profile `FILE`")
	mem := fs.String("mem", "", "heap profile `FILE` written at the end")
	if err := fs.Parse(args); err != nil {
		return err
	}
	selfhealth.TuneRuntime(os.Getenv) // as cmd/llmbench does
	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		return err
	}
	f, err := os.Create(*cpu)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	wd, _ := os.Getwd()
	code := cli.Main(context.Background(), cli.Env{
		Args: fs.Args(), Environ: os.Environ(), Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Dir: wd,
	}, mods, llm.GPUSource{})
	pprof.StopCPUProfile()
	if *mem != "" {
		h, err := os.Create(*mem)
		if err != nil {
			return err
		}
		defer h.Close()
		if err := pprof.Lookup("allocs").WriteTo(h, 0); err != nil {
			return err
		}
	}
	if code != 0 {
		os.Exit(code)
	}
	return nil
}
