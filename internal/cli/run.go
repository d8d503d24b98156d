package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/archive"
	"github.com/llmbench/llmbench/internal/config"
	"github.com/llmbench/llmbench/internal/execution"
	"github.com/llmbench/llmbench/internal/executor"
	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/gpustat"
	"github.com/llmbench/llmbench/internal/js"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/netx"
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/redact"
	"github.com/llmbench/llmbench/internal/restapi"
	"github.com/llmbench/llmbench/internal/summary"
	"github.com/llmbench/llmbench/internal/threshold"
	"github.com/llmbench/llmbench/internal/ui"
	"github.com/llmbench/llmbench/internal/vu"
)

// scriptFlags are the flags shared by run and inspect that are not options.
type scriptFlags struct {
	env        []string
	configFile string
	systemEnv  bool
	quiet      bool
	noColor    bool
	opts       *config.Flags
	// segment and sequence are --execution-segment and
	// --execution-segment-sequence.
	segment, sequence string
	// record keeps the files the script reads (loaded.files).
	record     bool
	compatMode string
	// k6's global logging flags (the k6-operator passes them through).
	verbose, noUsageReport bool
	logOutput, logFormat   string
}

// logger returns the command's logger: slog text lines on stderr, or as
// --log-output and -v/--verbose say (stdout, none, file=PATH; debug
// level). Other outputs (loki) fall back to stderr with a warning.
func (f *scriptFlags) logger(env Env) (*slog.Logger, error) {
	var w io.Writer = env.Stderr
	var unsupported bool
	switch out, arg, _ := strings.Cut(f.logOutput, "="); out {
	case "", "stderr":
	case "stdout":
		w = env.Stdout
	case "none":
		w = io.Discard
	case "file":
		if arg == "" {
			arg = "k6.log"
		}
		fh, err := os.OpenFile(resolve(env, arg), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, exit.Errorf(exit.InvalidConfig, "--log-output %q: %v", f.logOutput, err)
		}
		w = fh // open until the process exits, as k6's log file
	default:
		unsupported = true
	}
	level := slog.LevelInfo
	if f.verbose {
		level = slog.LevelDebug
	}
	l := slog.New(redact.Handler(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})))
	if unsupported {
		l.Warn("--log-output is not supported; logging to stderr", "output", f.logOutput)
	}
	if f.logFormat != "" && f.logFormat != "raw" {
		l.Warn("--log-format is ignored: llmbench writes slog text lines", "format", f.logFormat)
	}
	return l, nil
}

