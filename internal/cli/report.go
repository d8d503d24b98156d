package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/report"
)

// newReportCmd is `llmbench report -o OUT RUN...`: RUN is a JSON output
// file (--out json=FILE, plain or .gz) or a results directory; OUT's
// extension picks Markdown (.md, the default on standard output), a
// self-contained HTML page (.html) or the computed tables (.json).
func newReportCmd(env Env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "report [-o OUT] RUN...",
		Short: "Write a Markdown, HTML, JSON or PDF report of one or more runs, compared side by side",
		Args:  cobra.MinimumNArgs(1),
	}
	cmd.Flags().StringVarP(&out, "output", "o", "-", "report file: .md, .html, .json or .pdf (- = Markdown on stdout)")
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		f, err := report.FormatOf(out)
		if err != nil {
			return exit.New(exit.InvalidConfig, err)
		}
		paths := make([]string, len(args))
		for i, a := range args {
			paths[i] = reportPath(env, a)
		}
		if out != "-" && out != "" {
			if err := notAnInput(reportPath(env, out), paths); err != nil {
				return exit.New(exit.InvalidConfig, err)
			}
		}
		runs, err := report.Load(paths)
		if err != nil {
			return exit.New(exit.GenericError, err)
		}
		for _, r := range runs {
			for _, w := range r.Warnings {
				fmt.Fprintf(env.Stderr, "report: WARNING %s: %s\n", r.Source, w)
			}
		}
		var buf bytes.Buffer
		if err := report.Write(&buf, report.Build(runs, time.Now()), f); err != nil {
			return exit.New(exit.GenericError, err)
		}
		if out == "-" || out == "" {
			_, err = env.Stdout.Write(buf.Bytes())
			return err
		}
		if err := os.WriteFile(reportPath(env, out), buf.Bytes(), 0o644); err != nil {
			return exit.New(exit.GenericError, fmt.Errorf("writing report: %w", err))
		}
		fmt.Fprintf(env.Stderr, "report: %d run(s) → %s\n", len(runs), out)
		return nil
	}
	return cmd
}

// reportPath resolves p against the CLI's working directory.
func reportPath(env Env, p string) string {
	if filepath.IsAbs(p) || env.Dir == "" {
		return p
	}
	return filepath.Join(env.Dir, p)
}

// notAnInput refuses a report path that is one of the runs read: an input
// file, or a file inside an input directory (a results directory's
// samples, metadata or summary). Writing it would destroy the run.
func notAnInput(out string, inputs []string) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return nil
	}
	ofi, statErr := os.Stat(abs)
	for _, in := range inputs {
		ain, err := filepath.Abs(in)
		if err != nil {
			continue
		}
		fi, err := os.Stat(ain)
		switch {
		case err != nil:
			continue
		case !fi.IsDir() && (ain == abs || statErr == nil && os.SameFile(fi, ofi)):
			return fmt.Errorf("-o %s: that is an input run; the report would overwrite it", out)
		case fi.IsDir() && strings.HasPrefix(abs, ain+string(filepath.Separator)) && isRunFile(filepath.Base(abs)):
			return fmt.Errorf("-o %s: that file belongs to the input results directory %s; the report would overwrite it", out, in)
		}
	}
	return nil
}

// isRunFile reports whether name is one of the files a results directory keeps.
func isRunFile(name string) bool {
	return name == SamplesFile || name == SummaryJSON || name == SummaryCSV || name == MetadataFile ||
		strings.HasPrefix(name, "samples.json")
}
