package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
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
		runs, err := report.Load(paths)
		if err != nil {
			return exit.New(exit.GenericError, err)
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