// envFlag returns the value of -e name in kvs.
func envFlag(kvs []string, name string) (string, bool) {
	for _, kv := range kvs {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

func addScriptFlags(cmd *cobra.Command) *scriptFlags {
	f := &scriptFlags{}
	fs := cmd.Flags()
	f.opts = config.RegisterFlags(fs)
	fs.StringArrayVarP(&f.env, "env", "e", nil, "add an environment variable `KEY=VALUE` to __ENV (repeatable)")
	fs.StringVarP(&f.configFile, "config", "c", "", "JSON config `FILE` (a lower layer than the script's options)")
	fs.BoolVar(&f.systemEnv, "include-system-env-vars", true, "pass the real environment variables to __ENV")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no header and no progress updates")
	fs.BoolVar(&f.noColor, "no-color", false, "no colors in the output")
	fs.StringVar(&f.compatMode, "compatibility-mode", "", "JavaScript `MODE`: extended (default, defines global), base, or experimental_enhanced (deprecated: .ts types are always stripped)")
	fs.StringVar(&f.segment, "execution-segment", "", "run only this `SEGMENT` of the test, e.g. 1/3:2/3, 0.5 or 25%:50% (distributed runs)")
	fs.StringVar(&f.sequence, "execution-segment-sequence", "", "every instance's segment boundaries, e.g. 0,1/3,2/3,1 (the same on every instance)")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "log at debug level")
	fs.StringVar(&f.logOutput, "log-output", "stderr", "where logs go: stderr, stdout or none")
	fs.StringVar(&f.logFormat, "log-format", "", "accepted for k6 compatibility; logs are slog text lines")
	fs.BoolVar(&f.noUsageReport, "no-usage-report", false, "accepted for k6 compatibility; llmbench sends no usage reports")
	return f
}

// executionSegment returns the segment from the flags, else from the
// script's options (executionSegment, executionSegmentSequence).
func (f *scriptFlags) executionSegment(run config.Run) (executor.Segment, error) {
	seg, seq := f.segment, f.sequence
	other := run.Options().Other
	if seg == "" {
		_ = json.Unmarshal(other["executionSegment"], &seg)
	}
	if seq == "" {
		_ = json.Unmarshal(other["executionSegmentSequence"], &seq)
	}
	s, err := executor.ParseSegment(seg, seq)
	if err != nil {
		return executor.Segment{}, exit.New(exit.InvalidConfig, err)
	}
	return s, nil
}

// runFlags are run's flags for distributed runs (the k6-operator's runner
// argv, reference k6-operator.md §2).
type runFlags struct {
	address string
	paused  bool
	linger  bool
}

func addRunFlags(fs *pflag.FlagSet) *runFlags {
	f := &runFlags{}
	fs.StringVarP(&f.address, "address", "a", "", "serve the REST API (GET/PATCH /v1/status) on `HOST:PORT`, bound before the script initialises")
	fs.BoolVarP(&f.paused, "paused", "p", false, "after initialising the VUs, wait for PATCH /v1/status paused=false (needs --address)")
	fs.BoolVarP(&f.linger, "linger", "l", false, "after the end, keep the REST API up until interrupted")
	return f
}

// compatibilityMode returns the --compatibility-mode flag, else
// K6_COMPATIBILITY_MODE (LLMBENCH_COMPATIBILITY_MODE overriding it), else
// archived (an archive's mode), checked; a deprecated mode is logged.
func (f *scriptFlags) compatibilityMode(env Env, logger *slog.Logger, archived string) (string, error) {
	s := f.compatMode
	if s == "" {
		e := env.environMap()
		s = firstOf(e["LLMBENCH_COMPATIBILITY_MODE"], e["K6_COMPATIBILITY_MODE"], archived)
	}
	mode, warning, err := js.ParseCompatibilityMode(s)
	if err != nil {
		return "", exit.New(exit.InvalidConfig, err)
	}
	if warning != "" {
		logger.Warn(warning)
	}
	return mode, nil
}

var envNameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// scriptEnv builds __ENV: the system environment (unless excluded)
// overridden by -e.
func (f *scriptFlags) scriptEnv(env Env) (map[string]string, error) {
	m := map[string]string{}
	if f.systemEnv {
		m = env.environMap()
	}
	for _, kv := range f.env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !envNameRE.MatchString(k) {
			return nil, exit.Errorf(exit.InvalidConfig, "invalid -e/--env %q: it must be KEY=VALUE with KEY matching ^[a-zA-Z_][a-zA-Z0-9_]*$", kv)
		}
		m[k] = v
	}
	return m, nil
}

// loaded is a script loaded and its options consolidated.
type loaded struct {
	path     string
	env      map[string]string // the script's __ENV
	runner   *js.Runner
	run      config.Run
	reg      *metrics.Registry
	builtins *metrics.Builtins
	test     *vu.State
	logger   *slog.Logger
	// archive is the k6 archive the script came from, or nil.
	archive *archive.Archive
	// compat is the compatibility mode the script runs in.
	compat string
	// files are the local files the script read (path → contents), when
	// scriptFlags.record is set (for `archive`).
	files map[string][]byte
}

// openArchive returns the k6 archive at path, or nil when path is not a
// tar file.
func openArchive(path string) (*archive.Archive, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil // js.Load reports the missing script
	}
	defer fh.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(fh, head)
	if !archive.IsArchive(head[:n]) {
		return nil, nil
	}
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	a, err := archive.Read(fh)
	if err != nil {
		return nil, exit.New(exit.InvalidConfig, fmt.Errorf("%s: %w", path, err))
	}
	return a, nil
}

// load runs the script's init code in VU 0 and consolidates its options
// with the other layers. script may be a k6 archive (.tar): its files are
// read from the archive and its options are the script layer.
func load(ctx context.Context, env Env, mods *modules.Registry, f *scriptFlags, script string, logger *slog.Logger) (*loaded, error) {
	path, src, err := scriptSource(env, script)
	if err != nil {
		return nil, err
	}
	var arc *archive.Archive
	if path == "-" && archive.IsArchive(src) {
		// `llmbench run - < archive.tar`, as k6 sniffs stdin.
		if arc, err = archive.Read(bytes.NewReader(src)); err != nil {
			return nil, exit.New(exit.InvalidConfig, fmt.Errorf("the archive on standard input: %w", err))
		}
	} else if arc, err = openArchive(path); err != nil {
		return nil, err
	}
	scriptEnv, err := f.scriptEnv(env)
	if err != nil {
		return nil, err
	}
	read := func(p string) ([]byte, error) { return os.ReadFile(p) }
	if arc != nil {
		for k, v := range arc.Env {
			if _, set := envFlag(f.env, k); !set {
				scriptEnv[k] = v
			}
		}
		path, read = arc.Filename, arc.ReadFile
	}
	l := &loaded{path: path, env: scriptEnv, reg: metrics.NewRegistry(), test: &vu.State{}, logger: logger, archive: arc}
	if f.record {
		l.files = map[string][]byte{}
		var mu sync.Mutex
		inner := read
		read = func(p string) ([]byte, error) {
			b, err := inner(p)
			if err == nil {
				mu.Lock()
				l.files[filepath.Clean(p)] = b
				mu.Unlock()
			}
			return b, err
		}
	}
	var remote map[string][]byte
	archived := ""
	if arc != nil {
		remote, archived = arc.Remote, arc.CompatibilityMode
	}
	compat, err := f.compatibilityMode(env, logger, archived)
	if err != nil {
		return nil, err
	}
	l.compat = compat
	l.builtins = metrics.RegisterBuiltins(l.reg)
	l.runner, err = js.Load(ctx, path, js.Options{
		Modules:  mods,
		Metrics:  l.reg,
		Builtins: l.builtins,
		Test:     l.test,
		Env:      scriptEnv,
		Logger:   logger,
		Stdout:   env.Stdout,
		Stderr:   env.Stderr,
		ReadFile: read,
		// The stdin script ("-"), the directory its imports resolve
		// against, and the client for https:// imports.
		Script:     src,
		CWD:        env.Dir,
		HTTPClient: env.ModuleClient,
		// --compatibility-mode / K6_COMPATIBILITY_MODE.
		CompatibilityMode: compat,
		// An archive's https/ modules: no fetching.
		RemoteModules: remote,
	})
	if err != nil {
		if exit.CodeOf(err) == exit.GenericError {
			err = exit.New(exit.ScriptException, err)
		}
		return nil, err
	}
	layers := []config.Options{config.Defaults()}
	if f.configFile != "" {
		fl, err := config.FromFile(resolve(env, f.configFile))
		if err != nil {
			return nil, err
		}
		layers = append(layers, fl)
	}
	scriptOpts := l.runner.Options()
	if arc != nil {
		if scriptOpts, err = archiveOptions(arc.Options); err != nil {
			return nil, exit.New(exit.InvalidConfig, fmt.Errorf("the archive's options: %w", err))
		}
	}
	sl, warns, err := config.FromScriptJSON(scriptOpts)
	if err != nil {
		return nil, err
	}
	for _, w := range warns {
		logger.Warn(w)
	}
	el, err := config.FromEnv(env.environMap())
	if err != nil {
		return nil, err
	}
	cl, err := f.opts.Options()
	if err != nil {
		return nil, err
	}
	layers = append(layers, sl, el, cl)
	l.run, warns, err = config.Consolidate(layers...)
	for _, w := range warns {
		logger.Warn(w)
	}
	if err != nil {
		return nil, err
	}
	for _, sc := range l.run.Scenarios() {
		exec := sc.Config.Base().Exec
		if !l.runner.HasExport(exec) {
			return nil, exit.Errorf(exit.InvalidConfig, "executor %s: function '%s' not found in exports", sc.Name, exec)
		}
	}
	if l.test.Options, err = l.run.TestOptionsJSON(); err != nil {
		return nil, exit.New(exit.InvalidConfig, err)
	}
	l.runner.SetRunOptions(l.run.Tags(), l.run.SystemTags())
	netOpts, err := netx.Parse(l.run.Options().Other, netx.DefaultUserAgent(Version))
	if err != nil {
		return nil, exit.New(exit.InvalidConfig, err)
	}
	l.runner.SetNetOptions(netOpts)
	for _, k := range []string{"rps", "httpDebug", "localIPs", "minIterationDuration", "consoleOutput", "metricSamplesBufferSize"} {
		if _, ok := l.run.Options().Other[k]; ok {
			logger.Warn(fmt.Sprintf("the option %q is accepted but not acted on by llmbench (docs/compatibility.md)", k))
		}
	}
	return l, nil
}

// scriptSource returns the script argument as js.Load takes it: "-" reads
// the script (or a k6 archive) from standard input (k6's file:///-), an
// https:// URL stays as it is, and a path is made absolute against the
// working directory.
func scriptSource(env Env, script string) (string, []byte, error) {
	switch {
	case script == "-":
		if env.Stdin == nil {
			return "", nil, exit.Errorf(exit.ScriptException, "reading the script from standard input: no standard input")
		}
		b, err := io.ReadAll(env.Stdin)
		if err != nil {
			return "", nil, exit.New(exit.ScriptException, fmt.Errorf("reading the script from standard input: %w", err))
		}
		return "-", b, nil
	case strings.HasPrefix(script, "https://"):
		return script, nil, nil
	}
	return resolve(env, script), nil, nil
}

func resolve(env Env, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(env.Dir, p)
}

func newRunCmd(ctx context.Context, env Env, mods *modules.Registry, gpu gpustat.Source) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [flags] SCRIPT",
		Short: "Run a k6-dialect test script",
		Long: "Run a k6-dialect test script. SCRIPT is a .js or .ts file, an https:// URL, or - to read\n" +
			"the script from standard input (its relative imports and open() resolve against the working directory).",
		Args: cobra.ExactArgs(1),
	}
	f := addScriptFlags(cmd)
	sf := addSourceFlags(cmd.Flags(), gpu)
	rf := addResultsFlags(cmd.Flags())
	nf := addRunFlags(cmd.Flags())
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		return run(ctx, env, mods, f, sf, rf, nf, args[0])
	}
	return cmd
}

func run(ctx context.Context, env Env, mods *modules.Registry, f *scriptFlags, sf *sourceFlags, rf *resultsFlags, nf *runFlags, script string) error {
	isTTY := ui.IsTerminal(env.Stdout)
	color := isTTY && !f.noColor
	progress := (*ui.Progress)(nil)
	logger, err := f.logger(env)
	if err != nil {
		return err
	}

	// The REST API answers before the script initialises, so that the
	// k6-operator's probes pass during a slow init.
	ctl := newRunControl(nf.paused)
	if nf.paused && nf.address == "" {
		logger.Warn("--paused without --address: nothing can resume the run; it starts at once")
		ctl = newRunControl(false)
	}
	if nf.address != "" {
		srv, err := restapi.Listen(nf.address, ctl)
		if err != nil {
			return exit.New(exit.CannotStartAPI, err)
		}
		defer srv.Close()
	}

	// Signals are watched from the start: the first one interrupts the
	// init code, the VUs' initialisation and setup() as well as the run.
	globalCtx, cancelGlobal := context.WithCancel(ctx)
	defer cancelGlobal()
	runCtx, cancelRun := context.WithCancel(globalCtx)
	defer cancelRun()
	var signalled atomic.Value // the os.Signal that stopped the run
	stopSignals := watchSignals(env, logger, cancelRun, cancelGlobal, &signalled)
	defer stopSignals()

	l, err := load(runCtx, env, mods, f, script, logger)
	if err != nil {
		return interrupted(err, &signalled)
	}
	seg, err := f.executionSegment(l.run)
	if err != nil {
		return err
	}
	if !seg.Full() {
		l.test.VUIDInTest = func(id uint64) uint64 { return uint64(seg.Global(int64(id)-1) + 1) }
	}
	srcs, err := newSources(sf, l.reg, logger)
	if err != nil {
		return err
	}
	ths, err := threshold.Parse(l.run.Thresholds())
	if err == nil {
		err = ths.Validate(l.reg)
	}
	if err != nil {
		if l.run.NoThresholds() {
			logger.Warn("thresholds are off (--no-thresholds); their errors are ignored", "error", err)
			ths = nil
		} else {
			return exit.New(exit.InvalidConfig, err)
		}
	}
	agg, err := aggregate.New(l.reg, ths, aggregate.Options{
		Abort:        l.test.Abort,
		Elapsed:      l.test.CurrentTestRunDuration,
		NoThresholds: l.run.NoThresholds(),
		Submetrics:   defaultSubmetrics(l.run),
	})
	if err != nil {
		return err
	}
	res, err := newResults(rf, env, l, script, time.Now())
	if err != nil {
		return err
	}
	extra, err := NewOutputs(append(l.run.Out(), res.outSpecs()...), output.Params{
		Environment: env.environMap(), Stdout: env.Stdout, Stderr: env.Stderr, Dir: env.Dir,
		Logger: logger, Registry: l.reg, Thresholds: ths, SystemTags: l.run.SystemTags(), Collectors: l.run.Collectors(),
	})
	if err != nil {
		return err
	}
	outs := append([]output.Output{agg}, extra...)
	buf := &metrics.Buffer{}
	mgr := output.NewManager(buf, outs, 0, logger)
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("starting outputs: %w", err)
	}

	scenarios := l.run.Scenarios()
	configs := make([]executor.Config, len(scenarios))
	for i, sc := range scenarios {
		configs[i] = sc.Config
	}
	sched := execution.New(execution.Config{
		Scenarios:       configs,
		Runner:          l.runner,
		Test:            l.test,
		Out:             buf,
		Builtins:        l.builtins,
		RunTags:         l.run.Tags(),
		Logger:          logger,
		NoSetup:         l.run.NoSetup(),
		NoTeardown:      l.run.NoTeardown(),
		SetupTimeout:    l.run.SetupTimeout(),
		TeardownTimeout: l.run.TeardownTimeout(),
		Segment:         seg,
	})
	ctl.attach(sched, l.test, agg)
	ctl.attachLifecycle(l.runner, buf, l.run.SetupTimeout(), l.run.TeardownTimeout())
	if !f.quiet {
		h := ui.HeaderInfo{Script: script, MaxDuration: sched.MaxDuration(), MaxVUs: sched.MaxVUs(), Color: color}
		for _, o := range extra {
			h.Outputs = append(h.Outputs, redact.Text(o.Description()))
		}
		for _, sc := range scenarios {
			h.Scenarios = append(h.Scenarios, ui.ScenarioLine{Name: sc.Name, Description: sc.Config.Description()})
		}
		if err := ui.Header(env.Stdout, h); err != nil {
			return err
		}
	}

	progress = ui.NewProgress(env.Stdout, isTTY, f.quiet, func() ui.Snapshot { return snapshot(sched, l.test) })
	progress.Start(globalCtx)
	srcs.start(globalCtx, buf, l.run.Tags(), logger)
	runErr := sched.Init(runCtx)
	if runErr == nil && runCtx.Err() == nil {
		if runErr = ctl.waitStart(runCtx); runErr != nil && !errors.Is(runErr, errStoppedByAPI) {
			runErr = nil // a signal while paused: outcome reports it
		} else if runErr == nil {
			srcs.running()
			runErr = sched.Run(globalCtx, runCtx)
		}
	}
	runErr = interrupted(runErr, &signalled)
	srcs.stop(logger)
	progress.Stop()
	var lost []error // results not written: exit 111 unless the run already failed
	if err := mgr.Stop(runErr); err != nil {
		logger.Error("stopping outputs", "error", err)
		lost = append(lost, err)
	}

	if l.test.IterationsCompleted.Load() == 0 && runErr == nil {
		logger.Warn("No script iterations fully finished, consider making the test duration longer")
	}
	if err := writeSummary(globalCtx, env, l, agg, srcs, color); err != nil {
		logger.Error("failed to handle the end-of-test summary", "error", err)
	}
	runErr = outcome(runErr, &signalled, agg, l.test)
	if err := res.finish(env, l, agg, srcs, runErr, time.Now()); err != nil {
		logger.Error("failed to write the results", "error", err)
		lost = append(lost, err)
	}
	if runErr == nil && len(lost) > 0 {
		runErr = exit.New(exit.OutputFailed, fmt.Errorf("results were lost: %w", errors.Join(lost...)))
	}
	linger := nf.linger && nf.address != ""
	if linger {
		// The watcher is gone before the API reports the end, so the
		// signal that ends the linger is not taken as a run stop.
		stopSignals()
	}
	ctl.setEnded(runErr)
	if linger {
		logger.Info("Linger set; waiting for Ctrl+C (the REST API stays up)...")
		select {
		case <-env.Signals:
		case <-ctx.Done():
		}
	}
	return runErr
}

// interrupted turns err into the signal's exit error (105) when a signal
// stopped the work that failed (init code, VU initialisation, setup): the
// error is then the interruption, not a script or config fault.
func interrupted(err error, signalled *atomic.Value) error {
	s, ok := signalled.Load().(os.Signal)
	if !ok || err == nil {
		return err
	}
	if c := exit.CodeOf(err); c != exit.GenericError && c != exit.ScriptException {
		return err // it carries its own code (an abort, a setup timeout…)
	}
	return exit.Errorf(exit.ExternalAbort, "test run was aborted because llmbench received a '%s' signal (%v)", s, err)
}

// outcome decides the run's error and so its exit code, in k6's order.
func outcome(runErr error, signalled *atomic.Value, agg *aggregate.Aggregate, test *vu.State) error {
	if runErr != nil {
		if exit.CodeOf(runErr) == exit.GenericError {
			return exit.New(exit.GenericError, runErr)
		}
		return runErr
	}
	if s, ok := signalled.Load().(os.Signal); ok {
		return exit.Errorf(exit.ExternalAbort, "test run was aborted because llmbench received a '%s' signal", s)
	}
	if err := agg.FailedError(); err != nil {
		return err
	}
	if reasons := test.Failed(); len(reasons) > 0 {
		return exit.Errorf(exit.MarkedAsFailed, "test run was marked as failed")
	}
	return nil
}

// watchSignals cancels the run on the first signal and ends the process on
// the second.
// The returned func stops the watcher and returns once it has stopped.
func watchSignals(env Env, logger *slog.Logger, cancelRun, cancelGlobal context.CancelFunc, signalled *atomic.Value) func() {
	done := make(chan struct{})
	if env.Signals == nil {
		return func() {}
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		select {
		case s := <-env.Signals:
			signalled.Store(s)
			logger.Warn(fmt.Sprintf("stopping: received %s; finishing running iterations (gracefulStop), then teardown and summary. Press Ctrl-C again to exit now", s))
			cancelRun()
		case <-done:
			return
		}
		select {
		case s := <-env.Signals:
			logger.Error(fmt.Sprintf("received %s again: exiting now", s))
			if env.Exit != nil {
				env.Exit(int(exit.ExternalAbort))
			}
			cancelGlobal()
		case <-done:
		}
	}()
	return sync.OnceFunc(func() { close(done); <-stopped })
}

func snapshot(s *execution.Scheduler, test *vu.State) ui.Snapshot {
	snap := ui.Snapshot{
		Elapsed:     test.CurrentTestRunDuration(),
		VUs:         test.VUsActive.Load(),
		MaxVUs:      test.VUsInitialized.Load(),
		Complete:    test.IterationsCompleted.Load(),
		Interrupted: test.IterationsInterrupted.Load(),
	}
	for _, p := range s.Progress() {
		snap.Scenarios = append(snap.Scenarios, ui.ScenarioBar{
			Name: p.Name, Fraction: p.Fraction, Status: string(p.Status), Right: p.Right,
		})
	}
	return snap
}

// writeSummary runs handleSummary (or renders the text summary) and writes
// the results and --summary-export.
func writeSummary(ctx context.Context, env Env, l *loaded, agg *aggregate.Aggregate, srcs *sources, color bool) error {
	if l.run.NoSummary() || l.run.SummaryMode() == "disabled" {
		return nil
	}
	opts := summary.Options{
		TrendStats: l.run.SummaryTrendStats(),
		TimeUnit:   l.run.SummaryTimeUnit(),
		Color:      color,
		NoColor:    !color,
		StdoutTTY:  ui.IsTerminal(env.Stdout),
		StderrTTY:  ui.IsTerminal(env.Stderr),
		Saturated:  srcs.saturated(),
	}
	if l.runner != nil {
		opts.SetupData = l.runner.SetupData()
	}
	snap := agg.Snapshot()
	data, err := summary.Data(snap, opts)
	if err == nil {
		data, err = srcs.addToData(data, snap)
	}
	if err != nil {
		return err
	}
	var results map[string][]byte
	var handled bool
	var herr error
	if l.runner != nil { // nil: merge without the script
		results, handled, herr = l.runner.HandleSummary(ctx, data)
	}
	if herr != nil {
		l.logger.Error("handleSummary failed; printing the default summary", "error", herr)
	}
	if !handled || herr != nil {
		text := summary.Text(snap, opts)
		if extra := srcs.summaryText(snap); extra != "" {
			text = strings.TrimRight(text, "\n") + "\n\n" + extra + "\n"
		}
		results = map[string][]byte{"stdout": []byte(text)}
	}
	if p := l.run.SummaryExport(); p != "" {
		b, err := summary.Export(data)
		if err != nil {
			return err
		}
		results[p] = b
	}
	return summary.WriteResults(results, env.Stdout, env.Stderr, func(p string) (io.WriteCloser, error) {
		return os.Create(resolve(env, p))
	})
}

// defaultSubmetrics are the submetrics k6 always keeps: the duration of
// the requests a response callback expected, while that tag is on.
func defaultSubmetrics(r config.Run) []aggregate.Submetric {
	if !r.SystemTagEnabled("expected_response") {
		return nil
	}
	return []aggregate.Submetric{{Metric: "http_req_duration", Tag: "expected_response", Value: "true"}}
}

// archiveOptions are an archive's consolidated options as the script layer.
// The archive keeps both the shortcut options a script gave (vus, duration,
// iterations, stages) and the scenarios derived from them; the scenarios
// are what to run, so the shortcuts are dropped when scenarios are there
// (otherwise the layer would say both, which k6 refuses).
func archiveOptions(raw []byte) ([]byte, error) {
	if len(raw) == 0 {
		return raw, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if sc, ok := m["scenarios"]; !ok || string(sc) == "null" {
		return raw, nil
	}
	for _, k := range []string{"vus", "duration", "iterations", "stages"} {
		delete(m, k)
	}
	return json.Marshal(m)
}
